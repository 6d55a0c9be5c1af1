package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	upstream "github.com/influxdata/influxdb-client-go/v2/api"
	"github.com/influxdata/influxdb-client-go/v2/api/query"
	"github.com/influxdata/influxdb-client-go/v2/domain"

	"influxdb-client-c/go/influx"
)

// QueryAPI is upstream's query interface: Flux queries, read as tables of records or as
// raw CSV. Parameters (a struct or a map[string]T of simple values and time.Time, as
// upstream) are reachable in Flux as `params.<name>`.
type QueryAPI interface {
	// QueryRaw executes flux query on the InfluxDB server and returns complete query result as a string with table annotations according to dialect
	QueryRaw(ctx context.Context, query string, dialect *domain.Dialect) (string, error)
	// QueryRawWithParams executes flux parametrized query on the InfluxDB server and returns complete query result as a string with table annotations according to dialect
	QueryRawWithParams(ctx context.Context, query string, dialect *domain.Dialect, params interface{}) (string, error)
	// Query executes flux query on the InfluxDB server and returns QueryTableResult which parses streamed response into structures representing flux table parts
	Query(ctx context.Context, query string) (*QueryTableResult, error)
	// QueryWithParams executes flux parametrized query  on the InfluxDB server and returns QueryTableResult which parses streamed response into structures representing flux table parts
	QueryWithParams(ctx context.Context, query string, params interface{}) (*QueryTableResult, error)
}

// DefaultDialect is upstream's: every annotation, a header, ',' as the delimiter.
func DefaultDialect() *domain.Dialect { return upstream.DefaultDialect() }

type queryAPI struct {
	c   *influx.Client
	org string
}

// NewQueryAPIWithClient returns the query API of org over a library client (what
// influxdb2's Client.QueryAPI returns).
func NewQueryAPIWithClient(c *influx.Client, org string) QueryAPI {
	return &queryAPI{c: c, org: org}
}

// QueryTableResult is upstream's streamed result: call Next until it returns false, then
// Err. Records are read from the library's cursor (one cgo call per record, every cell
// converted in C); tables and positions follow upstream's rules (a table per annotation
// block). NewQueryTableResult over a reader keeps upstream's own CSV parser.
type QueryTableResult struct {
	io.Closer
	ctx           context.Context
	q             *influx.Query
	up            *upstream.QueryTableResult
	tablePosition int
	tableChanged  bool
	table         *query.FluxTableMetadata
	names         []string
	prev          []prevCell // per column: the last record's value, reused while it repeats
	record        *query.FluxRecord
	err           error
}

// NewQueryTableResult parses an annotated-CSV response with upstream's parser (for tests
// and mocks written against upstream).
func NewQueryTableResult(rawResponse io.ReadCloser) *QueryTableResult {
	return &QueryTableResult{Closer: rawResponse, up: upstream.NewQueryTableResult(rawResponse)}
}

func (q *queryAPI) Query(ctx context.Context, query string) (*QueryTableResult, error) {
	return q.QueryWithParams(ctx, query, nil)
}

func (q *queryAPI) QueryWithParams(ctx context.Context, flux string, params interface{}) (*QueryTableResult, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	qp, err := queryParams(params)
	if err != nil {
		return nil, err
	}
	if q.c == nil {
		return nil, errors.New("client is not initialized")
	}
	cur, err := q.c.Query(q.org, flux, qp)
	if err != nil {
		return nil, queryError(err)
	}
	r := &QueryTableResult{ctx: ctx, q: cur}
	r.Closer = closerFunc(r.close)
	return r, nil
}

func (q *queryAPI) QueryRaw(ctx context.Context, query string, dialect *domain.Dialect) (string, error) {
	return q.QueryRawWithParams(ctx, query, dialect, nil)
}

func (q *queryAPI) QueryRawWithParams(ctx context.Context, flux string, dialect *domain.Dialect, params interface{}) (string, error) {
	if err := ctxCheck(ctx); err != nil {
		return "", err
	}
	qp, err := queryParams(params)
	if err != nil {
		return "", err
	}
	if q.c == nil {
		return "", errors.New("client is not initialized")
	}
	var d *influx.Dialect
	if dialect != nil {
		d = &influx.Dialect{Annotations: []string{}}
		if dialect.Header != nil && !*dialect.Header {
			d.NoHeader = true
		}
		if dialect.Delimiter != nil {
			if len(*dialect.Delimiter) != 1 {
				return "", fmt.Errorf("the delimiter must be one character, not %q", *dialect.Delimiter)
			}
			d.Delimiter = (*dialect.Delimiter)[0]
		}
		if dialect.Annotations != nil {
			for _, a := range *dialect.Annotations {
				d.Annotations = append(d.Annotations, string(a))
			}
		}
		if dialect.DateTimeFormat != nil {
			d.DateTimeFormat = string(*dialect.DateTimeFormat)
		}
	}
	r, err := q.c.QueryRaw(q.org, flux, qp, d)
	if err != nil {
		return "", queryError(err)
	}
	defer r.Close()
	var sb strings.Builder
	if _, err := io.Copy(&sb, r); err != nil {
		return "", queryError(err)
	}
	return sb.String(), nil
}

