//! Many points in one call, for bindings (a ctypes call costs ~1 µs, a cgo call 30–70 ns:
//! a call per tag and field would cost more than the encoding). A binding packs a batch of
//! points into one byte buffer and hands it over with [`LineBuffer::add_packed`]; each point
//! gets exactly the text and the checks of the calls `begin` / `tag` / `field_*` / `end_at`
//! (or `end`) in the packed order.
//!
//! The format, integers little-endian, strings UTF-8 without NUL terminator:
//!
//! ```text
//! point  := str measurement, u32 ntags, ntags × (str key, str value),
//!           u32 nfields, nfields × (str key, u8 type, value),
//!           u8 has_time (0 or 1), [i64 time, in the buffer's precision]
//! str    := u32 length, bytes
//! type   := 0 f64 (8 bytes, IEEE 754) | 1 i64 (8) | 2 u64 (8) | 3 bool (1 byte, 0 or 1)
//!           | 4 string (str)
//! ```
//!
//! The buffer holds zero or more points back to back. The call is all or nothing: on any
//! error (named `point <i>: ...`, `i` counted from 0) the line buffer is left as it was.

use crate::error::{Code, Error, Result};
use crate::types::{FieldType, FieldValue};

use super::LineBuffer;

/// A reader over the packed bytes.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let s = self
            .at
            .checked_add(n)
            .and_then(|end| self.b.get(self.at..end))
            .ok_or_else(|| truncated(self.at, self.b.len()))?;
        self.at += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        <[u8; N]>::try_from(s).map_err(|_| truncated(self.at, self.b.len()))
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<usize> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn str(&mut self, what: &str) -> Result<&'a str> {
        let n = self.u32()?;
        let at = self.at;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map_err(|e| {
            Error::new(
                Code::InvalidUtf8,
                format!("{what} at byte {at} is not valid UTF-8: {e}"),
            )
        })
    }
}

#[cold]
fn truncated(at: usize, len: usize) -> Error {
    Error::invalid_argument(format!(
        "packed points end too early (at byte {at} of {len})"
    ))
}

impl LineBuffer {
    /// Add the points packed in `data` (format: module documentation of
    /// `lines::packed`) as complete lines; returns how many. All or nothing: on error the
    /// buffer is as before and the message names the point. Error if a line is open.
    pub fn add_packed(&mut self, data: &[u8]) -> Result<usize> {
        if self.is_line_open() {
            return Err(Error::invalid_argument(
                "the previous line is not finished: end or discard it before adding packed points",
            ));
        }
        let mark = self.mark();
        let mut r = Reader { b: data, at: 0 };
        let mut i = 0usize;
        while r.at < data.len() {
            if let Err(mut e) = self.add_one_packed(&mut r) {
                self.discard_line();
                self.truncate_to(mark);
                e.message = format!("point {i}: {}", e.message);
                return Err(e);
            }
            i += 1;
        }
        Ok(i)
    }

    fn add_one_packed(&mut self, r: &mut Reader<'_>) -> Result<()> {
        self.begin(r.str("measurement")?)?;
        for _ in 0..r.u32()? {
            let k = r.str("tag key")?;
            let v = r.str("tag value")?;
            self.tag(k, v)?;
        }
        for _ in 0..r.u32()? {
            let k = r.str("field key")?;
            let v = match FieldType::from_i32(i32::from(r.u8()?)) {
                Some(FieldType::F64) => FieldValue::F64(f64::from_bits(r.u64()?)),
                Some(FieldType::I64) => FieldValue::I64(r.u64()? as i64),
                Some(FieldType::U64) => FieldValue::U64(r.u64()?),
                Some(FieldType::Bool) => match r.u8()? {
                    0 => FieldValue::Bool(false),
                    1 => FieldValue::Bool(true),
                    b => {
                        return Err(Error::invalid_argument(format!(
                            "field {k:?}: bool byte {b} is not 0 or 1"
                        )))
                    }
                },
                Some(FieldType::Str) => FieldValue::Str(r.str("string field value")?),
                None => {
                    return Err(Error::invalid_argument(format!(
                        "field {k:?}: unknown type byte"
                    )))
                }
            };
            self.field(k, v)?;
        }
        match r.u8()? {
            0 => self.end(),
            1 => {
                let t = r.u64()? as i64;
                self.end_at(t)
            }
            b => Err(Error::invalid_argument(format!(
                "has_time byte {b} is not 0 or 1"
            ))),
        }
    }
}

/// Packing, for tests and Rust callers that want the same path as the bindings.
#[derive(Clone, Debug, Default)]
pub struct Packer {
    buf: Vec<u8>,
}

impl Packer {
    pub fn new() -> Packer {
        Packer::default()
    }

