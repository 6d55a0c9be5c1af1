//! The shared vocabulary of the crate (no dependencies): timestamp [`Precision`] and
//! borrowed [`FieldValue`]s. Every layer above (line protocol, points, line buffers, write
//! APIs, the C API) speaks these.

use std::fmt;

/// Timestamp precision. The numeric values are part of the C ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Precision {
    #[default]
    Ns = 0,
    Us = 1,
    Ms = 2,
    S = 3,
}

impl Precision {
    /// The value of the `precision` query parameter: "ns", "us", "ms" or "s".
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Ns => "ns",
            Precision::Us => "us",
            Precision::Ms => "ms",
            Precision::S => "s",
        }
    }

    /// Parse "ns", "us", "ms" or "s" (ASCII case-insensitive).
    pub fn parse(s: &str) -> Option<Precision> {
        [Precision::Ns, Precision::Us, Precision::Ms, Precision::S]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }

    /// 0 = ns, 1 = us, 2 = ms, 3 = s.
    pub fn from_i32(v: i32) -> Option<Precision> {
        match v {
            0 => Some(Precision::Ns),
            1 => Some(Precision::Us),
            2 => Some(Precision::Ms),
            3 => Some(Precision::S),
            _ => None,
        }
    }

    /// Nanoseconds in one unit of this precision.
    pub fn nanos_per_unit(self) -> i64 {
        match self {
            Precision::Ns => 1,
            Precision::Us => 1_000,
            Precision::Ms => 1_000_000,
            Precision::S => 1_000_000_000,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A borrowed view of a field value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldValue<'a> {
    F64(f64),
    I64(i64),
    U64(u64),
    Bool(bool),
    Str(&'a str),
}

/// The type of a field of a [`Shape`]. The numeric values are part of the C ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    F64 = 0,
    I64 = 1,
    U64 = 2,
    Bool = 3,
    Str = 4,
}

impl FieldType {
    pub fn from_i32(v: i32) -> Option<FieldType> {
        Some(match v {
            0 => FieldType::F64,
            1 => FieldType::I64,
            2 => FieldType::U64,
            3 => FieldType::Bool,
            4 => FieldType::Str,
            _ => return None,
        })
    }

    pub(crate) fn of(v: &FieldValue<'_>) -> FieldType {
        match v {
            FieldValue::F64(_) => FieldType::F64,
            FieldValue::I64(_) => FieldType::I64,
            FieldValue::U64(_) => FieldType::U64,
            FieldValue::Bool(_) => FieldType::Bool,
            FieldValue::Str(_) => FieldType::Str,
        }
    }
}
