package influx

/*
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strconv"
	"time"
	"unsafe"
)

// ColumnType is a column's type from its #datatype annotation (influx_column_type).
type ColumnType int

// The column types of include/influxdb_client.h.
const (
	ColUnknown  ColumnType = C.INFLUX_COL_UNKNOWN
	ColString   ColumnType = C.INFLUX_COL_STRING
	ColDouble   ColumnType = C.INFLUX_COL_DOUBLE
	ColLong     ColumnType = C.INFLUX_COL_LONG
	ColULong    ColumnType = C.INFLUX_COL_ULONG
	ColBool     ColumnType = C.INFLUX_COL_BOOL
	ColTime     ColumnType = C.INFLUX_COL_TIME
	ColDuration ColumnType = C.INFLUX_COL_DURATION
	ColBytes    ColumnType = C.INFLUX_COL_BYTES
)

// QueryParams are bind parameters, sent as Flux `option name = value` statements (the
// query's `extern`). The zero value is empty; nothing is sent to C until a query opens.
type QueryParams struct{ ps []qparam }

type qparam struct {
	name string
	kind byte // s i f b t d a
	s    string
	i    int64
	f    float64
	b    bool
}

func (p *QueryParams) add(q qparam) *QueryParams { p.ps = append(p.ps, q); return p }

// SetString binds name to a string.
func (p *QueryParams) SetString(name, v string) *QueryParams {
	return p.add(qparam{name: name, kind: 's', s: v})
}

// SetInt binds name to an int.
func (p *QueryParams) SetInt(name string, v int64) *QueryParams {
	return p.add(qparam{name: name, kind: 'i', i: v})
}

// SetFloat binds name to a float (finite).
func (p *QueryParams) SetFloat(name string, v float64) *QueryParams {
	return p.add(qparam{name: name, kind: 'f', f: v})
}

// SetBool binds name to a bool.
func (p *QueryParams) SetBool(name string, v bool) *QueryParams {
	return p.add(qparam{name: name, kind: 'b', b: v})
}

// SetTime binds name to a time (a Flux time literal, ns precision).
func (p *QueryParams) SetTime(name string, v time.Time) *QueryParams {
	return p.add(qparam{name: name, kind: 't', i: v.UnixNano()})
}

// SetDuration binds name to a duration.
func (p *QueryParams) SetDuration(name string, v time.Duration) *QueryParams {
	return p.add(qparam{name: name, kind: 'd', i: int64(v)})
}

// SetAST binds name to any Flux AST expression given as JSON (e.g. an ObjectExpression).
func (p *QueryParams) SetAST(name, expressionJSON string) *QueryParams {
	return p.add(qparam{name: name, kind: 'a', s: expressionJSON})
}

// SetAny binds name to an AST expression built from a Go value: string, bool, any integer
// or float kind, time.Time, time.Duration, or a map[string]any / []any of those (records,
// arrays).
func (p *QueryParams) SetAny(name string, v any) error {
	ast, err := ASTOf(v)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(ast)
	p.SetAST(name, string(b))
	return nil
}

// ASTOf is the Flux AST expression (as a JSON-marshalable value) of a Go value, as SetAny.
func ASTOf(v any) (any, error) {
	lit := func(t string, val any) any { return map[string]any{"type": t, "value": val} }
	switch x := v.(type) {
	case string:
		return lit("StringLiteral", x), nil
	case bool:
		return lit("BooleanLiteral", x), nil
	case int:
		return lit("IntegerLiteral", strconv.FormatInt(int64(x), 10)), nil
	case int8:
		return lit("IntegerLiteral", strconv.FormatInt(int64(x), 10)), nil
	case int16:
		return lit("IntegerLiteral", strconv.FormatInt(int64(x), 10)), nil
	case int32:
		return lit("IntegerLiteral", strconv.FormatInt(int64(x), 10)), nil
	case int64:
		return lit("IntegerLiteral", strconv.FormatInt(x, 10)), nil
	case uint:
		return lit("UnsignedIntegerLiteral", strconv.FormatUint(uint64(x), 10)), nil
	case uint8:
		return lit("UnsignedIntegerLiteral", strconv.FormatUint(uint64(x), 10)), nil
	case uint16:
		return lit("UnsignedIntegerLiteral", strconv.FormatUint(uint64(x), 10)), nil
	case uint32:
		return lit("UnsignedIntegerLiteral", strconv.FormatUint(uint64(x), 10)), nil
	case uint64:
		return lit("UnsignedIntegerLiteral", strconv.FormatUint(x, 10)), nil
	case float32:
		return ASTOf(float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errorf(InvalidArg, "a float parameter must be finite, not %v", x)
		}
		return lit("FloatLiteral", x), nil
	case time.Time:
		return lit("DateTimeLiteral", x.UTC().Format(time.RFC3339Nano)), nil
	case time.Duration:
		n := int64(x)
		neg := n < 0
		if neg {
			n = -n
		}
		d := map[string]any{"type": "DurationLiteral", "values": []any{map[string]any{"magnitude": n, "unit": "ns"}}}
		if neg {
			return map[string]any{"type": "UnaryExpression", "operator": "-", "argument": d}, nil
		}
		return d, nil
	case map[string]any:
		props := make([]any, 0, len(x))
		for k, e := range x {
			a, err := ASTOf(e)
			if err != nil {
				return nil, err
			}
			props = append(props, map[string]any{"type": "Property",
				"key": map[string]any{"type": "Identifier", "name": k}, "value": a})
		}
		return map[string]any{"type": "ObjectExpression", "properties": props}, nil
	case []any:
		els := make([]any, 0, len(x))
		for _, e := range x {
			a, err := ASTOf(e)
			if err != nil {
				return nil, err
			}
			els = append(els, a)
		}
		return map[string]any{"type": "ArrayExpression", "elements": els}, nil
	}
	return nil, errorf(InvalidArg, "cannot bind a %T as a query parameter", v)
}

// build makes the C parameters (nil for none); the caller frees them.
func (p *QueryParams) build() (*C.influx_query_params, error) {
	if p == nil || len(p.ps) == 0 {
		return nil, nil
	}
	cp := C.influx_query_params_new()
	for _, q := range p.ps {
		n := C.CString(q.name)
		var s *C.char
		if q.kind == 's' || q.kind == 'a' {
			s = C.CString(q.s)
		}
		err := call(func() C.influx_result {
			switch q.kind {
			case 's':
				return C.influx_query_params_set_str(cp, n, s)
			case 'i':
				return C.influx_query_params_set_i64(cp, n, C.int64_t(q.i))
			case 'f':
				return C.influx_query_params_set_f64(cp, n, C.double(q.f))
			case 'b':
				return C.influx_query_params_set_bool(cp, n, C.bool(q.b))
			case 't':
				return C.influx_query_params_set_time_ns(cp, n, C.int64_t(q.i))
			case 'd':
				return C.influx_query_params_set_duration_ns(cp, n, C.int64_t(q.i))
			default:
				return C.influx_query_params_set_ast(cp, n, s)
			}
		})
		freeC(n)
		freeC(s)
		if err != nil {
			C.influx_query_params_free(cp)
			return nil, err
		}
	}
	return cp, nil
}

// Column describes one column of a table.
type Column struct {
	Name     string
	DataType string // the #datatype text, e.g. "dateTime:RFC3339"
	Type     ColumnType
	Group    bool
	Default  string
}

// Query is an open Flux query read record by record: one cgo call per record, which
// converts every cell in C. Not safe for concurrent use. Close it (Next closes it at the
// end or on an error).
type Query struct {
	g      *C.gi_query
	cols   []Column
	newBlk bool
	tabIdx int
	event  int
	err    error
	closed bool
}

// Event is what Query.Step produced.
type Event int

// Events of Query.Step.
const (
	End    Event = C.INFLUX_QUERY_END
	Table  Event = C.INFLUX_QUERY_TABLE
	Record Event = C.INFLUX_QUERY_RECORD
)

// Query POSTs flux to /api/v2/query (org: a name or ID, "" the client's) and opens a
// cursor over the annotated CSV answer. An HTTP error (a Flux compile error is a 400) is
// returned here as an *Error with HTTPStatus and ServerMessage; nothing of the body has
// been read yet.
func (c *Client) Query(org, flux string, params *QueryParams) (*Query, error) {
	cp, err := params.build()
	if err != nil {
		return nil, err
	}
	defer C.influx_query_params_free(cp)
	co, cf := cstrOrNil(org), C.CString(flux)
	defer freeC(co)
	defer freeC(cf)
	var q *C.influx_query
	err = c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_query_open(cc, co, cf, cp, &q) })
	})
	if err != nil {
		return nil, err
	}
	g := (*C.gi_query)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gi_query{}))))
	g.q = q
	out := &Query{g: g}
	runtime.SetFinalizer(out, (*Query).Close)
	return out, nil
}

// Step advances to the next event: Table (a new table: Columns, TableIndex, NewBlock),
// Record (the cells: Len, Float, String, ...) or End. An error ends the query (Err tells
// it) and Step returns End from then on. Tables with the same columns as the previous one
// (NewBlock false) share its Columns.
func (q *Query) Step() Event {
	if q.closed || q.err != nil {
		return End
	}
	rc := C.gi_query_step(q.g)
	q.event = int(q.g.event)
	if rc != C.INFLUX_OK {
		q.fail(rc)
		return End
	}
	switch q.event {
	case C.INFLUX_QUERY_TABLE:
		q.tabIdx = int(q.g.table_index)
		q.newBlk = q.g.new_block != 0
		if q.newBlk || q.cols == nil {
			q.loadColumns()
		}
	case C.INFLUX_QUERY_END:
		q.Close()
	}
	return Event(q.event)
}

// Next advances to the next record, skipping table events (use Step to see them).
func (q *Query) Next() bool {
	for {
		switch q.Step() {
		case Record:
			return true
		case End:
			return false
		}
	}
}

func (q *Query) fail(rc C.influx_result) {
	if rc == C.INFLUX_ERR_QUERY || q.event != C.INFLUX_QUERY_RECORD || q.g.err[0] == 0 {
		var msg, ref *C.char
		C.influx_query_error(q.g.q, &msg, &ref)
		q.err = &QueryErr{Err: &Error{Code: Code(rc), Message: gs(msg)}, Reference: gs(ref)}
	} else {
		q.err = &QueryErr{Err: &Error{Code: Code(rc), Message: C.GoString(&q.g.err[0])}}
	}
	q.Close()
}

// QueryErr is the error that ended a query: an in-band Flux error (Code QueryError,
// Message Flux's text, Reference its code), a transport error, or a cell that did not convert.
type QueryErr struct {
	Err       *Error
	Reference string // Flux's error reference code, "" if none
}

// Unwrap gives the *Error (errors.Is(err, ErrQuery)).
func (e *QueryErr) Unwrap() error { return e.Err }

func (e *QueryErr) Error() string { return e.Err.Error() }

func (q *Query) loadColumns() {
	t := C.influx_query_table(q.g.q)
	n := int(C.influx_table_column_count(t))
	cols := make([]Column, n)
	for i := range cols {
		ci := C.size_t(i)
		cols[i] = Column{Name: gs(C.influx_table_column_name(t, ci)), DataType: gs(C.influx_table_column_datatype(t, ci)),
			Type: ColumnType(C.influx_table_column_type(t, ci)), Group: bool(C.influx_table_column_is_group(t, ci)),
			Default: gs(C.influx_table_column_default(t, ci))}
	}
	q.cols = cols
}

// Err is the error that ended the query, nil at a normal end.
func (q *Query) Err() error { return q.err }

// Columns of the current table (shared by later tables while NewBlock is false).
func (q *Query) Columns() []Column { return q.cols }

// TableIndex is the 0-based position of the current table in the response.
func (q *Query) TableIndex() int { return q.tabIdx }

// NewBlock tells whether the current table came with its own annotation rows.
func (q *Query) NewBlock() bool { return q.newBlk }

// Close stops reading (dropping the connection if the answer is not finished) and frees
// the query. Idempotent; the cells of the last record are gone.
func (q *Query) Close() {
	if q.closed {
		return
	}
	q.closed = true
	C.influx_query_close(q.g.q)
	C.free(unsafe.Pointer(q.g.cells))
	C.free(unsafe.Pointer(q.g))
	q.g = nil
	runtime.SetFinalizer(q, nil)
}

// The current record's cells, read straight from C memory (no cgo call). Valid after Step
// returned Record, until the next Step or Close; i must be < Len().

func (q *Query) cell(i int) *C.influx_cell {
	if q.g == nil || q.event != C.INFLUX_QUERY_RECORD || i < 0 || i >= int(q.g.ncols) {
		panic("influx: no such cell (call after a Record event, index < Len())")
	}
	return (*C.influx_cell)(unsafe.Add(unsafe.Pointer(q.g.cells), uintptr(i)*unsafe.Sizeof(C.influx_cell{})))
}

// Len is the number of cells of the current record.
func (q *Query) Len() int {
	if q.g == nil {
		return 0
	}
	return int(q.g.ncols)
}

// Type of cell i.
func (q *Query) Type(i int) ColumnType { return ColumnType(q.cell(i)._type) }

// IsNull tells whether cell i has no value (empty and no #default).
func (q *Query) IsNull(i int) bool { return bool(q.cell(i).null) }

func (q *Query) bits(i int) uint64 { return *(*uint64)(unsafe.Pointer(&q.cell(i).v)) }

// Float is cell i of a double column (0 if null).
func (q *Query) Float(i int) float64 { return math.Float64frombits(q.bits(i)) }

// Int is cell i of a long column.
func (q *Query) Int(i int) int64 { return int64(q.bits(i)) }

// Uint is cell i of an unsignedLong column.
func (q *Query) Uint(i int) uint64 { return q.bits(i) }

// Bool is cell i of a boolean column.
func (q *Query) Bool(i int) bool { return bool(*(*C.bool)(unsafe.Pointer(&q.cell(i).v))) }

// TimeNs is cell i of a time column: ns since the epoch.
func (q *Query) TimeNs(i int) int64 { return int64(q.bits(i)) }

// Time is cell i of a time column, in UTC.
func (q *Query) Time(i int) time.Time { return time.Unix(0, int64(q.bits(i))).UTC() }

// Duration is cell i of a duration column.
func (q *Query) Duration(i int) time.Duration { return time.Duration(int64(q.bits(i))) }

// String is cell i's text: a string column's value, an unknown type's raw text ("" for
// other types; a copy).
func (q *Query) String(i int) string {
	c := q.cell(i)
	if c.data == nil {
		return ""
	}
	return C.GoStringN(c.data, C.int(c.len))
}

// Bytes is a copy of cell i of a base64Binary column, decoded.
func (q *Query) Bytes(i int) []byte {
	c := q.cell(i)
	if c.data == nil {
		return []byte{}
	}
	return C.GoBytes(unsafe.Pointer(c.data), C.int(c.len))
}

// Value is cell i as a Go value: nil (null), float64, int64, uint64, bool, time.Time
// (UTC), time.Duration, string, []byte; an unknown type gives its text.
func (q *Query) Value(i int) any {
	c := q.cell(i)
	if c.null {
		return nil
	}
	switch ColumnType(c._type) {
	case ColDouble:
		return q.Float(i)
	case ColLong:
		return q.Int(i)
	case ColULong:
		return q.Uint(i)
	case ColBool:
		return q.Bool(i)
	case ColTime:
		return q.Time(i)
	case ColDuration:
		return q.Duration(i)
	case ColBytes:
		return q.Bytes(i)
	}
	return q.String(i)
}

// Dialect is the CSV shape of a raw query.
type Dialect struct {
	NoHeader       bool
	Delimiter      byte // 0: ','
	Annotations    []string
	DateTimeFormat string // "" RFC3339, or "RFC3339Nano"
}

// QueryRaw POSTs flux and returns the answer's body (decompressed) as a stream in the
// given dialect (nil: the server's default, header and no annotations). Close the reader.
func (c *Client) QueryRaw(org, flux string, params *QueryParams, d *Dialect) (io.ReadCloser, error) {
	cp, err := params.build()
	if err != nil {
		return nil, err
	}
	defer C.influx_query_params_free(cp)
	co, cf := cstrOrNil(org), C.CString(flux)
	defer freeC(co)
	defer freeC(cf)
	var cd C.influx_dialect
	C.influx_dialect_init(&cd)
	var dtf *C.char
	if d == nil {
		cd.annotations = 0
	} else {
		cd.header = C.bool(!d.NoHeader)
		if d.Delimiter != 0 {
			cd.delimiter = C.char(d.Delimiter)
		}
		cd.annotations = 0
		for _, a := range d.Annotations {
			switch a {
			case "datatype":
				cd.annotations |= C.INFLUX_ANNOTATION_DATATYPE
			case "group":
				cd.annotations |= C.INFLUX_ANNOTATION_GROUP
			case "default":
				cd.annotations |= C.INFLUX_ANNOTATION_DEFAULT
			default:
				return nil, errorf(InvalidArg, "unknown annotation %q", a)
			}
		}
		if d.DateTimeFormat != "" {
			dtf = C.CString(d.DateTimeFormat)
			defer freeC(dtf)
			cd.date_time_format = dtf
		}
	}
	var q *C.influx_query
	err = c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_query_open_raw(cc, co, cf, cp, &cd, &q) })
	})
	if err != nil {
		return nil, err
	}
	r := &rawReader{q: q}
	runtime.SetFinalizer(r, (*rawReader).Close)
	return r, nil
}

type rawReader struct {
	q   *C.influx_query
	err error
}

func (r *rawReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.q == nil {
		return 0, ErrClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	var n C.size_t
	err := call(func() C.influx_result {
		return C.influx_query_read_raw(r.q, unsafe.Pointer(&p[0]), C.size_t(len(p)), &n)
	})
	if err != nil {
		r.err = err
		return 0, err
	}
	if n == 0 {
		r.err = io.EOF
		return 0, io.EOF
	}
	return int(n), nil
}

func (r *rawReader) Close() error {
	if r.q != nil {
		C.influx_query_close(r.q)
		r.q = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

// Bits is cell i's 8-byte value as stored (the bits of a double, long, unsignedLong,
// time or duration): equal bits, equal value.
func (q *Query) Bits(i int) uint64 { return q.bits(i) }

// StringEquals tells whether cell i's text (String(i)) equals s, without copying it.
func (q *Query) StringEquals(i int, s string) bool {
	c := q.cell(i)
	if int(c.len) != len(s) {
		return false
	}
	if c.len == 0 {
		return true
	}
	return unsafe.String((*byte)(unsafe.Pointer(c.data)), int(c.len)) == s
}
