package influxdb2_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	upstreamapi "github.com/influxdata/influxdb-client-go/v2/api"
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/api/query"
	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"influxdb-client-c/go/api"
	"influxdb-client-c/go/influx"
	influxdb2 "influxdb-client-c/go/influxdb2"
	"influxdb-client-c/go/internal/testutil"
)

// A user's mock of the query API must still compile against the binding's interface.
type mockQueryAPI struct{}

func (mockQueryAPI) QueryRaw(context.Context, string, *domainDialect) (string, error) { return "", nil }
func (mockQueryAPI) QueryRawWithParams(context.Context, string, *domainDialect, interface{}) (string, error) {
	return "", nil
}
func (mockQueryAPI) Query(context.Context, string) (*api.QueryTableResult, error) { return nil, nil }
func (mockQueryAPI) QueryWithParams(context.Context, string, interface{}) (*api.QueryTableResult, error) {
	return nil, nil
}

var _ api.QueryAPI = mockQueryAPI{}

// The field values written at every precision: each Go type upstream's write.Point takes,
// with its extremes.
var typedFields = map[string]interface{}{
	"f_small":  -1.5e-300,
	"f_big":    math.MaxFloat64,
	"f_tenth":  0.1,
	"f_e16":    1e16,
	"f_neg0":   -2.5,
	"i_min":    int64(math.MinInt64),
	"i_max":    int64(math.MaxInt64),
	"i_int":    42,
	"u_max":    uint64(math.MaxUint64),
	"u_small":  uint32(7),
	"b_true":   true,
	"b_false":  false,
	"s_plain":  "hello",
	"s_quotes": `say "hi", \ back\slash, a=b c`,
	"s_utf8":   "žluťoučký kůň 🐎",
	"s_empty1": " ",
}

// What QueryAPI gives back for each written value (upstream's conversions: float64,
// int64, uint64, bool, string).
func wantValue(v interface{}) interface{} {
	switch x := v.(type) {
	case int:
		return int64(x)
	case uint32:
		return uint64(x)
	}
	return v
}

func TestQueryEveryFieldTypeEveryPrecision(t *testing.T) {
	srv := testutil.Real(t)
	base := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, prec := range []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond, time.Second} {
		t.Run(prec.String(), func(t *testing.T) {
			m := testutil.Measurement("go_qtypes")
			c := influxdb2.NewClientWithOptions(srv.URL, srv.Token, influxdb2.DefaultOptions().SetPrecision(prec))
			defer c.Close()
			times := []time.Time{base, base.Add(time.Hour + 987654321), base.Add(-48*time.Hour + 1)}
			var pts []*write.Point
			for i, ts := range times {
				pts = append(pts, influxdb2.NewPoint(m, map[string]string{"host": fmt.Sprintf("h %d,=x", i)}, typedFields, ts))
			}
			if err := c.WriteAPIBlocking(srv.Org, srv.Bucket).WritePoint(context.Background(), pts...); err != nil {
				t.Fatal(err)
			}
			res, err := c.QueryAPI(srv.Org).Query(context.Background(), fmt.Sprintf(
				`from(bucket: %q) |> range(start: 2020-01-01T00:00:00Z) |> filter(fn: (r) => r._measurement == %q)`, srv.Bucket, m))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			tables := map[int]bool{}
			for res.Next() {
				r := res.Record()
				f := r.Field()
				want, ok := typedFields[f]
				if !ok {
					t.Fatalf("unexpected field %q", f)
				}
				if got := r.Value(); !reflect.DeepEqual(got, wantValue(want)) {
					t.Errorf("%s: got %#v (%T), want %#v", f, got, got, wantValue(want))
				}
				host := r.ValueByKey("host").(string)
				var i int
				fmt.Sscanf(host, "h %d", &i)
				if wt := times[i].Truncate(prec); !r.Time().Equal(wt) || r.Time().Location() != time.UTC {
					t.Errorf("%s host %q: time %v, want %v", f, host, r.Time(), wt)
				}
				if r.Measurement() != m || r.Result() != "_result" {
					t.Errorf("measurement %q result %q", r.Measurement(), r.Result())
				}
				if _, ok := r.ValueByKey("_start").(time.Time); !ok {
					t.Errorf("_start is %T", r.ValueByKey("_start"))
				}
				if _, ok := r.ValueByKey("table").(int64); !ok {
					t.Errorf("table is %T", r.ValueByKey("table"))
				}
				seen[f]++
				tables[res.TablePosition()] = true
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			for f := range typedFields {
				if seen[f] != len(times) {
					t.Errorf("field %s read %d times, want %d", f, seen[f], len(times))
				}
			}
			// (positions as upstream's parser gives them: TestQueryMatchesUpstreamParser)
			if len(tables) < 5 {
				t.Errorf("%d table positions, want at least 5 (one per type)", len(tables))
			}
		})
	}
}

