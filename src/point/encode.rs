//! A point's line: the measurement, the point's tags merged with the write API's default
//! tags, the fields, the time. Short lines are built on the stack first ([`StackLine`]),
//! long ones in the caller's `Vec`.

use crate::error::Result;
use crate::lp::digits::Digits;
use crate::lp::escape::{put_key, write_quoted, MEASUREMENT_ESCAPES};
use crate::lp::numbers::{write_finite_f64, write_int};
use crate::lp::rules::{nothing_to_write, series_key_too_long, MAX_KEY_LEN};
use crate::lp::sink::{escape_slow, Sink, StackLine, STACK_LINE};
use crate::lp::tags::{DefaultTag, DefaultTags};

use super::{Point, RawTag, RawValue};

/// Append one line (no trailing `\n`) for `point` to `out`, with `default_tags` (as given:
/// checked, sorted and escaped on every call — a write API prepares them once and calls
/// [`encode_point_with`]).
///
/// On a key conflict the DEFAULT tag wins, as in the seed: `_BaseWriteApi.
/// _append_default_tags` (influxdb_client/client/_base.py, called by `WriteApi.write`) calls
/// `record.tag(key, val)` on the user's Point, overwriting its value. Following the same code, a
/// default tag with an empty value hides the point's tag of that key (the seed's tag becomes
/// `""`/`None` and is skipped) and is not written itself. Default tags with an empty key are
/// ignored; the last of a repeated key wins.
///
/// Errors (`InvalidPoint`): no field to write (none set, or all NaN/±Inf — the seed returns
/// `""` and silently writes nothing); an invalid default tag; a series key (measurement and
/// tags, escaped) longer than 65535 bytes. On error `out` is left exactly as it was.
pub fn encode_point(
    point: &Point,
    default_tags: &[(String, String)],
    out: &mut Vec<u8>,
) -> Result<()> {
    if default_tags.is_empty() {
        return encode_line(point, &[], out);
    }
    encode_line(point, DefaultTags::new(default_tags)?.tags(), out)
}

/// [`encode_point`] with default tags prepared once ([`DefaultTags::new`]).
#[inline]
pub fn encode_point_with(point: &Point, defaults: &DefaultTags, out: &mut Vec<u8>) -> Result<()> {
    encode_line(point, defaults.tags(), out)
}

/// The line of `point` with `defaults` (sorted, checked, escaping known).
#[inline]
fn encode_line(point: &Point, defaults: &[DefaultTag], out: &mut Vec<u8>) -> Result<()> {
    if point.is_partial() {
        return encode_line(&point.settled(), defaults, out);
    }
    let mut estimate = line_estimate(point);
    for t in defaults {
        estimate += t.key.len() + t.value.len() + 2;
    }
    if estimate <= STACK_LINE {
        let mut buf = [0u8; STACK_LINE + 16];
        let mut line = StackLine::new(&mut buf);
        encode_inner(point, defaults, &mut line, 0)?;
        if !line.full() {
            out.extend_from_slice(line.as_slice());
            return Ok(());
        }
    }
    encode_into_vec(point, defaults, out, estimate)
}

/// Bytes a point's line (without default tags) usually takes at most: numbers take at most
/// 24 bytes, the time 20. Escaping may exceed it (then the stack line reports `full` and the
/// line is encoded again into a `Vec`).
#[inline(always)]
fn line_estimate(point: &Point) -> usize {
    point.text_len() + 28 * point.field_count() + 40
}

