//! Raw line protocol as the server splits it into lines.

use crate::error::{Code, Error, Result};

/// One line found by [`scan_lines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineStart {
    /// Offset of the line's first non-blank byte.
    pub start: usize,
    /// Offset of the `\n` that ended the previous line (None for the first line).
    pub prev_newline: Option<usize>,
    /// The line is a `#` comment (the server ignores it).
    pub comment: bool,
}

/// Walk `data` the way the server splits it into lines (InfluxDB `models/points.go`,
/// `scanLine`): from each line's start, a space begins the field section; there an `=`
/// outside a string counts as an equals sign and a `,` as a comma, and a `"` opens or closes
/// a string value only while equals outnumber commas; a `\n` inside a string does not end
/// the line; a backslash skips the next byte (except in the last two bytes). A line made only
/// of spaces, TABs and NULs is blank. Calls `f` for every non-blank line (comments
/// included, marked) until it returns `Break`.
pub fn scan_lines(data: &[u8], mut f: impl FnMut(LineStart) -> std::ops::ControlFlow<()>) {
    let len = data.len();
    let mut pos = 0usize;
    let mut prev_newline = None;
    while pos < len {
        let start = pos;
        let (mut quoted, mut fields) = (false, false);
        let (mut equals, mut commas) = (0usize, 0usize);
        let mut i = pos;
        while let Some(&c) = data.get(i) {
            if c == b'\\' && i + 2 < len {
                i += 2;
                continue;
            }
            if c == b' ' {
                fields = true;
            }
            if fields {
                if !quoted && c == b'=' {
                    equals += 1;
                    i += 1;
                    continue;
                } else if !quoted && c == b',' {
                    commas += 1;
                    i += 1;
                    continue;
                } else if c == b'"' && equals > commas {
                    quoted = !quoted;
                    i += 1;
                    continue;
                }
            }
            if c == b'\n' && !quoted {
                break;
            }
            i += 1;
        }
        let block = data.get(start..i).unwrap_or_default();
        let ws = block
            .iter()
            .take_while(|&&c| matches!(c, b' ' | b'\t' | 0))
            .count();
        if let Some(&first) = block.get(ws) {
            let line = LineStart {
                start: start + ws,
                prev_newline,
                comment: first == b'#',
            };
            if f(line).is_break() {
                return;
            }
        }
        if i < len {
            prev_newline = Some(i);
        }
        pos = i + 1;
    }
}

/// Check raw line protocol given by a user before it is sent: valid UTF-8, at least one
/// line that is not blank or a comment. Returns the number of such lines, splitting lines
/// the way the server does (a `\n` inside a quoted string field value does not end a line,
/// a backslash skips the next byte). Single pass, no full parse.
pub fn count_lines(data: &[u8]) -> Result<usize> {
    if let Err(e) = std::str::from_utf8(data) {
        return Err(Error::new(
            Code::InvalidUtf8,
            format!(
                "line protocol is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        ));
    }
    let mut count = 0usize;
    let mut blank_only = true;
    scan_lines(data, |line| {
        blank_only = false;
        if !line.comment {
            count += 1;
        }
        std::ops::ControlFlow::Continue(())
    });
    if blank_only {
        return Err(Error::invalid_argument(
            "line protocol is empty (only whitespace)",
        ));
    }
    if count == 0 {
        return Err(Error::invalid_argument(
            "line protocol has no data lines (only comments)",
        ));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- count_lines ----

    #[test]
    fn count_lines_counts_data_lines() {
        assert_eq!(count_lines(b"m f=1").unwrap(), 1);
        assert_eq!(count_lines(b"m f=1\n").unwrap(), 1);
        assert_eq!(count_lines(b"m f=1\nm f=2\r\n\n  \n\tm f=3").unwrap(), 3);
        assert_eq!(
            count_lines(b"# comment\nm f=1\n  # indented comment\n").unwrap(),
            1
        );
        // a newline inside a quoted string field does not end the line (as the server reads it)
        assert_eq!(count_lines(b"m s=\"a\nb\"\nm f=2").unwrap(), 2);
        // an escaped quote does not open a string
        assert_eq!(count_lines(b"m s=\"a\\\"\nb\"\nm f=2").unwrap(), 2);
        // quotes in the measurement/tags are literal
        assert_eq!(count_lines(b"m\"x,t=\"v f=1\nm f=2").unwrap(), 2);
        assert_eq!(count_lines("m,t=ž f=\"é\"".as_bytes()).unwrap(), 1);
    }

    #[test]
    fn count_lines_errors() {
        // a CR is not blank for the server: "  \r" is a (bad) line, as the server reads it
        assert_eq!(count_lines(b"  \r\n\t\n").unwrap(), 1);
        for empty in [&b""[..], b"\n", b"  \n\t\0\n"] {
            let e = count_lines(empty).unwrap_err();
            assert_eq!(e.code, Code::InvalidArgument);
            assert!(e.message.contains("empty"), "{}", e.message);
        }
        let e = count_lines(b"# only\n#comments").unwrap_err();
        assert_eq!(e.code, Code::InvalidArgument);
        assert!(e.message.contains("comments"), "{}", e.message);
        let e = count_lines(b"m f=1\nm s=\"\xff\"").unwrap_err();
        assert_eq!(e.code, Code::InvalidUtf8);
        assert!(e.message.contains("byte 11"), "{}", e.message);
    }
}
