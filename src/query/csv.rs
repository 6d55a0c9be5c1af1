//! Streaming annotated-CSV cursor (API.md §5.3 "Cursor rules").
//!
//! [`Cursor`] pulls rows from any [`Read`] only inside [`Cursor::next`] and keeps constant
//! memory: one read buffer, the current row (one byte buffer plus cell end offsets, reused) and
//! the current table's column metadata. Cells are stored NUL-separated in the row buffer, so
//! every cell (and every column label, datatype and default) is also available as a
//! NUL-terminated byte string for the C layer without copying.
//!
//! Conversion is lazy: the typed getters of [`Record`] parse the cell text when called, and a
//! failing cell fails only its getter.

use std::io::{ErrorKind, Read};
use std::ops::Range;

use memchr::{memchr, memchr2};

use super::convert;
use super::{QueryError, QueryErrorKind, QueryResult};

/// What [`Cursor::next`] produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// The response is complete (`INFLUX_QUERY_END` = 0).
    End = 0,
    /// A new table starts: [`Cursor::table`] describes it (`INFLUX_QUERY_TABLE` = 1).
    Table = 1,
    /// [`Cursor::record`] is the next row of the current table (`INFLUX_QUERY_RECORD` = 2).
    Record = 2,
}

/// Type of a column, from its `#datatype` text. Values equal the C `INFLUX_COL_*` constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A datatype this library does not know: cells read as text.
    Unknown = 0,
    String = 1,
    Double = 2,
    Long = 3,
    ULong = 4,
    Bool = 5,
    /// `dateTime:RFC3339`, `dateTime:RFC3339Nano`, bare `dateTime`.
    Time = 6,
    Duration = 7,
    /// `base64Binary`.
    Bytes = 8,
}

impl ColumnType {
    /// The type of a `#datatype` text.
    pub fn from_datatype(datatype: &str) -> ColumnType {
        match datatype {
            "string" => ColumnType::String,
            "double" => ColumnType::Double,
            "long" => ColumnType::Long,
            "unsignedLong" => ColumnType::ULong,
            "boolean" => ColumnType::Bool,
            "dateTime:RFC3339" | "dateTime:RFC3339Nano" | "dateTime" => ColumnType::Time,
            "duration" => ColumnType::Duration,
            "base64Binary" => ColumnType::Bytes,
            _ => ColumnType::Unknown,
        }
    }

    /// The C constant (`INFLUX_COL_*`).
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// A text kept with a trailing NUL, so that C can borrow it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ZText(String);

impl ZText {
    fn new(bytes: &[u8]) -> ZText {
        let mut s = String::from_utf8_lossy(bytes).into_owned();
        s.push('\0');
        ZText(s)
    }
    fn as_str(&self) -> &str {
        &self.0[..self.0.len() - 1]
    }
    fn with_nul(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// One column of the current table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    label: ZText,
    datatype: ZText,
    default: ZText,
    group: bool,
    column_type: ColumnType,
}

impl Column {
    /// The header label.
    pub fn label(&self) -> &str {
        self.label.as_str()
    }
    /// The label followed by a NUL byte.
    pub fn label_with_nul(&self) -> &[u8] {
        self.label.with_nul()
    }
    /// The `#datatype` text, e.g. `dateTime:RFC3339`.
    pub fn datatype(&self) -> &str {
        self.datatype.as_str()
    }
    /// The datatype followed by a NUL byte.
    pub fn datatype_with_nul(&self) -> &[u8] {
        self.datatype.with_nul()
    }
    /// The `#default` text (`""` if none).
    pub fn default_value(&self) -> &str {
        self.default.as_str()
    }
    /// The default followed by a NUL byte.
    pub fn default_with_nul(&self) -> &[u8] {
        self.default.with_nul()
    }
    /// Part of the group key (`#group` says `true`).
    pub fn is_group(&self) -> bool {
        self.group
    }
    /// The type from the datatype.
    pub fn column_type(&self) -> ColumnType {
        self.column_type
    }
}

/// Metadata of the current table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    columns: Vec<Column>,
    index: usize,
    new_block: bool,
    /// The (last) column labelled `table`, whose changes split tables within a block.
    table_column: Option<usize>,
}

impl Table {
    /// 0-based position among the tables of the response (the seed's `record.table`).
    pub fn index(&self) -> usize {
        self.index
    }
    /// True when the table came with its own annotation rows; false when it shares the
    /// previous table's header and only the `table` column changed.
    pub fn new_block(&self) -> bool {
        self.new_block
    }
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }
    pub fn column(&self, index: usize) -> Option<&Column> {
        self.columns.get(index)
    }
    /// The index of the **last** column with this label (the seed's `values` and Go's
    /// `Values()` keep the last), or `None`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().rposition(|c| c.label() == name)
    }
}