/// The `Vec` path of [`encode_point`] (long lines).
#[inline(never)]
fn encode_into_vec(
    point: &Point,
    defaults: &[DefaultTag],
    out: &mut Vec<u8>,
    estimate: usize,
) -> Result<()> {
    let start = out.len();
    out.reserve(estimate);
    let r = encode_inner(point, defaults, out, start);
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// Encode `point` (no default tags) and pass the line to `f`, without copying it into a
/// `Vec` first when it is short (the C API copies it once, into an exactly sized string).
/// Same output and errors as [`encode_point`].
#[inline]
pub(crate) fn encode_point_then<R>(point: &Point, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
    if point.is_partial() {
        return encode_point_then(&point.settled(), f);
    }
    let estimate = line_estimate(point);
    if estimate <= STACK_LINE {
        let mut buf = [0u8; STACK_LINE + 16];
        let mut line = StackLine::new(&mut buf);
        encode_inner(point, &[], &mut line, 0)?;
        if !line.full() {
            return Ok(f(line.as_slice()));
        }
    }
    let mut out = Vec::new();
    encode_into_vec(point, &[], &mut out, estimate)?;
    Ok(f(&out))
}

#[inline(always)]
fn encode_inner<W: Sink>(
    point: &Point,
    defaults: &[DefaultTag],
    w: &mut W,
    start: usize,
) -> Result<()> {
    match point.measurement_raw() {
        (m, true) => escape_slow(m, &MEASUREMENT_ESCAPES, w),
        (m, false) => w.put(m),
    }

    if defaults.is_empty() {
        for t in point.tags_raw() {
            put_tag(t, w);
        }
    } else {
        write_merged_tags(point, defaults, w);
    }
    if w.len() - start > MAX_KEY_LEN {
        return Err(series_key_too_long(point.measurement()));
    }

    w.byte(b' ');
    let mut first = true;
    for (k, k_esc, v) in point.fields_raw() {
        if let RawValue::F64(x) = v {
            if !x.is_finite() {
                continue; // seed: NaN/±Inf fields are skipped
            }
        }
        if !first {
            w.byte(b',');
        }
        first = false;
        put_key(k, k_esc, w);
        w.byte(b'=');
        match v {
            RawValue::F64(x) => write_finite_f64(x, w),
            RawValue::I64(x) => {
                write_int(x, w);
                w.byte(b'i');
            }
            RawValue::U64(x) => {
                w.digits(Digits::of(x));
                w.byte(b'u');
            }
            RawValue::Bool(true) => w.put(b"true"),
            RawValue::Bool(false) => w.put(b"false"),
            RawValue::Str(s, esc) => write_quoted(s, esc, w),
        }
    }
    if first {
        return Err(nothing_to_write(
            point.measurement(),
            point.field_count() > 0,
        ));
    }
    if let Some(t) = point.time() {
        w.byte(b' ');
        write_int(t, w);
    }
    Ok(())
}

#[inline(always)]
fn put_tag<W: Sink>(t: RawTag<'_>, w: &mut W) {
    w.byte(b',');
    put_key(t.key, t.key_esc, w);
    w.byte(b'=');
    put_key(t.value, t.value_esc, w);
}

/// Merge the point's tags with the prepared default tags; the default wins on equal keys.
fn write_merged_tags<W: Sink>(point: &Point, defaults: &[DefaultTag], w: &mut W) {
    let mut mine = point.tags_raw().peekable();
    for d in defaults {
        let dkb = d.key.as_bytes();
        while let Some(&t) = mine.peek() {
            if t.key < dkb {
                put_tag(t, w);
                mine.next();
            } else {
                if t.key == dkb {
                    mine.next(); // the default tag replaces the point's
                }
                break;
            }
        }
        if !d.value.is_empty() {
            put_tag(
                RawTag {
                    key: dkb,
                    key_esc: d.key_esc,
                    value: d.value.as_bytes(),
                    value_esc: d.value_esc,
                },
                w,
            );
        }
    }
    for t in mine {
        put_tag(t, w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;
    use crate::lp::{escape_key, escape_measurement, escape_string_field, write_f64};
    use crate::point::assert_invalid_point;
    use crate::point::{Precision, MAX_STRING_FIELD_LEN};

    fn lp(p: &Point) -> String {
        lp_with(p, &[])
    }

    fn lp_with(p: &Point, defaults: &[(&str, &str)]) -> String {
        let d: Vec<(String, String)> = defaults
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut out = Vec::new();
        encode_point(p, &d, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    // ---- seed vectors (conformance/seed_vectors.jsonl) ----

    #[test]
    fn py_lp_01() {
        let mut p = Point::new("h2 o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("", "warn").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2\\ o,location=europe level=2i");
    }

    #[test]
    fn py_lp_02() {
        let mut p = Point::new("h2,o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("", "warn").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2\\,o,location=europe level=2i");
    }

    #[test]
    fn py_lp_03() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("log", "").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i");
    }

    #[test]
    fn py_lp_04() {
        let mut p = Point::new("h\n2\ro\t_data").unwrap();
        p.tag("new\nline", "new\nline").unwrap();
        p.tag("carriage\rreturn", "carriage\nreturn").unwrap();
        p.tag("t\tab", "t\tab").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(
            lp(&p),
            "h\\n2\\ro\\t_data,carriage\\rreturn=carriage\\nreturn,new\\nline=new\\nline,t\\tab=t\\tab level=2i"
        );
    }

    #[test]
    fn py_lp_05() {
        let mut p = Point::new("h=2o").unwrap();
        p.tag("l=ocation", "e=urope").unwrap();
        p.field_i64("l=evel", 2).unwrap();
        assert_eq!(lp(&p), "h=2o,l\\=ocation=e\\=urope l\\=evel=2i");
    }

    #[test]
    fn py_lp_06() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("long", 1).unwrap();
        p.field_f64("double", 250.69).unwrap();
        p.field_f64("float", 35.0).unwrap();
        p.field_i64("integer", 7).unwrap();
        p.field_i64("short", 8).unwrap();
        p.field_i64("byte", 9).unwrap();
        p.field_i64("ulong", 10).unwrap();
        p.field_i64("uint", 11).unwrap();
        p.field_i64("sbyte", 12).unwrap();
        p.field_i64("ushort", 13).unwrap();
        p.field_f64("point", 13.3).unwrap();
        p.field_f64("decimal", 25.6).unwrap();
        p.field_f64("decimal-object", 0.142857).unwrap(); // Decimal("0.142857")
        p.field_bool("boolean", false).unwrap();
        p.field_str("string", "string value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe boolean=false,byte=9i,decimal=25.6,decimal-object=0.142857,double=250.69,\
             float=35,integer=7i,long=1i,point=13.3,sbyte=12i,short=8i,string=\"string value\",uint=11i,\
             ulong=10i,ushort=13i"
        );
    }

    #[test]
    fn py_lp_07() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_str("level", "string esc\\ape value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe level=\"string esc\\\\ape value\""
        );
    }

    #[test]
    fn py_lp_08() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_str("level", "string esc\"ape value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe level=\"string esc\\\"ape value\""
        );
    }

    #[test]
    fn py_lp_09() {
        // timedelta(hours=356) at US precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(356 * 3600 * 1_000_000, Precision::Us).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 1281600000000");
        assert_eq!(p.precision(), Precision::Us);
    }

    #[test]
    fn py_lp_10() {
        // datetime(2015, 10, 15, 8, 20, 15, 750, utc) at US precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_bool("level", false).unwrap();
        p.set_time(1_444_897_215_000_750, Precision::Us).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=false 1444897215000750");
    }

    #[test]
    fn py_lp_11() {
        // datetime(2015, 10, 15, 8, 20, 15), default NS precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(1_444_897_215_000_000_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 1444897215000000000");
    }

    #[test]
    fn py_lp_12() {
        // "1970-01-01T00:00:45.808680869Z" at S precision (truncated to whole seconds)
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(45, Precision::S).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 45");
    }

    #[test]
    fn py_lp_13() {
        // datetime(2009, 11, 10, 23, 0, 0, 123456) at MS precision
        let mut p = Point::new("weather").unwrap();
        p.set_time(1_257_894_000_123, Precision::Ms).unwrap();
        p.tag("location", "Přerov").unwrap();
        p.tag("sid", "12345").unwrap();
        p.field_f64("temperature", 30.1).unwrap();
        p.field_i64("int_field", 2).unwrap();
        p.field_i64("float_field", 0).unwrap();
        assert_eq!(
            lp(&p),
            "weather,location=Přerov,sid=12345 float_field=0i,int_field=2i,temperature=30.1 1257894000123"
        );
    }

    #[test]
    fn py_lp_14() {
        // seed quirk: "C:\\" became "C:\\ " (a space appended); we refuse the value instead.
        let mut p = Point::new("test").unwrap();
        p.tag("empty_tag", "").unwrap();
        // none_tag=None: not set at all
        let err = p.tag("backslash_tag", "C:\\\\").unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"backslash_tag\""), "{}", err.message);
        assert!(err.message.contains("backslash"), "{}", err.message);
        p.tag("integer_tag", "2").unwrap();
        p.tag("string_tag", "hello").unwrap();
        p.field_str("string_val", "hello!").unwrap();
        p.field_i64("int_val", 1).unwrap();
        p.field_f64("float_val", 1.1).unwrap();
        p.field_bool("bool_val", true).unwrap();
        // the rest of the point is what the seed writes, minus the refused tag
        assert_eq!(
            lp(&p),
            "test,integer_tag=2,string_tag=hello bool_val=true,float_val=1.1,int_val=1i,string_val=\"hello!\""
        );
    }

    #[test]
    fn py_lp_15() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        // Decimal("Infinity"/"-Infinity"/"NaN") behave as the floats
        p.field_f64("decimal-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("decimal-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("decimal-nan", f64::NAN).unwrap();
        p.field_f64("flout-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("flout-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("flout-nan", f64::NAN).unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i");
    }

    #[test]
    fn py_lp_16() {
        // seed quirk: returns "" (nothing written, no error); we return a clear error
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_f64("decimal-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("decimal-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("decimal-nan", f64::NAN).unwrap();
        p.field_f64("flout-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("flout-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("flout-nan", f64::NAN).unwrap();
        let mut out = b"keep".to_vec();
        let err = encode_point(&p, &[], &mut out).unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"h2o\""), "{}", err.message);
        assert!(err.message.contains("NaN or infinite"), "{}", err.message);
        assert_eq!(out, b"keep");
    }

    #[test]
    fn py_lp_17() {
        // datetime(2009, 11, 10, 23, 0, 0, 123456, Europe/Berlin) = 22:00 UTC
        let mut p = Point::new("h2o").unwrap();
        p.field_i64("val", 1).unwrap();
        p.set_time(1_257_890_400_123_456_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o val=1i 1257890400123456000");
    }

    #[test]
    fn py_lp_18() {
        let mut p = Point::new("h2o").unwrap();
        p.field_i64("val", 1).unwrap();
        p.set_time(1_257_894_000_123_456_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o val=1i 1257894000123456000");
    }

    #[test]
    fn py_lp_19() {
        let mut p = Point::new("test").unwrap();
        p.tag("tag1", "value1").unwrap();
        p.tag("tag2", "value\u{2}").unwrap(); // Python "value\2" is an octal escape
        p.tag("tag3", "value\\3").unwrap();
        p.tag("tag4", "value\\4").unwrap();
        p.tag("tag5", "value\\\\5").unwrap();
        p.set_time(1_624_989_000_000_000_000, Precision::Ns)
            .unwrap();
        p.field_i64("value", 10).unwrap();
        assert_eq!(
            lp(&p),
            "test,tag1=value1,tag2=value\u{2},tag3=value\\3,tag4=value\\4,tag5=value\\\\5 value=10i 1624989000000000000"
        );
    }

    #[test]
    fn py_lp_20() {
        let mut p = Point::new("sensor_pt859").unwrap();
        p.tag("location", "warehouse_125").unwrap();
        p.tag("version", "2021.06.05.5874").unwrap();
        p.field_i64("pressure", 125).unwrap();
        p.field_i64("temperature", 10).unwrap();
        p.set_time(1_632_208_639, Precision::S).unwrap();
        assert_eq!(
            lp(&p),
            "sensor_pt859,location=warehouse_125,version=2021.06.05.5874 pressure=125i,temperature=10i 1632208639"
        );
    }

    #[test]
    fn py_lp_21() {
        let mut p = Point::new("h2o_feet").unwrap();
        p.tag("location", "coyote_creek").unwrap();
        p.field_f64("water_level", 1.0).unwrap();
        p.field_u64("some_counter", 108_913_123_234).unwrap(); // field_types "uint"
        p.set_time(1, Precision::Ns).unwrap();
        assert_eq!(
            lp(&p),
            "h2o_feet,location=coyote_creek some_counter=108913123234u,water_level=1 1"
        );
    }

    #[test]
    fn py_lp_22() {
        let mut p = Point::new("h2o_feet").unwrap();
        p.tag("location", "coyote_creek").unwrap();
        p.field_f64("water_level", 1.0).unwrap();
        p.field_f64("some_counter", 108_913_123_234.0).unwrap(); // field_types "float"
        p.set_time(1, Precision::Ns).unwrap();
        assert_eq!(
            lp(&p),
            "h2o_feet,location=coyote_creek some_counter=108913123234,water_level=1 1"
        );
    }

    #[test]
    fn py_lp_23() {
        // record_measurement_name; "version" and "temperature" are absent from the dict
        let mut p = Point::new("custom_sensor_id").unwrap();
        p.tag("location", "warehouse_125").unwrap();
        p.field_i64("pressure", 125).unwrap();
        assert_eq!(
            lp(&p),
            "custom_sensor_id,location=warehouse_125 pressure=125i"
        );
        assert_eq!(p.precision(), Precision::Ns); // write_precision=S only applies to a time
    }

    #[test]
    fn py_lp_24() {
        // seed quirk: writes "#hash_start,..." which the server reads as a comment
        let err = Point::new("#hash_start").unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"#hash_start\""), "{}", err.message);
        assert!(err.message.contains("comment"), "{}", err.message);
        let mut p = Point::new("ok").unwrap();
        assert_invalid_point(p.clear("#x"), "comment");
    }

    // ---- escaping ----

    #[test]
    fn escaping_every_special_char() {
        let all = "a,b c=d\ne\tf\rg\\h\"i#j";
        let mut out = Vec::new();
        escape_measurement(all, &mut out);
        assert_eq!(out, b"a\\,b\\ c=d\\ne\\tf\\rg\\h\"i#j");
        out.clear();
        escape_key(all, &mut out);
        assert_eq!(out, b"a\\,b\\ c\\=d\\ne\\tf\\rg\\h\"i#j");
        out.clear();
        escape_string_field(all, &mut out);
        assert_eq!(out, "a,b c=d\ne\tf\rg\\\\h\\\"i#j".as_bytes());
        out.clear();
        escape_key("", &mut out);
        escape_key("plain", &mut out);
        escape_string_field("ž\"", &mut out);
        assert_eq!(out, "plainž\\\"".as_bytes());
        out.clear();
        escape_key(",,", &mut out);
        escape_measurement("  ", &mut out);
        escape_string_field("\\\\", &mut out);
        assert_eq!(out, b"\\,\\,\\ \\ \\\\\\\\");
    }

    #[test]
    fn escaping_in_a_point() {
        let mut p = Point::new("m e,a=s").unwrap();
        p.tag("k ,=\n\t\r", "v ,=\n\t\r").unwrap();
        p.field_str("f ,=", "s \"\\\n,=").unwrap();
        p.field_bool("g\\x", true).unwrap();
        assert_eq!(
            lp(&p),
            "m\\ e\\,a=s,k\\ \\,\\=\\n\\t\\r=v\\ \\,\\=\\n\\t\\r f\\ \\,\\==\"s \\\"\\\\\n,=\",g\\x=true"
        );
    }

    // ---- sorting, overwrite, types ----

    #[test]
    fn sorted_output_and_overwrites() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("z", 1).unwrap();
        p.field_i64("a", 2).unwrap();
        p.tag("b", "1").unwrap();
        p.tag("a", "1").unwrap();
        p.tag("b", "2").unwrap();
        p.field_f64("z", 2.5).unwrap(); // type change i64 -> f64
        p.field_str("a", "s").unwrap(); // i64 -> string
        p.field_u64("m", 0).unwrap();
        p.field_i64("n", i64::MIN).unwrap();
        p.field_u64("o", u64::MAX).unwrap();
        assert_eq!(
            lp(&p),
            "m,a=1,b=2 a=\"s\",m=0u,n=-9223372036854775808i,o=18446744073709551615u,z=2.5"
        );
        p.field_bool("a", false).unwrap();
        p.tag("a", "").unwrap();
        assert_eq!(
            lp(&p),
            "m,b=2 a=false,m=0u,n=-9223372036854775808i,o=18446744073709551615u,z=2.5"
        );
    }

    #[test]
    fn timestamps_written_as_given() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("f", 1).unwrap();
        p.set_time(-5, Precision::S).unwrap();
        assert_eq!(lp(&p), "m f=1i -5");
        p.set_time(0, Precision::Ns).unwrap();
        assert_eq!(lp(&p), "m f=1i 0");
        p.set_time(i64::MAX - 1, Precision::Ns).unwrap();
        assert_eq!(lp(&p), "m f=1i 9223372036854775806");
        p.clear_time();
        assert_eq!(lp(&p), "m f=1i");
    }

    // ---- default tags ----

    #[test]
    fn default_tags_merge_and_win_conflicts() {
        let mut p = Point::new("m").unwrap();
        p.tag("b", "point").unwrap();
        p.tag("d", "point").unwrap();
        p.tag("f", "point").unwrap();
        p.field_i64("x", 1).unwrap();
        assert_eq!(
            lp_with(
                &p,
                &[("a", "dflt"), ("d", "dflt"), ("e", "dflt"), ("g", "dflt")]
            ),
            "m,a=dflt,b=point,d=dflt,e=dflt,f=point,g=dflt x=1i"
        );
        assert_eq!(
            lp_with(&p, &[("z", "1")]),
            "m,b=point,d=point,f=point,z=1 x=1i"
        );
        assert_eq!(
            lp_with(&p, &[("0", "1")]),
            "m,0=1,b=point,d=point,f=point x=1i"
        );
        // empty key ignored; empty value hides the point's tag (the seed sets it to "")
        assert_eq!(
            lp_with(&p, &[("", "v"), ("b", ""), ("c", "")]),
            "m,d=point,f=point x=1i"
        );
        // escaping applies to default tags too
        assert_eq!(
            lp_with(&p, &[("h o", "v,=")]),
            "m,b=point,d=point,f=point,h\\ o=v\\,\\= x=1i"
        );
        // the point itself is unchanged
        assert_eq!(lp(&p), "m,b=point,d=point,f=point x=1i");
        // a point without tags
        let mut q = Point::new("m").unwrap();
        q.field_i64("x", 1).unwrap();
        assert_eq!(lp_with(&q, &[("a", "1"), ("b", "2")]), "m,a=1,b=2 x=1i");
    }

    #[test]
    fn default_tags_unsorted_or_duplicated() {
        let mut p = Point::new("m").unwrap();
        p.tag("b", "point").unwrap();
        p.field_i64("x", 1).unwrap();
        assert_eq!(
            lp_with(&p, &[("c", "1"), ("a", "1"), ("b", "dflt"), ("a", "2")]),
            "m,a=2,b=dflt,c=1 x=1i"
        );
    }

    #[test]
    fn invalid_default_tags_are_errors() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("x", 1).unwrap();
        for (k, v, needle) in [
            ("time", "v", "reserved"),
            ("_field", "v", "reserved"),
            ("k", "v\\", "backslash"),
            ("k\\", "v", "backslash"),
        ] {
            let d = vec![(k.to_string(), v.to_string())];
            let mut out = b"prefix\n".to_vec();
            let e = encode_point(&p, &d, &mut out).unwrap_err();
            assert_eq!(e.code, Code::InvalidPoint);
            assert!(e.message.starts_with("default "), "{}", e.message);
            assert!(e.message.contains(needle), "{}", e.message);
            assert_eq!(out, b"prefix\n");
        }
        // an empty value is not validated (it is not written)
        assert_eq!(lp_with(&p, &[("time", "")]), "m x=1i");
    }

    // ---- errors leave `out` unchanged ----

    #[test]
    fn no_fields_is_an_error_and_out_is_unchanged() {
        let mut p = Point::new("cpu").unwrap();
        p.tag("host", "a").unwrap();
        let mut out = b"line one\n".to_vec();
        let e = encode_point(&p, &[("r".into(), "x".into())], &mut out).unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert!(e.message.contains("no fields"), "{}", e.message);
        assert_eq!(out, b"line one\n");
        p.field_f64("n", f64::NAN).unwrap();
        let e = encode_point(&p, &[], &mut out).unwrap_err();
        assert!(e.message.contains("NaN"), "{}", e.message);
        assert_eq!(out, b"line one\n");
        p.field_f64("n", 1.0).unwrap();
        encode_point(&p, &[], &mut out).unwrap();
        assert_eq!(out, b"line one\ncpu,host=a n=1");
    }

    #[test]
    fn series_key_too_long() {
        let mut p = Point::new(&"m".repeat(40_000)).unwrap();
        p.field_i64("x", 1).unwrap();
        p.tag("t", &"v".repeat(25_000)).unwrap();
        let mut out = Vec::new();
        encode_point(&p, &[], &mut out).unwrap();
        p.tag("u", &"w".repeat(1_000)).unwrap();
        let mut out = b"x".to_vec();
        assert_invalid_point(encode_point(&p, &[], &mut out), "65535");
        assert_eq!(out, b"x");
    }

    #[test]
    fn big_string_field_encodes() {
        let mut p = Point::new("m").unwrap();
        let s = "\"".repeat(MAX_STRING_FIELD_LEN);
        p.field_str("s", &s).unwrap();
        let mut out = Vec::new();
        encode_point(&p, &[], &mut out).unwrap();
        assert_eq!(out.len(), "m s=\"\"".len() + 2 * MAX_STRING_FIELD_LEN);
    }

    #[test]
    fn stack_and_vec_paths_agree_around_the_stack_limit() {
        // lines from a few bytes to well past STACK_LINE, some made longer than the size
        // estimate by escaping (the stack attempt overflows and the Vec path takes over)
        for n in (0..500).step_by(7) {
            for fill in ["x", ",", "\\"] {
                let mut p = Point::new("m").unwrap();
                let tag_value = if fill == "\\" {
                    "v".repeat(n + 1)
                } else {
                    fill.repeat(n + 1)
                };
                p.tag("t", &tag_value).unwrap();
                p.field_str("s", &fill.repeat(n)).unwrap();
                p.field_f64("f", n as f64 / 8.0).unwrap();
                p.set_time(n as i64, Precision::S).unwrap();
                let mut want = b"m,t=".to_vec();
                escape_key(&tag_value, &mut want);
                want.extend_from_slice(b" f=");
                write_f64(n as f64 / 8.0, &mut want);
                want.extend_from_slice(b",s=\"");
                escape_string_field(&fill.repeat(n), &mut want);
                want.extend_from_slice(format!("\" {n}").as_bytes());
                let mut out = b"prefix".to_vec();
                encode_point(&p, &[], &mut out).unwrap();
                assert_eq!(out.get(6..), Some(&want[..]), "n={n} fill={fill:?}");
                assert!(out.starts_with(b"prefix"));
                // with default tags too
                let mut out = Vec::new();
                encode_point(
                    &p,
                    &[("a".into(), fill.repeat(n / 2 + 1).replace('\\', "v"))],
                    &mut out,
                )
                .unwrap();
                assert!(out.ends_with(&want[1..]), "n={n} fill={fill:?}");
            }
        }
    }

    #[test]
    fn encode_appends_and_reuses() {
        let mut p = Point::new("cpu").unwrap();
        let mut out = Vec::new();
        for i in 0..3i64 {
            p.clear("cpu").unwrap();
            p.tag("host", &format!("h{i}")).unwrap();
            p.field_i64("v", i).unwrap();
            if !out.is_empty() {
                out.push(b'\n');
            }
            encode_point(&p, &[], &mut out).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "cpu,host=h0 v=0i\ncpu,host=h1 v=1i\ncpu,host=h2 v=2i"
        );
    }
}