// queryError gives an HTTP error (or none: transport) as upstream's *http.Error, the
// *influx.Error inside.
func queryError(err error) error {
	var e *influx.Error
	if errors.As(err, &e) {
		switch e.Code {
		case influx.HTTPError, influx.TransportError, influx.Timeout:
			return httpError(e)
		}
	}
	return err
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func (r *QueryTableResult) close() error {
	if r.q != nil {
		r.q.Close()
	}
	return nil
}

// TablePosition returns actual flux table position in the result, or -1 if no table was found yet
func (r *QueryTableResult) TablePosition() int {
	if r.up != nil {
		return r.up.TablePosition()
	}
	if r.table != nil {
		return r.table.Position()
	}
	return -1
}

// TableMetadata returns actual flux table metadata
func (r *QueryTableResult) TableMetadata() *query.FluxTableMetadata {
	if r.up != nil {
		return r.up.TableMetadata()
	}
	return r.table
}

// TableChanged returns true if last call of Next() found also new result table
func (r *QueryTableResult) TableChanged() bool {
	if r.up != nil {
		return r.up.TableChanged()
	}
	return r.tableChanged
}

// Record returns last parsed flux table data row
func (r *QueryTableResult) Record() *query.FluxRecord {
	if r.up != nil {
		return r.up.Record()
	}
	return r.record
}

// Err returns an error raised during flux query response parsing
func (r *QueryTableResult) Err() error {
	if r.up != nil {
		return r.up.Err()
	}
	return r.err
}

// Close stops reading and frees the query (upstream reads the rest of the answer first;
// here the connection is dropped). Next calls it at the end and on an error.
func (r *QueryTableResult) Close() error {
	if r.up != nil {
		return r.up.Close()
	}
	return r.close()
}

// Next advances to the next record (Record), creating the table metadata (TableMetadata,
// TableChanged) at each new annotation block as upstream. Returns false at the end or on
// an error (Err): the query is closed then.
func (r *QueryTableResult) Next() bool {
	if r.up != nil {
		return r.up.Next()
	}
	r.tableChanged = false
	if r.q == nil || r.err != nil {
		return false
	}
	if r.ctx != nil {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			r.close()
			return false
		}
	}
	for {
		switch r.q.Step() {
		case influx.End:
			if err := r.q.Err(); err != nil {
				r.err = fluxError(err)
			}
			return false
		case influx.Table:
			if r.q.NewBlock() || r.table == nil {
				r.newTable()
			}
		case influx.Record:
			vals := make(map[string]interface{}, len(r.names))
			for i, n := range r.names {
				v, err := r.value(i)
				if err != nil {
					r.err = err
					r.close()
					return false
				}
				vals[n] = v
			}
			r.record = query.NewFluxRecord(r.table.Position(), vals)
			return true
		}
	}
}

func (r *QueryTableResult) newTable() {
	cols := r.q.Columns()
	fc := make([]*query.FluxColumn, len(cols))
	r.names = r.names[:0]
	for i, c := range cols {
		fc[i] = query.NewFluxColumnFull(c.DataType, c.Default, c.Name, c.Group, i)
		r.names = append(r.names, c.Name)
	}
	r.prev = make([]prevCell, len(cols))
	r.table = query.NewFluxTableMetadataFull(r.tablePosition, fc)
	r.tablePosition++
	r.tableChanged = true
}

// prevCell is a column's value in the previous record: a value that repeats (tags,
// _start/_stop, result, table) is handed out again instead of being copied and boxed anew
// (strings and boxed numbers are immutable; bytes are always copied).
type prevCell struct {
	ok   bool
	bits uint64
	v    interface{}
}