/// A converted cell ([`Record::value`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Empty cell and no `#default`.
    Null,
    String(&'a str),
    Double(f64),
    Long(i64),
    ULong(u64),
    Bool(bool),
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    Time(i64),
    /// Nanoseconds.
    Duration(i64),
    /// Decoded base64.
    Bytes(Vec<u8>),
    /// A column of unknown datatype: its text.
    Unknown(&'a str),
}

/// Buffer sizes and limits of a [`Cursor`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CursorOptions {
    /// Size of the read buffer (bytes asked from the reader at a time). Default 64 KiB.
    pub buffer_capacity: usize,
    /// A row longer than this (after unquoting) fails the query with a parse error, so a
    /// runaway row cannot take unbounded memory. Default 16 MiB.
    pub max_row_bytes: usize,
}

impl Default for CursorOptions {
    fn default() -> CursorOptions {
        CursorOptions {
            buffer_capacity: 64 * 1024,
            max_row_bytes: 16 * 1024 * 1024,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nothing but blank lines so far.
    Start,
    /// Inside an annotation block, waiting for the header.
    Annotations,
    /// Reading data rows of the current table.
    Data,
    /// After an `error,reference` header: the next row is the error.
    ErrorHeader,
    /// The end was reported.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lex {
    Unquoted,
    Quoted,
    /// A `"` inside a quoted cell: a doubled quote or the closing one.
    QuoteInQuoted,
    /// A CR inside a quoted cell: CRLF reads as LF.
    CrInQuoted,
}

/// The byte range of cell `i` of a row whose cells end at `ends` (NUL-separated).
#[inline]
fn cell_range(ends: &[usize], i: usize) -> Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] + 1 };
    start..ends[i]
}

/// A pull cursor over an annotated-CSV query response.
pub struct Cursor<R> {
    reader: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    max_row_bytes: usize,
    /// The current row: cells separated and terminated by NUL bytes.
    row: Vec<u8>,
    /// Offset of the NUL that ends each cell of `row`.
    ends: Vec<usize>,
    state: State,
    table: Option<Table>,
    tables_announced: usize,
    ann_datatypes: Option<Vec<ZText>>,
    ann_groups: Vec<bool>,
    ann_defaults: Vec<ZText>,
    prev_table_value: Vec<u8>,
    have_prev: bool,
    pending_record: bool,
    has_record: bool,
    failed: Option<QueryError>,
}

impl<R: Read> Cursor<R> {
    /// A cursor with the default buffer sizes. Reads nothing yet.
    pub fn new(reader: R) -> Cursor<R> {
        Cursor::with_options(reader, CursorOptions::default())
    }

    /// A cursor with explicit buffer sizes. Reads nothing yet.
    pub fn with_options(reader: R, options: CursorOptions) -> Cursor<R> {
        Cursor {
            reader,
            buf: vec![0u8; options.buffer_capacity.max(1)].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            max_row_bytes: options.max_row_bytes,
            row: Vec::new(),
            ends: Vec::new(),
            state: State::Start,
            table: None,
            tables_announced: 0,
            ann_datatypes: None,
            ann_groups: Vec::new(),
            ann_defaults: Vec::new(),
            prev_table_value: Vec::new(),
            have_prev: false,
            pending_record: false,
            has_record: false,
            failed: None,
        }
    }

    /// Advance: [`Event::Table`], [`Event::Record`] or [`Event::End`]. Errors end the cursor
    /// and are repeated by every later call: [`QueryErrorKind::Query`] (the Flux error table),
    /// [`QueryErrorKind::Parse`], [`QueryErrorKind::Transport`] / [`QueryErrorKind::Timeout`]
    /// (the reader failed). After `End` every call returns `End`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> QueryResult<Event> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.step() {
            Ok(ev) => Ok(ev),
            Err(e) => {
                self.has_record = false;
                self.pending_record = false;
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The current table: after a [`Event::Table`] and for the records that follow; `None`
    /// before the first table.
    pub fn table(&self) -> Option<&Table> {
        self.table.as_ref()
    }

    /// The current record after a [`Event::Record`], else `None`.
    pub fn record(&self) -> Option<Record<'_>> {
        if !self.has_record {
            return None;
        }
        Some(Record {
            table: self.table.as_ref()?,
            row: &self.row,
            ends: &self.ends,
        })
    }

    /// The error that ended the cursor, if any.
    pub fn error(&self) -> Option<&QueryError> {
        self.failed.as_ref()
    }

    /// Bytes held by the cursor's buffers (read buffer, row, cell offsets), for memory checks.
    pub fn buffer_bytes(&self) -> usize {
        self.buf.len()
            + self.row.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.prev_table_value.capacity()
    }

    /// The reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Give the reader back (unread buffered bytes are lost).
    pub fn into_inner(self) -> R {
        self.reader
    }

