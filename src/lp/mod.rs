//! Line protocol as a format, knowing nothing of points or write APIs:
//! - [`rules`]: limits, what needs escaping, what cannot be written (with the errors);
//! - [`tags`]: default tags validated, sorted and escaped once;
//! - [`digits`], [`numbers`], [`escape`]: the text of numbers and names, as the seed writes it;
//! - [`sink`]: where encoded bytes go (a `Vec`, a stack line, a line buffer's tail);
//! - [`put`]: the writers the line buffers call;
//! - [`scan`]: raw line protocol split into lines as the server splits it;
//! - [`validate`]: raw line protocol checked as the server parses it.
//!
//! Output matches the seed (influxdb-client-python 1.50.0, `Point.to_line_protocol`)
//! byte for byte, except for the seed quirks FACTS §1 lists, which are errors here.

pub mod digits;
pub mod escape;
pub mod numbers;
pub mod put;
pub mod rules;
pub mod scan;
pub mod sink;
pub mod tags;
pub mod validate;

pub use escape::{escape_key, escape_measurement, escape_string_field};
pub use numbers::{write_f64, write_i64, write_u64};
pub use rules::{MAX_KEY_LEN, MAX_STRING_FIELD_LEN, MAX_TIME_NS, MIN_TIME_NS};
pub use scan::{count_lines, scan_lines, LineStart};
pub use validate::validate_lines;