// value converts cell i as upstream's toValue: nil for an empty cell, the Go type of the
// column's datatype, an error for an unknown datatype.
func (r *QueryTableResult) value(i int) (interface{}, error) {
	q := r.q
	if q.IsNull(i) {
		return nil, nil
	}
	p := &r.prev[i]
	t := q.Type(i)
	switch t {
	case influx.ColString:
		if p.ok && q.StringEquals(i, p.v.(string)) {
			return p.v, nil
		}
		p.v, p.ok = q.String(i), true
		return p.v, nil
	case influx.ColDouble, influx.ColLong, influx.ColULong, influx.ColBool, influx.ColTime, influx.ColDuration:
		bits := q.Bits(i)
		if t == influx.ColBool {
			bits &= 0xff
		}
		if p.ok && p.bits == bits {
			return p.v, nil
		}
		var v interface{}
		switch t {
		case influx.ColDouble:
			v = q.Float(i)
		case influx.ColLong:
			v = q.Int(i)
		case influx.ColULong:
			v = q.Uint(i)
		case influx.ColBool:
			v = q.Bool(i)
		case influx.ColTime:
			v = q.Time(i)
		default:
			v = q.Duration(i)
		}
		p.v, p.bits, p.ok = v, bits, true
		return v, nil
	case influx.ColBytes:
		return q.Bytes(i), nil
	}
	return nil, fmt.Errorf("%s has unknown data type %s", r.names[i], r.table.Column(i).DataType())
}

// fluxError gives an in-band Flux error with upstream's text ("message" or
// "message,reference"), the library's error inside.
func fluxError(err error) error {
	var qe *influx.QueryErr
	if errors.As(err, &qe) && qe.Err.Code == influx.QueryError {
		msg := qe.Err.Message
		if msg == "" {
			msg = "unknown query error"
		}
		if qe.Reference != "" {
			msg += "," + qe.Reference
		}
		return &FluxError{Message: msg, Err: qe}
	}
	return err
}

// FluxError is an error table in the query's answer; Error() is upstream's text.
type FluxError struct {
	Message string
	Err     *influx.QueryErr
}

func (e *FluxError) Error() string { return e.Message }

// Unwrap gives the library's error (errors.Is(err, influx.ErrQuery)).
func (e *FluxError) Unwrap() error { return e.Err }

var timeType = reflect.TypeOf(time.Time{})

// queryParams binds upstream's params (a struct or a map with string keys, simple values
// and time.Time; names as encoding/json gives them) as one Flux record `params`, so that
// `params.<name>` works on InfluxDB OSS too. Values keep the types the JSON body of
// upstream gives them (a time.Time is its RFC3339Nano string).
func queryParams(p interface{}) (*influx.QueryParams, error) {
	if p == nil {
		return nil, nil
	}
	v := reflect.ValueOf(p)
	t := v.Type()
	if t.Kind() == reflect.Ptr {
		if v.IsNil() {
			return nil, nil
		}
		t, v = t.Elem(), v.Elem()
	}
	rec := map[string]any{}
	switch t.Kind() {
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(t) {
			if !f.IsExported() || f.Anonymous {
				continue
			}
			name := f.Name
			omitEmpty := false
			if tag, ok := f.Tag.Lookup("json"); ok {
				parts := strings.Split(tag, ",")
				if parts[0] == "-" && len(parts) == 1 {
					continue
				}
				if parts[0] != "" {
					name = parts[0]
				}
				for _, o := range parts[1:] {
					omitEmpty = omitEmpty || o == "omitempty"
				}
			}
			fv := v.FieldByIndex(f.Index)
			if omitEmpty && fv.IsZero() {
				continue
			}
			val, err := paramValue(fv)
			if err != nil {
				return nil, fmt.Errorf("cannot use field '%s' of type '%v' as a query param", f.Name, fv.Type())
			}
			if val != nil {
				rec[name] = val
			}
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("cannot use map key of type '%v' for query param name", t.Key())
		}
		for _, k := range v.MapKeys() {
			val, err := paramValue(v.MapIndex(k))
			if err != nil {
				return nil, fmt.Errorf("cannot use map value type '%v' as a query param", v.MapIndex(k).Type())
			}
			if val != nil {
				rec[k.String()] = val
			}
		}
	default:
		return nil, fmt.Errorf("cannot use %v as query params", t)
	}
	var qp influx.QueryParams
	if err := qp.SetAny("params", rec); err != nil {
		return nil, err
	}
	return &qp, nil
}

// paramValue is a simple value (or time.Time, as its JSON text) out of v; nil for a nil
// interface or pointer (JSON null: left out).
func paramValue(v reflect.Value) (any, error) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Ptr {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		var s string
		_ = json.Unmarshal(b, &s)
		return s, nil
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := v.Uint(); u <= math.MaxInt64 {
			return int64(u), nil // a JSON number, as upstream sends it
		}
		return v.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	}
	return nil, fmt.Errorf("cannot use %v as a query param", v.Type())
}
