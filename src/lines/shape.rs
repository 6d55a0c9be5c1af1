//! Shapes and rows: a [`Shape`] fixes a measurement, tag keys and typed field keys (checked,
//! escaped and sorted once); `LineBuffer::row` writes a whole line from values alone.

use super::*;

/// A key of a [`Shape`]: as given, its line-protocol text, where its value comes from.
#[derive(Clone, Debug)]
pub(crate) struct ShapeKey {
    pub(crate) raw: String,
    /// `,key=` (tags) or `key=` (fields), escaped, in `Shape::text`.
    pub(crate) text: std::ops::Range<usize>,
    /// Position of its value in the caller's arrays.
    pub(crate) index: usize,
    pub(crate) ty: FieldType,
}

/// The fixed part of a family of lines: the measurement, the tag keys and the typed field
/// keys, validated and escaped once. [`LineBuffer::row`] then writes a line from values
/// alone (one call per point). Immutable: may be shared between threads.
#[derive(Clone, Debug)]
pub struct Shape {
    pub(crate) measurement: String,
    pub(crate) text: Vec<u8>,
    pub(crate) meas: std::ops::Range<usize>,
    /// Sorted by key (the order lines are written in).
    pub(crate) tags: Vec<ShapeKey>,
    pub(crate) fields: Vec<ShapeKey>,
    /// Field types in the caller's order.
    pub(crate) types: Vec<FieldType>,
    /// Room a row of this shape takes at most on the fast path.
    pub(crate) reserve: usize,
}

#[cold]
#[inline(never)]
fn twice(what: &str, key: &str) -> Error {
    Error::invalid_argument(format!(
        "{what} {} appears twice in the shape",
        rules::show(key)
    ))
}

impl Shape {
    /// A shape for `measurement` with `tag_keys` and `fields` (key, type), in the order the
    /// caller will give their values. Errors: an invalid measurement or key (rules as for
    /// points; an empty tag key is refused here), a key given twice (among tags or among
    /// fields), no field.
    pub fn new(
        measurement: &str,
        tag_keys: &[&str],
        fields: &[(&str, FieldType)],
    ) -> Result<Shape> {
        let esc = rules::check_measurement(measurement)?;
        if fields.is_empty() {
            return Err(Error::invalid_argument(format!(
                "shape {}: needs at least one field",
                rules::show(measurement)
            )));
        }
        let mut text = Vec::new();
        let mut put_text = |bytes: &dyn Fn(&mut Tail<'_>), max: usize| {
            let start = text.len();
            text.resize(start + max + TAIL_SLACK, 0);
            let mut t = Tail {
                b: &mut text,
                n: start,
            };
            bytes(&mut t);
            let end = t.n;
            text.truncate(end);
            start..end
        };
        let meas = put_text(
            &|t| put::measurement(measurement.as_bytes(), esc, t),
            2 * measurement.len(),
        );
        let mut tags = Vec::with_capacity(tag_keys.len());
        for (index, &k) in tag_keys.iter().enumerate() {
            if k.is_empty() {
                return Err(Error::invalid_point(format!(
                    "shape {}: tag key {index} is empty",
                    rules::show(measurement)
                )));
            }
            let esc = rules::check_tag_key(k)?;
            let range = put_text(
                &|t| {
                    put::byte(b',', t);
                    put::key(k.as_bytes(), esc, t);
                    put::byte(b'=', t);
                },
                2 + 2 * k.len(),
            );
            tags.push(ShapeKey {
                raw: k.to_string(),
                text: range,
                index,
                ty: FieldType::Str,
            });
        }
        let mut keyed = Vec::with_capacity(fields.len());
        for (index, &(k, ty)) in fields.iter().enumerate() {
            let esc = rules::check_field_key(k)?;
            let range = put_text(
                &|t| {
                    put::key(k.as_bytes(), esc, t);
                    put::byte(b'=', t);
                },
                1 + 2 * k.len(),
            );
            keyed.push(ShapeKey {
                raw: k.to_string(),
                text: range,
                index,
                ty,
            });
        }
        tags.sort_by(|a, b| a.raw.cmp(&b.raw));
        keyed.sort_by(|a, b| a.raw.cmp(&b.raw));
        if let Some(w) = tags.windows(2).find(|w| w[0].raw == w[1].raw) {
            return Err(twice("tag key", &w[0].raw));
        }
        if let Some(w) = keyed.windows(2).find(|w| w[0].raw == w[1].raw) {
            return Err(twice("field key", &w[0].raw));
        }
        let strings = fields.iter().filter(|f| f.1 == FieldType::Str).count();
        let reserve =
            text.len() + (tags.len() + strings) * (2 * ROW_FAST_MAX + 2) + 32 * fields.len() + 64;
        Ok(Shape {
            reserve,
            measurement: measurement.to_string(),
            text,
            meas,
            tags,
            fields: keyed,
            types: fields.iter().map(|f| f.1).collect(),
        })
    }