    fn step(&mut self) -> QueryResult<Event> {
        if self.state == State::Done {
            self.has_record = false;
            return Ok(Event::End);
        }
        if self.pending_record {
            self.pending_record = false;
            self.has_record = true;
            return Ok(Event::Record);
        }
        self.has_record = false;
        loop {
            if !self.read_row()? {
                return self.at_eof();
            }
            let n = self.ends.len();
            if n <= 1 {
                continue; // blank line
            }
            if self.row.first() == Some(&b'#') {
                if self.state != State::Annotations {
                    self.begin_block()?;
                }
                self.annotation();
                continue;
            }
            match self.state {
                State::Start => {
                    return Err(QueryError::parse("no annotations before the first row"))
                }
                State::Annotations => {
                    if let Some(ev) = self.header()? {
                        return Ok(ev);
                    }
                }
                State::ErrorHeader => {
                    let message = self.cell_text(1);
                    let reference = if n > 2 {
                        self.cell_text(2)
                    } else {
                        String::new()
                    };
                    self.state = State::Done;
                    return Err(QueryError::flux(message, reference));
                }
                State::Data => return self.data_row(),
                State::Done => unreachable!("rows are not read after the end"),
            }
        }
    }

    fn at_eof(&mut self) -> QueryResult<Event> {
        match self.state {
            State::Start | State::Data | State::Done => {
                self.state = State::Done;
                Ok(Event::End)
            }
            State::Annotations => Err(QueryError::parse("stream ended inside an annotation block")),
            State::ErrorHeader => Err(QueryError::flux(String::new(), String::new())),
        }
    }

    fn begin_block(&mut self) -> QueryResult<()> {
        if self.state == State::ErrorHeader {
            // An error table without its error row.
            return Err(QueryError::flux(String::new(), String::new()));
        }
        self.ann_datatypes = None;
        self.ann_groups.clear();
        self.ann_defaults.clear();
        self.state = State::Annotations;
        Ok(())
    }

    #[inline]
    fn cell(&self, i: usize) -> &[u8] {
        &self.row[cell_range(&self.ends, i)]
    }

    fn cell_text(&self, i: usize) -> String {
        String::from_utf8_lossy(self.cell(i)).into_owned()
    }

    fn annotation(&mut self) {
        let n = self.ends.len();
        match self.cell(0) {
            b"#datatype" => {
                let v = (1..n).map(|i| ZText::new(self.cell(i))).collect();
                self.ann_datatypes = Some(v);
            }
            b"#group" => {
                let v = (1..n).map(|i| self.cell(i) == b"true").collect();
                self.ann_groups = v;
            }
            b"#default" => {
                let v = (1..n).map(|i| ZText::new(self.cell(i))).collect();
                self.ann_defaults = v;
            }
            _ => {}
        }
    }

    /// The first row after the annotations. `None`: an error table header.
    fn header(&mut self) -> QueryResult<Option<Event>> {
        let n = self.ends.len();
        if n >= 3 && self.cell(1) == b"error" && self.cell(2) == b"reference" {
            self.state = State::ErrorHeader;
            return Ok(None);
        }
        let Some(datatypes) = self.ann_datatypes.take() else {
            return Err(QueryError::parse("#datatype annotation missing"));
        };
        let width = n - 1;
        if width != datatypes.len() {
            return Err(QueryError::parse(format!(
                "header has {width} columns, #datatype has {}",
                datatypes.len()
            )));
        }
        let empty = ZText::new(b"");
        let columns: Vec<Column> = datatypes
            .into_iter()
            .enumerate()
            .map(|(i, datatype)| Column {
                label: ZText::new(self.cell(i + 1)),
                column_type: ColumnType::from_datatype(datatype.as_str()),
                datatype,
                default: self.ann_defaults.get(i).unwrap_or(&empty).clone(),
                group: self.ann_groups.get(i).copied().unwrap_or(false),
            })
            .collect();
        let table_column = columns.iter().rposition(|c| c.label() == "table");
        self.table = Some(Table {
            columns,
            index: self.tables_announced,
            new_block: true,
            table_column,
        });
        self.tables_announced += 1;
        self.have_prev = false;
        self.state = State::Data;
        Ok(Some(Event::Table))
    }

    fn data_row(&mut self) -> QueryResult<Event> {
        let n = self.ends.len();
        if !self.cell(0).is_empty() {
            return Err(QueryError::parse(format!(
                "data row starts with '{}' instead of an empty cell",
                self.cell_text(0)
            )));
        }
        let table = self
            .table
            .as_mut()
            .expect("a table exists in the data state");
        if n - 1 != table.columns.len() {
            return Err(QueryError::parse(format!(
                "row has {} columns, table has {}",
                n - 1,
                table.columns.len()
            )));
        }
        if let Some(tc) = table.table_column {
            let raw = &self.row[cell_range(&self.ends, tc + 1)];
            let value = if raw.is_empty() {
                let d = table.columns[tc].default_with_nul();
                &d[..d.len() - 1]
            } else {
                raw
            };
            if !self.have_prev {
                self.prev_table_value.clear();
                self.prev_table_value.extend_from_slice(value);
                self.have_prev = true;
            } else if value != self.prev_table_value.as_slice() {
                self.prev_table_value.clear();
                self.prev_table_value.extend_from_slice(value);
                table.index = self.tables_announced;
                table.new_block = false;
                self.tables_announced += 1;
                self.pending_record = true;
                return Ok(Event::Table);
            }
        }
        self.has_record = true;
        Ok(Event::Record)
    }