    fn str(&mut self, s: &str) {
        self.buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// Append one point.
    pub fn point(
        &mut self,
        measurement: &str,
        tags: &[(&str, &str)],
        fields: &[(&str, FieldValue<'_>)],
        time: Option<i64>,
    ) -> &mut Packer {
        self.str(measurement);
        self.buf
            .extend_from_slice(&(tags.len() as u32).to_le_bytes());
        for (k, v) in tags {
            self.str(k);
            self.str(v);
        }
        self.buf
            .extend_from_slice(&(fields.len() as u32).to_le_bytes());
        for (k, v) in fields {
            self.str(k);
            match *v {
                FieldValue::F64(x) => {
                    self.buf.push(0);
                    self.buf.extend_from_slice(&x.to_bits().to_le_bytes());
                }
                FieldValue::I64(x) => {
                    self.buf.push(1);
                    self.buf.extend_from_slice(&x.to_le_bytes());
                }
                FieldValue::U64(x) => {
                    self.buf.push(2);
                    self.buf.extend_from_slice(&x.to_le_bytes());
                }
                FieldValue::Bool(x) => {
                    self.buf.push(3);
                    self.buf.push(u8::from(x));
                }
                FieldValue::Str(s) => {
                    self.buf.push(4);
                    self.str(s);
                }
            }
        }
        match time {
            Some(t) => {
                self.buf.push(1);
                self.buf.extend_from_slice(&t.to_le_bytes());
            }
            None => self.buf.push(0),
        }
        self
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::point::{encode_point, Point};
    use crate::types::Precision;

    #[test]
    fn packed_points_give_the_calls_text() {
        let mut p = Packer::new();
        p.point(
            "cpu",
            &[("region", "us west"), ("host", "a")],
            &[
                ("u", FieldValue::F64(0.37)),
                ("n", FieldValue::I64(-3)),
                ("c", FieldValue::U64(u64::MAX)),
                ("ok", FieldValue::Bool(true)),
                ("s", FieldValue::Str("say \"hi\"")),
            ],
            Some(1_700_000_000_000_000_000),
        )
        .point("m", &[], &[("v", FieldValue::F64(1.0))], None);
        let mut lb = LineBuffer::new(Precision::Ns);
        assert_eq!(lb.add_packed(p.bytes()).unwrap(), 2);
        let mut want = Vec::new();
        let mut a = Point::new("cpu").unwrap();
        a.tag("region", "us west").unwrap();
        a.tag("host", "a").unwrap();
        a.field_f64("u", 0.37).unwrap();
        a.field_i64("n", -3).unwrap();
        a.field_u64("c", u64::MAX).unwrap();
        a.field_bool("ok", true).unwrap();
        a.field_str("s", "say \"hi\"").unwrap();
        a.set_time(1_700_000_000_000_000_000, Precision::Ns)
            .unwrap();
        encode_point(&a, &[], &mut want).unwrap();
        want.extend_from_slice(b"\nm v=1");
        assert_eq!(
            String::from_utf8_lossy(lb.data()),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn an_error_anywhere_leaves_the_buffer_as_it_was() {
        let mut lb = LineBuffer::new(Precision::Ns);
        let mut ok = Packer::new();
        ok.point("m", &[], &[("v", FieldValue::I64(1))], Some(1));
        lb.add_packed(ok.bytes()).unwrap();
        let before = lb.data().to_vec();
        // second point invalid (reserved tag key), third fine
        let mut p = Packer::new();
        p.point("m", &[], &[("v", FieldValue::I64(2))], Some(2))
            .point("m", &[("time", "x")], &[("v", FieldValue::I64(3))], None)
            .point("m", &[], &[("v", FieldValue::I64(4))], None);
        let e = lb.add_packed(p.bytes()).unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert!(e.message.starts_with("point 1: "), "{}", e.message);
        assert_eq!(lb.data(), &before[..]);
        assert_eq!(lb.lines(), 1);
        // truncated input
        let bytes = p.bytes();
        for cut in [1, 5, bytes.len() - 1] {
            let e = lb.add_packed(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(e.code, Code::InvalidArgument | Code::InvalidPoint),
                "{e:?}"
            );
            assert_eq!(lb.data(), &before[..]);
            assert!(!lb.is_line_open());
        }
        // invalid UTF-8 and bad type bytes
        let mut bad = Vec::new();
        bad.extend_from_slice(&2u32.to_le_bytes());
        bad.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(lb.add_packed(&bad).unwrap_err().code, Code::InvalidUtf8);
        let mut bad_type = Packer::new();
        bad_type.point("m", &[], &[("v", FieldValue::Bool(true))], None);
        let mut b = bad_type.bytes().to_vec();
        let at = b.len() - 3; // type byte of the bool field
        b[at] = 9;
        assert_eq!(lb.add_packed(&b).unwrap_err().code, Code::InvalidArgument);
        assert_eq!(lb.data(), &before[..]);
    }
}