    pub fn measurement(&self) -> &str {
        &self.measurement
    }

    /// Number of tag keys (values expected by [`LineBuffer::row`]).
    pub fn tag_count(&self) -> usize {
        self.tags.len()
    }

    /// Number of fields (values expected by [`LineBuffer::row`]).
    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    /// The type of field `index` (in the order given to [`Shape::new`]).
    pub fn field_type(&self, index: usize) -> Option<FieldType> {
        self.types.get(index).copied()
    }
}

#[cold]
#[inline(never)]
fn wrong_type(key: &str, want: FieldType, got: &FieldValue<'_>) -> Error {
    Error::invalid_argument(format!(
        "field {}: value is {:?} but the shape says {want:?}",
        rules::show(key),
        FieldType::of(got),
    ))
}

#[cold]
#[inline(never)]
fn wrong_count(shape: &Shape, tags: usize, fields: usize) -> Error {
    Error::invalid_argument(format!(
        "shape {}: {} tag values and {} field values expected, got {tags} and {fields}",
        rules::show(&shape.measurement),
        shape.tags.len(),
        shape.fields.len()
    ))
}

/// Longest tag value or string field value [`LineBuffer::row`] writes on its fast path
/// (longer ones take the general path; same result).
const ROW_FAST_MAX: usize = 256;

/// Where a row's values come from (slices for Rust callers, C arrays for the C API), read
/// in the shape's key order, each at most once on the fast path.
pub(crate) trait RowValues {
    /// The value of tag `index` (in the shape's given order).
    fn tag(&self, index: usize) -> Result<&str>;
    /// The value of field `index`, which the shape declares as `ty` (`key` for messages).
    fn field(&self, index: usize, key: &str, ty: FieldType) -> Result<FieldValue<'_>>;
}

struct SliceRow<'s, 'v> {
    pub(crate) tags: &'s [&'v str],
    pub(crate) fields: &'s [FieldValue<'v>],
}

impl RowValues for SliceRow<'_, '_> {
    #[inline(always)]
    fn tag(&self, index: usize) -> Result<&str> {
        Ok(self.tags[index])
    }
    #[inline(always)]
    fn field(&self, index: usize, key: &str, ty: FieldType) -> Result<FieldValue<'_>> {
        let v = self.fields[index];
        if FieldType::of(&v) != ty {
            return Err(wrong_type(key, ty, &v));
        }
        Ok(v)
    }
}