    /// Refill the read buffer. `false` at the end of the stream.
    fn fill(&mut self) -> QueryResult<bool> {
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(QueryError::from_io(&e)),
            }
        }
    }

    /// Replace the delimiters in `row[from..]` by NULs and record the cell ends.
    #[inline]
    fn split_cells(&mut self, mut from: usize) {
        while let Some(k) = memchr(b',', &self.row[from..]) {
            let at = from + k;
            self.row[at] = 0;
            self.ends.push(at);
            from = at + 1;
        }
    }

    /// Read the next CSV record into `row`/`ends`. `false` at the end of the stream.
    fn read_row(&mut self) -> QueryResult<bool> {
        self.row.clear();
        self.ends.clear();
        let mut lex = Lex::Unquoted;
        // Bytes of `row` before this offset came from a quoted cell (a CR there is data).
        let mut protect = 0usize;
        let mut any = false;
        loop {
            if self.pos == self.end && !self.fill()? {
                if !any {
                    return Ok(false);
                }
                match lex {
                    Lex::Quoted | Lex::CrInQuoted => {
                        return Err(QueryError::parse("stream ended inside a quoted cell"))
                    }
                    Lex::Unquoted => {
                        if self.row.len() > protect && self.row.last() == Some(&b'\r') {
                            self.row.pop();
                        }
                    }
                    Lex::QuoteInQuoted => {}
                }
                self.finish_row();
                return Ok(true);
            }
            any = true;
            match lex {
                Lex::Unquoted => {
                    let avail = &self.buf[self.pos..self.end];
                    match memchr2(b'\n', b'"', avail) {
                        Some(i) => {
                            let newline = avail[i] == b'\n';
                            let from = self.row.len();
                            self.row.extend_from_slice(&avail[..i]);
                            self.pos += i + 1;
                            self.split_cells(from);
                            if newline {
                                if self.row.len() > protect && self.row.last() == Some(&b'\r') {
                                    self.row.pop();
                                }
                                self.finish_row();
                                return Ok(true);
                            }
                            let cell_start = self.ends.last().map_or(0, |&e| e + 1);
                            if self.row.len() == cell_start {
                                lex = Lex::Quoted;
                            } else {
                                // A quote inside an unquoted cell is data.
                                self.row.push(b'"');
                            }
                        }
                        None => {
                            let from = self.row.len();
                            self.row.extend_from_slice(avail);
                            self.pos = self.end;
                            self.split_cells(from);
                        }
                    }
                }
                Lex::Quoted => {
                    let avail = &self.buf[self.pos..self.end];
                    match memchr2(b'"', b'\r', avail) {
                        Some(i) => {
                            lex = if avail[i] == b'"' {
                                Lex::QuoteInQuoted
                            } else {
                                Lex::CrInQuoted
                            };
                            self.row.extend_from_slice(&avail[..i]);
                            self.pos += i + 1;
                        }
                        None => {
                            self.row.extend_from_slice(avail);
                            self.pos = self.end;
                        }
                    }
                }
                Lex::QuoteInQuoted => {
                    if self.buf[self.pos] == b'"' {
                        self.row.push(b'"');
                        self.pos += 1;
                        lex = Lex::Quoted;
                    } else {
                        lex = Lex::Unquoted;
                        protect = self.row.len();
                    }
                }
                Lex::CrInQuoted => {
                    if self.buf[self.pos] == b'\n' {
                        self.row.push(b'\n');
                        self.pos += 1;
                    } else {
                        self.row.push(b'\r');
                    }
                    lex = Lex::Quoted;
                }
            }
            if self.row.len() > self.max_row_bytes {
                return Err(QueryError::parse(format!(
                    "row longer than {} bytes",
                    self.max_row_bytes
                )));
            }
        }
    }

    #[inline]
    fn finish_row(&mut self) {
        self.ends.push(self.row.len());
        self.row.push(0);
    }
}

/// The current record: a borrowed view of the cursor's row. Column indexes are those of
/// [`Table::columns`].
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    table: &'a Table,
    row: &'a [u8],
    ends: &'a [usize],
}

/// Cell text in error messages, shortened.
fn quote_text(text: &[u8]) -> String {
    const MAX: usize = 200;
    let t = String::from_utf8_lossy(&text[..text.len().min(MAX)]).into_owned();
    if text.len() > MAX {
        format!("{t}...")
    } else {
        t
    }
}