// fluxStep is one observation of a result: what upstream's parser and the binding must
// agree on.
type fluxStep struct {
	pos     int
	changed bool
	meta    string
	table   int
	values  map[string]interface{}
}

func steps(t *testing.T, res *api.QueryTableResult) []fluxStep {
	var out []fluxStep
	for res.Next() {
		out = append(out, fluxStep{res.TablePosition(), res.TableChanged(), res.TableMetadata().String(),
			res.Record().Table(), res.Record().Values()})
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The same answer read by upstream's own parser (api.NewQueryTableResult over QueryRaw's
// text with the default dialect) and by the binding's cursor gives the same tables,
// positions, metadata and values: multiple tables, several annotation blocks.
func TestQueryMatchesUpstreamParser(t *testing.T) {
	srv := testutil.Real(t)
	m := testutil.Measurement("go_qconf")
	c := influxdb2.NewClient(srv.URL, srv.Token)
	defer c.Close()
	w := c.WriteAPIBlocking(srv.Org, srv.Bucket)
	base := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	var lines []string
	for i := 0; i < 60; i++ {
		lines = append(lines, fmt.Sprintf(`%s,host=h%d,dc=d%d temp=%d.25,n=%di,on=%t,name="n%d" %d`,
			m, i%3, i%2, i, i, i%2 == 0, i, base.Add(time.Duration(i)*time.Second).UnixNano()))
	}
	if err := w.WriteRecord(context.Background(), lines...); err != nil {
		t.Fatal(err)
	}
	flux := fmt.Sprintf(`from(bucket: %q) |> range(start: 2024-01-01T00:00:00Z, stop: 2024-02-01T00:00:00Z)
		|> filter(fn: (r) => r._measurement == %q)`, srv.Bucket, m)
	q := c.QueryAPI(srv.Org)
	// (two yields are not compared: the server sends their results in either order)
	for _, fl := range []string{flux, flux + ` |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
		flux + ` |> count()`, flux + ` |> filter(fn: (r) => r._field == "temp") |> group() |> sort(columns: ["_time"])`} {
		raw, err := q.QueryRaw(context.Background(), fl, api.DefaultDialect())
		if err != nil {
			t.Fatal(err)
		}
		want := steps(t, api.NewQueryTableResult(io.NopCloser(strings.NewReader(raw))))
		res, err := q.Query(context.Background(), fl)
		if err != nil {
			t.Fatal(err)
		}
		got := steps(t, res)
		if len(want) < 20 {
			t.Fatalf("only %d records", len(want))
		}
		if !reflect.DeepEqual(got, want) {
			for i := range want {
				if i >= len(got) || !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("query %q record %d:\n got %+v\nwant %+v", fl, i, got[min(i, len(got)-1)], want[i])
				}
			}
			t.Fatalf("got %d records, want %d", len(got), len(want))
		}
	}
}

func TestQueryWithParams(t *testing.T) {
	srv := testutil.Real(t)
	m := testutil.Measurement("go_qparams")
	c := influxdb2.NewClient(srv.URL, srv.Token)
	defer c.Close()
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	var lines []string
	for i := 0; i < 10; i++ {
		lines = append(lines, fmt.Sprintf("%s v=%d.5,n=%du %d", m, i, i, base.Add(time.Duration(i)*time.Minute).UnixNano()))
	}
	if err := c.WriteAPIBlocking(srv.Org, srv.Bucket).WriteRecord(context.Background(), lines...); err != nil {
		t.Fatal(err)
	}
	type cond struct {
		Bucket string    `json:"bucket"`
		Start  time.Time `json:"start"`
		M      string    `json:"measurement"`
		Field  string
		Min    float64 `json:"min"`
		Skip   string  `json:"-"`
	}
	flux := `from(bucket: params.bucket) |> range(start: time(v: params.start))
		|> filter(fn: (r) => r._measurement == params.measurement and r._field == params.Field and r._value > params.min)`
	count := func(res *api.QueryTableResult, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for res.Next() {
			n++
		}
		if res.Err() != nil {
			t.Fatal(res.Err())
		}
		return n
	}
	q := c.QueryAPI(srv.Org)
	if n := count(q.QueryWithParams(context.Background(), flux, cond{srv.Bucket, base.Add(2 * time.Minute), m, "v", 4.0, "x"})); n != 6 {
		t.Fatalf("struct params: %d records, want 6 (4.5 .. 9.5)", n)
	}
	if n := count(q.QueryWithParams(context.Background(), flux, &cond{srv.Bucket, base, m, "v", 0.4, ""})); n != 10 {
		t.Fatalf("pointer params: %d records, want 10", n)
	}
	mp := map[string]interface{}{"bucket": srv.Bucket, "start": base.Format(time.RFC3339), "measurement": m, "Field": "v", "min": 7}
	if n := count(q.QueryWithParams(context.Background(), strings.Replace(flux, "r._value > params.min", "r._value > float(v: params.min)", 1), mp)); n != 3 {
		t.Fatalf("map params: %d records, want 3", n)
	}
	raw, err := q.QueryRawWithParams(context.Background(), flux, nil, cond{srv.Bucket, base, m, "v", 9, ""})
	if err != nil || strings.Count(strings.TrimSpace(raw), "\n") != 1 || !strings.Contains(raw, "9.5") {
		t.Fatalf("raw params: %v %q", err, raw)
	}
	if _, err := q.QueryWithParams(context.Background(), flux, 5); err == nil {
		t.Fatal("an int as params must fail")
	}
	if _, err := q.QueryWithParams(context.Background(), flux, map[string][]int{"a": {1}}); err == nil {
		t.Fatal("a slice param must fail")
	}
}

// A Flux error that is not a compile error arrives in-band, in an error table: Next
// returns false and Err has upstream's text. Rarely the server reports it at open (the
// failing result cancels the query before the first answer), as an *http.Error: both
// must carry the message.
func TestQueryFluxErrors(t *testing.T) {
	srv := testutil.Real(t)
	c := influxdb2.NewClient(srv.URL, srv.Token)
	defer c.Close()
	q := c.QueryAPI(srv.Org)
	flux := `import "array"
array.from(rows: [{a: 1}]) |> yield(name: "ok")
array.from(rows: [{a: 2}]) |> map(fn: (r) => ({r with b: die(msg: "boom-go")})) |> yield(name: "bad")`
	inBand := false
	for try := 0; try < 20 && !inBand; try++ {
		res, err := q.Query(context.Background(), flux)
		if err != nil {
			var he *http2.Error
			if !errors.As(err, &he) || !strings.Contains(he.Message, "boom-go") {
				t.Fatalf("open: %#v", err)
			}
			continue
		}
		n := 0
		for res.Next() {
			if res.Record().ValueByKey("a") != int64(1) {
				t.Fatalf("record %v", res.Record())
			}
			n++
		}
		err = res.Err()
		if n != 1 {
			t.Fatalf("%d records before the error, want 1", n)
		}
		if err == nil || !strings.Contains(err.Error(), "boom-go") {
			t.Fatalf("want the Flux error, got %v", err)
		}
		var fe *api.FluxError
		if !errors.As(err, &fe) || !errors.Is(err, influx.ErrQuery) {
			t.Fatalf("error %#v", err)
		}
		inBand = true
	}
	if !inBand {
		t.Fatal("the error never came in-band")
	}
	// compile error: HTTP 400 as upstream's *http.Error
	_, err := q.Query(context.Background(), `from(bucket: "x") |> nosuchfunction()`)
	var he *http2.Error
	if !errors.As(err, &he) || he.StatusCode != 400 || he.Code != "invalid" || !strings.Contains(he.Message, "nosuchfunction") {
		t.Fatalf("compile error: %#v", err)
	}
	// unknown bucket: 404
	_, err = q.QueryRaw(context.Background(), `from(bucket: "no-such-bucket-go") |> range(start: -1h)`, nil)
	if !errors.As(err, &he) || he.StatusCode != 404 {
		t.Fatalf("unknown bucket: %#v", err)
	}
	// bad token: 401
	bad := influxdb2.NewClient(srv.URL, "wrong")
	defer bad.Close()
	_, err = bad.QueryAPI(srv.Org).Query(context.Background(), `buckets()`)
	if !errors.As(err, &he) || he.StatusCode != 401 {
		t.Fatalf("bad token: %#v", err)
	}
	// a canceled context
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Query(ctx, `buckets()`); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

// QueryRaw: the server's exact text (compared with a plain HTTP request), in each dialect.
func TestQueryRaw(t *testing.T) {
	srv := testutil.Real(t)
	m := testutil.Measurement("go_qraw")
	c := influxdb2.NewClient(srv.URL, srv.Token)
	defer c.Close()
	if err := c.WriteAPIBlocking(srv.Org, srv.Bucket).WriteRecord(context.Background(),
		m+",t=a v=1 1700000000000000000", m+",t=b v=2 1700000000000000001", m+",t=b s=\"x,y\" 1700000000000000002"); err != nil {
		t.Fatal(err)
	}
	flux := fmt.Sprintf(`from(bucket: %q) |> range(start: 0, stop: 2030-01-01T00:00:00Z) |> filter(fn: (r) => r._measurement == %q)`, srv.Bucket, m)
	q := c.QueryAPI(srv.Org)
	raw, err := q.QueryRaw(context.Background(), flux, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.Query(t, flux); raw != want {
		t.Fatalf("QueryRaw(nil dialect):\n%q\nwant\n%q", raw, want)
	}
	if strings.HasPrefix(raw, "#") || !strings.Contains(raw, "x,y") {
		t.Fatalf("default dialect text %q", raw)
	}
	raw, err = q.QueryRaw(context.Background(), flux, api.DefaultDialect())
	if err != nil || !strings.HasPrefix(raw, "#datatype,") || !strings.Contains(raw, "#group,") || !strings.Contains(raw, "#default,") {
		t.Fatalf("DefaultDialect: %v %q", err, raw)
	}
	hdr, semi, nano := false, ";", "RFC3339Nano"
	d := api.DefaultDialect()
	d.Header, d.Delimiter = &hdr, &semi
	dtf := domainDateTimeFormat(nano)
	d.DateTimeFormat = &dtf
	raw, err = q.QueryRaw(context.Background(), flux, d)
	if err != nil || strings.Contains(raw, ",_value") || !strings.Contains(raw, ";2023-11-14T22:13:20.000000001Z;") {
		t.Fatalf("custom dialect: %v %q", err, raw)
	}
}

// The native cursor: typed getters read the C cells without a cgo call or an allocation.
func TestNativeQueryCursor(t *testing.T) {
	srv := testutil.Real(t)
	m := testutil.Measurement("go_qnative")
	c, err := influx.NewClient(influx.Setting{Key: "url", Value: srv.URL}, influx.Setting{Key: "token", Value: srv.Token},
		influx.Setting{Key: "org", Value: srv.Org})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ic := influxdb2.NewClient(srv.URL, srv.Token)
	defer ic.Close()
	var lines []string
	for i := 0; i < 5000; i++ {
		lines = append(lines, fmt.Sprintf("%s,k=%d v=%d %d", m, i%2, i, 1700000000000000000+int64(i)))
	}
	if err := ic.WriteAPIBlocking(srv.Org, srv.Bucket).WriteRecord(context.Background(), lines...); err != nil {
		t.Fatal(err)
	}
	var p influx.QueryParams
	p.SetString("b", srv.Bucket).SetString("m", m).SetTime("t0", time.Unix(0, 1700000000000000000)).SetDuration("d", time.Hour)
	qr, err := c.Query("", `import "date"
from(bucket: b) |> range(start: t0, stop: date.add(d: d, to: t0)) |> filter(fn: (r) => r._measurement == m)`, &p)
	if err != nil {
		t.Fatal(err)
	}
	defer qr.Close()
	var sum int64
	var n, tables, vi, ti int
	allocs := testing.AllocsPerRun(1, func() {
		for {
			ev := qr.Step()
			if ev == influx.End {
				break
			}
			if ev == influx.Table {
				tables++
				vi, ti = -1, -1
				for i, col := range qr.Columns() {
					switch col.Name {
					case "_value":
						vi = i
					case "_time":
						ti = i
					}
				}
				continue
			}
			if qr.Type(vi) != influx.ColDouble || qr.IsNull(vi) {
				panic("type")
			}
			sum += int64(qr.Float(vi))
			if qr.TimeNs(ti) < 1700000000000000000 {
				panic("time")
			}
			n++
		}
	})
	if err := qr.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 5000 || sum != 4999*5000/2 || tables != 2 {
		t.Fatalf("n %d sum %d tables %d", n, sum, tables)
	}
	if allocs > 50 { // the two tables' column metadata only
		t.Fatalf("%v allocations for 5000 records", allocs)
	}
	// raw, streamed
	r, err := c.QueryRaw("", `import "array" array.from(rows: [{a: 1}])`, nil, &influx.Dialect{Annotations: []string{"datatype"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if !strings.HasPrefix(string(b), "#datatype,string,long,long") {
		t.Fatalf("raw %q", b)
	}
}

var _ = query.FluxRecord{}

// Types the real server cannot send (duration, base64Binary), #default values, empty
// cells, RFC3339Nano and several annotation blocks, served by a local server: the binding
// and upstream's parser over the same text agree exactly.
const craftedCSV = "#datatype,string,long,dateTime:RFC3339Nano,duration,base64Binary,unsignedLong,double,boolean,string\r\n" +
	"#group,false,false,false,false,false,false,false,false,true\r\n" +
	"#default,_result,,,,,,,,dflt\r\n" +
	",result,table,_time,d,b,u,f,ok,tag\r\n" +
	",,0,2024-01-01T00:00:00.123456789Z,1h2m3.5s,aGk=,18446744073709551615,-1.5e-300,true,a\r\n" +
	",,0,1970-01-01T00:00:00Z,-5ns,,0,,false,\r\n" +
	",,1,2262-04-11T23:47:16.854775807Z,0s,AA==,7,+Inf,,b\r\n" +
	"\r\n" +
	"#datatype,string,long,string,long\r\n" +
	"#group,false,false,true,false\r\n" +
	"#default,other,,,\r\n" +
	",result,table,k,v\r\n" +
	",,2,x,-9223372036854775808\r\n" +
	",,3,,42\r\n"

func TestQueryCraftedTypesMatchUpstream(t *testing.T) {
	var body atomic.Value
	body.Store(craftedCSV)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		io.WriteString(w, body.Load().(string))
	}))
	defer srv.Close()
	c := influxdb2.NewClient(srv.URL, "t")
	defer c.Close()
	res, err := c.QueryAPI("o").Query(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	got := steps(t, res)
	want := steps(t, api.NewQueryTableResult(io.NopCloser(strings.NewReader(craftedCSV))))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	v := got[0].values
	if v["d"] != time.Hour+2*time.Minute+3500*time.Millisecond || string(v["b"].([]byte)) != "hi" ||
		v["u"] != uint64(math.MaxUint64) || v["f"] != -1.5e-300 || v["ok"] != true || v["tag"] != "a" ||
		!v["_time"].(time.Time).Equal(time.Date(2024, 1, 1, 0, 0, 0, 123456789, time.UTC)) {
		t.Fatalf("record 0: %#v", v)
	}
	v = got[1].values
	if v["d"] != -5*time.Nanosecond || v["b"] != nil || v["f"] != nil || v["ok"] != false || v["tag"] != "dflt" {
		t.Fatalf("record 1: %#v", v)
	}
	if v := got[2].values; v["f"] != math.Inf(1) || v["ok"] != nil || len(v["b"].([]byte)) != 1 {
		t.Fatalf("record 2: %#v", v)
	}
	if len(got) != 5 || got[3].pos != 1 || !got[3].changed || got[4].changed || got[4].values["k"] != nil {
		t.Fatalf("tables: %+v", got)
	}
	// an unknown datatype is upstream's error
	bad := strings.Replace(craftedCSV, "#datatype,string,long,string,long", "#datatype,string,long,string,weird", 1)
	body.Store(bad)
	res, err = c.QueryAPI("o").Query(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	for res.Next() {
	}
	up := api.NewQueryTableResult(io.NopCloser(strings.NewReader(bad)))
	for up.Next() {
	}
	if res.Err() == nil || up.Err() == nil || res.Err().Error() != up.Err().Error() {
		t.Fatalf("unknown type: %v, upstream %v", res.Err(), up.Err())
	}
}

// The query types have upstream's method sets and signatures (with the binding's own
// package in place of upstream's api package).
func TestQueryMethodSetsMatchUpstream(t *testing.T) {
	norm := func(s string) string {
		return strings.ReplaceAll(s, "github.com/influxdata/influxdb-client-go/v2/api.", "api.")
	}
	sig := func(m reflect.Method) string {
		return norm(strings.ReplaceAll(m.Type.String(), "influxdb-client-c/go/api.", "api."))
	}
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeOf((*upstreamapi.QueryTableResult)(nil)), reflect.TypeOf((*api.QueryTableResult)(nil))},
		{reflect.TypeOf((*upstreamapi.QueryAPI)(nil)).Elem(), reflect.TypeOf((*api.QueryAPI)(nil)).Elem()},
	} {
		up, ours := pair[0], pair[1]
		if up.NumMethod() != ours.NumMethod() {
			t.Errorf("%v: %d methods, upstream %d", ours, ours.NumMethod(), up.NumMethod())
		}
		for i := 0; i < up.NumMethod(); i++ {
			um := up.Method(i)
			om, ok := ours.MethodByName(um.Name)
			if !ok {
				t.Errorf("%v lacks %s", ours, um.Name)
				continue
			}
			if sig(om) != norm(um.Type.String()) {
				t.Errorf("%v.%s: %s, upstream %s", ours, um.Name, sig(om), um.Type)
			}
		}
	}
}