impl LineBuffer {
    /// Write one complete line of `shape` from values: `tags[i]` is the value of the shape's
    /// i-th tag key, `fields[i]` of its i-th field (of the shape's type), `time` in the
    /// buffer's precision (None: the server's clock). The line is what the same calls on a
    /// point would give (an empty tag value or a NaN/±Inf float is not written, default tags
    /// win). Error if a line is open, on a wrong number or type of values, or as those calls;
    /// an error changes nothing.
    pub fn row(
        &mut self,
        shape: &Shape,
        tags: &[&str],
        fields: &[FieldValue<'_>],
        time: Option<i64>,
    ) -> Result<()> {
        if tags.len() != shape.tags.len() || fields.len() != shape.fields.len() {
            return Err(wrong_count(shape, tags.len(), fields.len()));
        }
        self.row_from(shape, &SliceRow { tags, fields }, time)
    }

    /// [`LineBuffer::row`] with the values read from `src` (which has one per key).
    #[inline]
    pub(crate) fn row_from<V: RowValues>(
        &mut self,
        shape: &Shape,
        src: &V,
        time: Option<i64>,
    ) -> Result<()> {
        if self.frame_text {
            return self.row_frame(shape, src, time);
        }
        self.row_in::<V, false>(shape, src, time)
    }

    /// [`LineBuffer::row_from`] in the DataFrame text (out of the default path's way).
    #[cold]
    #[inline(never)]
    fn row_frame<V: RowValues>(&mut self, shape: &Shape, src: &V, time: Option<i64>) -> Result<()> {
        self.row_in::<V, true>(shape, src, time)
    }

    /// [`LineBuffer::row_from`] in the default text or (`FRAME`) the DataFrame text.
    #[inline(always)]
    fn row_in<V: RowValues, const FRAME: bool>(
        &mut self,
        shape: &Shape,
        src: &V,
        time: Option<i64>,
    ) -> Result<()> {
        if self.open {
            return Err(line_still_open());
        }
        if let Some(t) = time {
            rules::check_time(t, self.precision)?;
        }
        if !self.defaults.is_empty() {
            return self.row_by_calls(shape, src, time);
        }
        let sep = self.lines > 0;
        let mut cache = self.time_cache;
        let mut t = self.tail(shape.reserve);
        if sep {
            put::byte(b'\n', &mut t);
        }
        let start = t.n;
        put::bytes(&shape.text[shape.meas.clone()], &mut t);
        for k in &shape.tags {
            let v = src.tag(k.index)?;
            if v.is_empty() {
                continue;
            }
            if v.len() > ROW_FAST_MAX {
                return self.row_by_calls(shape, src, time);
            }
            let esc = rules::check_tag_value(&k.raw, v)?;
            put::bytes(&shape.text[k.text.clone()], &mut t);
            put::key(v.as_bytes(), esc, &mut t);
        }
        if t.n - start > MAX_KEY_LEN {
            return Err(series_key_too_long(&shape.measurement));
        }
        let mut sep = b' ';
        let mut nonfinite = false;
        for k in &shape.fields {
            let v = src.field(k.index, &k.raw, k.ty)?;
            match v {
                FieldValue::F64(x) if !x.is_finite() => {
                    nonfinite = true;
                    continue;
                }
                FieldValue::Str(s) if s.len() > ROW_FAST_MAX => {
                    return self.row_by_calls(shape, src, time);
                }
                _ => {}
            }
            put::byte(sep, &mut t);
            sep = b',';
            put::bytes(&shape.text[k.text.clone()], &mut t);
            if FRAME {
                put::frame_value(v, &mut t);
            } else {
                put::value(v, &mut t);
            }
        }
        if sep == b' ' {
            return Err(nothing_to_write(&shape.measurement, nonfinite));
        }
        if let Some(time) = time {
            put::byte(b' ', &mut t);
            put::time(time, &mut cache, &mut t);
        }
        let end = t.n;
        self.time_cache = cache;
        self.end = end;
        self.close_line();
        Ok(())
    }

    /// [`LineBuffer::row`] through the general calls: a buffer with default tags (which the
    /// shape's text does not include), or long values.
    #[cold]
    #[inline(never)]
    pub(crate) fn row_by_calls<V: RowValues>(
        &mut self,
        shape: &Shape,
        src: &V,
        time: Option<i64>,
    ) -> Result<()> {
        let r = (|| {
            self.begin(&shape.measurement)?;
            for k in &shape.tags {
                self.tag(&k.raw, src.tag(k.index)?)?;
            }
            for k in &shape.fields {
                self.field(&k.raw, src.field(k.index, &k.raw, k.ty)?)?;
            }
            match time {
                Some(t) => self.end_at(t),
                None => self.end(),
            }
        })();
        if r.is_err() {
            self.discard_line();
        }
        r
    }
}