impl<'a> Record<'a> {
    /// The table the record belongs to.
    pub fn table(&self) -> &'a Table {
        self.table
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.table.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.columns.is_empty()
    }

    /// [`Table::column_index`]: the last column with this label.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.table.column_index(name)
    }

    fn not_found(&self, column: usize) -> QueryError {
        QueryError::new(
            QueryErrorKind::NotFound,
            format!("no column {column}: the table has {}", self.len()),
        )
    }

    /// The cell as sent, before `#default` (`""` for an empty cell).
    pub fn raw(&self, column: usize) -> QueryResult<&'a [u8]> {
        if column >= self.len() {
            return Err(self.not_found(column));
        }
        Ok(&self.row[cell_range(self.ends, column + 1)])
    }

    /// The cell text after `#default`, followed by a NUL byte; `None` if the cell is null.
    pub fn text_with_nul(&self, column: usize) -> QueryResult<Option<&'a [u8]>> {
        let col = self
            .table
            .columns
            .get(column)
            .ok_or_else(|| self.not_found(column))?;
        let r = cell_range(self.ends, column + 1);
        if !r.is_empty() {
            return Ok(Some(&self.row[r.start..r.end + 1]));
        }
        let d = col.default_with_nul();
        Ok(if d.len() > 1 { Some(d) } else { None })
    }

    /// The cell text after `#default`; `None` if the cell is null.
    pub fn text(&self, column: usize) -> QueryResult<Option<&'a [u8]>> {
        Ok(self.text_with_nul(column)?.map(|t| &t[..t.len() - 1]))
    }

    /// True if the cell is empty and its column has no `#default` (or the index is out of
    /// range).
    pub fn is_null(&self, column: usize) -> bool {
        !matches!(self.text(column), Ok(Some(_)))
    }

    /// The column and the non-null text of a cell.
    #[inline]
    fn cell(&self, column: usize) -> QueryResult<(&'a Column, &'a [u8])> {
        let table: &'a Table = self.table;
        let col = table
            .columns
            .get(column)
            .ok_or_else(|| self.not_found(column))?;
        let r = cell_range(self.ends, column + 1);
        if !r.is_empty() {
            return Ok((col, &self.row[r]));
        }
        let d = col.default_value().as_bytes();
        if d.is_empty() {
            return Err(QueryError::new(
                QueryErrorKind::Null,
                format!("column '{}' is null", col.label()),
            )
            .with_column(column));
        }
        Ok((col, d))
    }

    fn type_error(col: &Column, column: usize, wanted: &str) -> QueryError {
        QueryError::new(
            QueryErrorKind::Type,
            format!(
                "column '{}' is {}, not readable as {wanted}",
                col.label(),
                col.datatype()
            ),
        )
        .with_column(column)
    }

    fn value_error(col: &Column, column: usize, reason: &str, text: &[u8]) -> QueryError {
        QueryError::new(
            QueryErrorKind::Value,
            format!(
                "{reason}: '{}' (column '{}')",
                quote_text(text),
                col.label()
            ),
        )
        .with_column(column)
    }

    /// Any column: the text after `#default`.
    pub fn get_str(&self, column: usize) -> QueryResult<&'a str> {
        let (col, text) = self.cell(column)?;
        std::str::from_utf8(text)
            .map_err(|_| Record::value_error(col, column, "invalid UTF-8", text))
    }

    /// DOUBLE; LONG and ULONG converted.
    pub fn get_f64(&self, column: usize) -> QueryResult<f64> {
        let (col, text) = self.cell(column)?;
        let r = match col.column_type {
            ColumnType::Double => convert::parse_f64(text),
            ColumnType::Long => convert::parse_i64(text).map(|v| v as f64),
            ColumnType::ULong => convert::parse_u64(text).map(|v| v as f64),
            _ => return Err(Record::type_error(col, column, "double")),
        };
        r.map_err(|reason| Record::value_error(col, column, reason, text))
    }

    /// LONG; ULONG up to `i64::MAX`.
    pub fn get_i64(&self, column: usize) -> QueryResult<i64> {
        let (col, text) = self.cell(column)?;
        let r = match col.column_type {
            ColumnType::Long => convert::parse_i64(text),
            ColumnType::ULong => convert::parse_u64(text)
                .and_then(|v| i64::try_from(v).map_err(|_| "unsignedLong out of the int64 range")),
            _ => return Err(Record::type_error(col, column, "long")),
        };
        r.map_err(|reason| Record::value_error(col, column, reason, text))
    }

    /// ULONG; LONG from 0.
    pub fn get_u64(&self, column: usize) -> QueryResult<u64> {
        let (col, text) = self.cell(column)?;
        let r = match col.column_type {
            ColumnType::ULong => convert::parse_u64(text),
            ColumnType::Long => convert::parse_i64(text)
                .and_then(|v| u64::try_from(v).map_err(|_| "long out of the uint64 range")),
            _ => return Err(Record::type_error(col, column, "unsignedLong")),
        };
        r.map_err(|reason| Record::value_error(col, column, reason, text))
    }

    /// BOOL: only `true` is true.
    pub fn get_bool(&self, column: usize) -> QueryResult<bool> {
        let (col, text) = self.cell(column)?;
        match col.column_type {
            ColumnType::Bool => Ok(convert::parse_bool(text)),
            _ => Err(Record::type_error(col, column, "boolean")),
        }
    }

    /// TIME: nanoseconds since the epoch.
    pub fn get_time_ns(&self, column: usize) -> QueryResult<i64> {
        let (col, text) = self.cell(column)?;
        match col.column_type {
            ColumnType::Time => convert::parse_time_ns(text)
                .map_err(|reason| Record::value_error(col, column, reason, text)),
            _ => Err(Record::type_error(col, column, "dateTime")),
        }
    }

    /// DURATION: nanoseconds.
    pub fn get_duration_ns(&self, column: usize) -> QueryResult<i64> {
        let (col, text) = self.cell(column)?;
        match col.column_type {
            ColumnType::Duration => convert::parse_duration_ns(text)
                .map_err(|reason| Record::value_error(col, column, reason, text)),
            _ => Err(Record::type_error(col, column, "duration")),
        }
    }

    /// BYTES: the decoded bytes, appended to `out` (left as it was on error).
    pub fn get_bytes_into(&self, column: usize, out: &mut Vec<u8>) -> QueryResult<()> {
        let (col, text) = self.cell(column)?;
        match col.column_type {
            ColumnType::Bytes => convert::decode_base64_into(text, out)
                .map_err(|reason| Record::value_error(col, column, reason, text)),
            _ => Err(Record::type_error(col, column, "base64Binary")),
        }
    }

    /// BYTES: the decoded bytes.
    pub fn get_bytes(&self, column: usize) -> QueryResult<Vec<u8>> {
        let mut out = Vec::new();
        self.get_bytes_into(column, &mut out)?;
        Ok(out)
    }

    /// The cell converted with its column's type ([`Value::Null`] for a null cell).
    pub fn value(&self, column: usize) -> QueryResult<Value<'a>> {
        let col = self
            .table
            .columns
            .get(column)
            .ok_or_else(|| self.not_found(column))?;
        if self.is_null(column) {
            return Ok(Value::Null);
        }
        Ok(match col.column_type {
            ColumnType::Unknown => Value::Unknown(self.get_str(column)?),
            ColumnType::String => Value::String(self.get_str(column)?),
            ColumnType::Double => Value::Double(self.get_f64(column)?),
            ColumnType::Long => Value::Long(self.get_i64(column)?),
            ColumnType::ULong => Value::ULong(self.get_u64(column)?),
            ColumnType::Bool => Value::Bool(self.get_bool(column)?),
            ColumnType::Time => Value::Time(self.get_time_ns(column)?),
            ColumnType::Duration => Value::Duration(self.get_duration_ns(column)?),
            ColumnType::Bytes => Value::Bytes(self.get_bytes(column)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "#datatype,string,long,string\n#group,false,false,true\n#default,_result,,\n,result,table,s\n";

    fn cursor(csv: &str) -> Cursor<&[u8]> {
        Cursor::new(csv.as_bytes())
    }

    /// The `s` column of every record of a one-table CSV.
    fn strings(body: &str) -> Vec<Option<String>> {
        let csv = format!("{HEAD}{body}");
        let mut c = cursor(&csv);
        assert_eq!(c.next().unwrap(), Event::Table);
        let mut out = Vec::new();
        loop {
            match c.next().unwrap() {
                Event::Record => {
                    let r = c.record().unwrap();
                    out.push(
                        r.text(2)
                            .unwrap()
                            .map(|t| String::from_utf8(t.to_vec()).unwrap()),
                    );
                }
                Event::End => return out,
                Event::Table => panic!("unexpected table"),
            }
        }
    }

    #[test]
    fn quoting_rules() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(strings(",,0,\"a,b\"\n"), [s("a,b")]);
        assert_eq!(
            strings(",,0,\"he said \"\"hi\"\"\"\n"),
            [s("he said \"hi\"")]
        );
        // CRLF inside quotes reads as LF; LF stays; a lone CR stays.
        assert_eq!(
            strings(",,0,\"l1\r\nl2\nl3\rl4\"\r\n"),
            [s("l1\nl2\nl3\rl4")]
        );
        // A CR right before the closing quote is data; the line's CR is not.
        assert_eq!(strings(",,0,\"x\r\"\r\n"), [s("x\r")]);
        // A quote inside an unquoted cell is data; text after a closing quote is kept.
        assert_eq!(strings(",,0,ab\"c\n,,0,\"ab\"c\n"), [s("ab\"c"), s("abc")]);
        // Empty quoted cell is empty (null without a default); no final newline.
        assert_eq!(strings(",,0,\"\"\n,,0,last"), [None, s("last")]);
        // CRLF line ends, blank lines skipped, final CR without LF.
        assert_eq!(strings(",,0,a\r\n\r\n\n,,0,b\r"), [s("a"), s("b")]);
        // A quoted cell may hold a whole annotated row.
        assert_eq!(
            strings(",,0,\"#datatype,x\n,,1\"\n"),
            [s("#datatype,x\n,,1")]
        );
    }

    #[test]
    fn eof_inside_quotes_is_a_parse_error() {
        let csv = format!("{HEAD},,0,\"unterminated\n");
        let mut c = cursor(&csv);
        assert_eq!(c.next().unwrap(), Event::Table);
        let e = c.next().unwrap_err();
        assert_eq!(e.kind, QueryErrorKind::Parse);
        assert_eq!(c.next().unwrap_err(), e);
    }

    #[test]
    fn row_limit() {
        let csv = format!("{HEAD},,0,{}\n", "x".repeat(1000));
        let opts = CursorOptions {
            buffer_capacity: 16,
            max_row_bytes: 100,
        };
        let mut c = Cursor::with_options(csv.as_bytes(), opts);
        assert_eq!(c.next().unwrap(), Event::Table);
        let e = c.next().unwrap_err();
        assert_eq!(e.kind, QueryErrorKind::Parse);
        assert!(e.message.contains("row longer than 100 bytes"), "{e}");
        assert!(c.buffer_bytes() < 400, "{}", c.buffer_bytes());
    }

    #[test]
    fn structure_errors() {
        let parse = |csv: &str| {
            let mut c = cursor(csv);
            loop {
                match c.next() {
                    Ok(Event::End) => panic!("no error in {csv:?}"),
                    Ok(_) => {}
                    Err(e) => return e,
                }
            }
        };
        let e = parse(&format!("{HEAD}x,,0,a\n"));
        assert_eq!(e.kind, QueryErrorKind::Parse);
        let e = parse("#datatype,string,long\n,result,table,extra\n,,0,a\n");
        assert_eq!(
            (e.kind, e.message.as_str()),
            (
                QueryErrorKind::Parse,
                "header has 3 columns, #datatype has 2"
            )
        );
        let e = parse(&format!("{HEAD},,0\n"));
        assert_eq!(
            (e.kind, e.message.as_str()),
            (QueryErrorKind::Parse, "row has 2 columns, table has 3")
        );
        // Error table header then EOF: a Flux error without message.
        let e = parse("#datatype,string,string\n,error,reference\n");
        assert_eq!(
            (e.kind, e.message.as_str(), e.reference.as_str()),
            (QueryErrorKind::Query, "", "")
        );
        assert_eq!(e.to_string(), "unknown query error");
        assert_eq!(e.kind.code(), 15);
        // Quoted message with a comma and a newline, no reference column value.
        let e = parse("#datatype,string,string\n,error,reference\n,\"a, b\r\nc\"\n");
        assert_eq!((e.message.as_str(), e.reference.as_str()), ("a, b\nc", ""));
    }

    #[test]
    fn io_errors_are_sticky_and_classified() {
        struct Failing(io::ErrorKind, usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.1 == 0 {
                    return Err(io::Error::new(self.0, "boom"));
                }
                self.1 -= 1;
                buf[0] = b'#';
                Ok(1)
            }
        }
        use std::io;
        for (kind, want) in [
            (io::ErrorKind::ConnectionReset, QueryErrorKind::Transport),
            (io::ErrorKind::TimedOut, QueryErrorKind::Timeout),
            (io::ErrorKind::WouldBlock, QueryErrorKind::Timeout),
        ] {
            let mut c = Cursor::new(Failing(kind, 3));
            let e = c.next().unwrap_err();
            assert_eq!(e.kind, want);
            assert_eq!(c.next().unwrap_err(), e);
            assert_eq!(c.error(), Some(&e));
        }
    }

    #[test]
    fn table_splits_on_the_table_column_after_default() {
        let csv = "#datatype,string,long,long\n#group,false,false,false\n#default,_result,7,\n,result,table,v\n,,,1\n,,7,2\n,,8,3\n,,8,4\n,,,5\n";
        let mut c = cursor(csv);
        let mut seen = Vec::new();
        loop {
            match c.next().unwrap() {
                Event::End => break,
                Event::Table => {
                    let t = c.table().unwrap();
                    seen.push(format!(
                        "T{}{}",
                        t.index(),
                        if t.new_block() { "n" } else { "" }
                    ));
                }
                Event::Record => {
                    let r = c.record().unwrap();
                    seen.push(format!("{}:{}", r.table().index(), r.get_i64(2).unwrap()));
                }
            }
        }
        assert_eq!(seen, ["T0n", "0:1", "0:2", "T1", "1:3", "1:4", "T2", "2:5"]);
    }

    #[test]
    fn getters() {
        let csv = "#datatype,string,long,unsignedLong,long,double,boolean,dateTime:RFC3339,duration,base64Binary,weird,string\n\
                   #group,false,false,false,false,false,false,false,false,false,false,false\n\
                   #default,_result,,,,,,,,,,dflt\n\
                   ,result,table,u,v,d,b,t,dur,bin,w,v\n\
                   ,,0,18446744073709551615,-3,1e3,True,2024-01-01T00:00:00Z,1m,AQI=,raw,\n\
                   ,,0,5,4,x,true,,,,,\"\"\n";
        let mut c = cursor(csv);
        assert_eq!(c.next().unwrap(), Event::Table);
        let t = c.table().unwrap();
        let types: Vec<i32> = t.columns().iter().map(|c| c.column_type().code()).collect();
        assert_eq!(types, [1, 3, 4, 3, 2, 5, 6, 7, 8, 0, 1]);
        assert_eq!(t.column_index("v"), Some(10));
        assert_eq!(t.column_index("nope"), None);
        assert_eq!(t.column(0).unwrap().label_with_nul(), b"result\0");
        assert_eq!(t.column(0).unwrap().default_with_nul(), b"_result\0");
        assert_eq!(
            t.column(6).unwrap().datatype_with_nul(),
            b"dateTime:RFC3339\0"
        );

        assert_eq!(c.next().unwrap(), Event::Record);
        let r = c.record().unwrap();
        assert_eq!(r.column_index("v"), Some(10));
        assert_eq!(r.get_str(0).unwrap(), "_result");
        assert_eq!(r.raw(0).unwrap(), b"");
        assert_eq!(r.text_with_nul(0).unwrap(), Some(&b"_result\0"[..]));
        assert_eq!(
            r.text_with_nul(2).unwrap(),
            Some(&b"18446744073709551615\0"[..])
        );
        assert_eq!(r.get_u64(2).unwrap(), u64::MAX);
        assert_eq!(r.get_f64(2).unwrap(), u64::MAX as f64);
        let e = r.get_i64(2).unwrap_err();
        assert_eq!((e.kind, e.column), (QueryErrorKind::Value, Some(2)));
        assert_eq!(r.get_i64(3).unwrap(), -3);
        assert_eq!(r.get_u64(3).unwrap_err().kind, QueryErrorKind::Value);
        assert_eq!(r.get_f64(3).unwrap(), -3.0);
        assert_eq!(r.get_f64(4).unwrap(), 1000.0);
        assert_eq!(r.get_i64(4).unwrap_err().kind, QueryErrorKind::Type);
        assert!(!r.get_bool(5).unwrap());
        assert_eq!(r.get_time_ns(6).unwrap(), 1_704_067_200_000_000_000);
        assert_eq!(r.get_str(6).unwrap(), "2024-01-01T00:00:00Z");
        assert_eq!(r.get_duration_ns(7).unwrap(), 60_000_000_000);
        assert_eq!(r.get_bytes(8).unwrap(), [1, 2]);
        assert_eq!(r.get_str(9).unwrap(), "raw");
        assert_eq!(r.value(9).unwrap(), Value::Unknown("raw"));
        assert_eq!(r.get_f64(9).unwrap_err().kind, QueryErrorKind::Type);
        assert_eq!(r.get_str(10).unwrap(), "dflt");
        assert_eq!(r.get_bool(0).unwrap_err().kind, QueryErrorKind::Type);
        assert_eq!(r.get_time_ns(1).unwrap_err().kind, QueryErrorKind::Type);
        assert_eq!(r.get_str(11).unwrap_err().kind, QueryErrorKind::NotFound);
        assert_eq!(r.get_str(11).unwrap_err().kind.code(), 20);
        assert!(r.is_null(11));

        assert_eq!(c.next().unwrap(), Event::Record);
        let r = c.record().unwrap();
        let e = r.get_f64(4).unwrap_err();
        assert_eq!((e.kind, e.kind.code()), (QueryErrorKind::Value, 19));
        assert_eq!(e.message, "invalid double: 'x' (column 'd')");
        assert!(r.get_bool(5).unwrap());
        for col in [6, 7, 8, 9] {
            assert!(r.is_null(col));
            assert_eq!(r.value(col).unwrap(), Value::Null);
            let e = r.get_str(col).unwrap_err();
            assert_eq!((e.kind, e.kind.code()), (QueryErrorKind::Null, 18));
        }
        assert_eq!(r.get_time_ns(6).unwrap_err().kind, QueryErrorKind::Null);
        // `""` is an empty cell too: the default applies.
        assert_eq!(r.get_str(10).unwrap(), "dflt");
        assert_eq!(c.next().unwrap(), Event::End);
        assert!(c.record().is_none());
        assert_eq!(c.next().unwrap(), Event::End);
    }
}
