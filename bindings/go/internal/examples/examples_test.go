package examples

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// server is the real InfluxDB 2.x of scripts/influxdb.sh (the examples need one).
func server(t *testing.T) Server {
	s := Server{os.Getenv("INFLUXDB_V2_URL"), os.Getenv("INFLUXDB_V2_TOKEN"), os.Getenv("INFLUXDB_V2_ORG"),
		os.Getenv("INFLUXDB_V2_BUCKET"), fmt.Sprintf("example_%d", time.Now().UnixNano())}
	if s.URL == "" || s.Token == "" {
		if os.Getenv("INFLUX_GO_REQUIRE_SERVER") != "" {
			t.Fatal("INFLUXDB_V2_URL/TOKEN not set")
		}
		t.Skip("no InfluxDB: eval \"$(scripts/influxdb.sh start)\" first")
	}
	return s
}

const paramsLine = "48.5 49 49.5 99.5 \n"

const want = `write errors: 0
bad line rejected: true
table 0: result:string table:long _start:dateTime:RFC3339 _stop:dateTime:RFC3339 _time:dateTime:RFC3339 _value:double _field:string _measurement:string hostname:string id:string vendor:string
  2024-06-01T12:00:10Z true temperature=5 (float64) id=rack_0
  2024-06-01T12:00:40Z true temperature=20 (float64) id=rack_0
  2024-06-01T12:00:01Z true temperature=0.5 (float64) id=rack_1
  2024-06-01T12:00:31Z true temperature=15.5 (float64) id=rack_1
  2024-06-01T12:00:22Z true temperature=11 (float64) id=rack_2
  2024-06-01T12:00:52Z true temperature=26 (float64) id=rack_2
  2024-06-01T12:00:13Z true temperature=6.5 (float64) id=rack_3
  2024-06-01T12:00:43Z true temperature=21.5 (float64) id=rack_3
  2024-06-01T12:00:04Z true temperature=2 (float64) id=rack_4
  2024-06-01T12:00:34Z true temperature=17 (float64) id=rack_4
  2024-06-01T12:00:25Z true temperature=12.5 (float64) id=rack_5
  2024-06-01T12:00:55Z true temperature=27.5 (float64) id=rack_5
  2024-06-01T12:00:16Z true temperature=8 (float64) id=rack_6
  2024-06-01T12:00:46Z true temperature=23 (float64) id=rack_6
  2024-06-01T12:00:07Z true temperature=3.5 (float64) id=rack_7
  2024-06-01T12:00:37Z true temperature=18.5 (float64) id=rack_7
  2024-06-01T12:00:28Z true temperature=14 (float64) id=rack_8
  2024-06-01T12:00:58Z true temperature=29 (float64) id=rack_8
  2024-06-01T12:00:19Z true temperature=9.5 (float64) id=rack_9
  2024-06-01T12:00:49Z true temperature=24.5 (float64) id=rack_9
  _time=2024-06-01 12:00:00 +0000 UTC avg=23.2 max=45 note=n0 ok=true result=_result table=0 unit=temperature
  _time=2024-06-01 12:01:00 +0000 UTC avg=24.2 max=45 note=n1 ok=false result=_result table=0 unit=temperature
  _time=2024-06-01 12:02:00 +0000 UTC avg=25.2 max=45 note=n2 ok=true result=_result table=0 unit=temperature
  _time=2024-06-01 12:03:00 +0000 UTC avg=26.2 max=45 note=n3 ok=false result=_result table=0 unit=temperature
  _time=2024-06-01 12:04:00 +0000 UTC avg=27.2 max=45 note=n4 ok=true result=_result table=0 unit=temperature
  _time=2024-06-01 13:00:00 +0000 UTC avg=23.5 max=45 note=<nil> ok=<nil> result=_result table=0 unit=temperature
48.5 49 49.5 99.5 
#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,id
,,0,2024-06-01T14:00:00Z,-1.25,rack_y

compile error: true
health: pass
ping: true <nil>
ready: ready
org: %s
bucket: same id true, retention 86400s
deleted bucket found: false
delete: <nil>
left after delete: 4

`

// The examples in order against the real server; the output is what upstream prints for
// the same source (TestSameSourceOnUpstream runs it there).
func TestExamples(t *testing.T) {
	s := server(t)
	var out bytes.Buffer
	for _, ex := range []struct {
		name string
		f    func(io.Writer, Server) error
	}{{"WriteNonBlocking", WriteNonBlocking}, {"WriteBlocking", WriteBlocking}, {"Query", Query},
		{"QueryWithParams", QueryWithParams}, {"QueryRaw", QueryRaw}, {"Management", Management}} {
		err := ex.f(&out, s)
		if ex.name == "QueryWithParams" && os.Getenv("INFLUX_GO_EXAMPLES_UPSTREAM") != "" {
			// upstream sends params in the request's "params" field, which only InfluxDB
			// Cloud reads: on InfluxDB OSS `params` is undefined. The binding binds them
			// as a Flux option and so works on both.
			if err == nil || !strings.Contains(err.Error(), "undefined identifier params") {
				t.Fatalf("upstream's QueryWithParams on OSS: %v", err)
			}
			out.WriteString(paramsLine)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v\noutput so far:\n%s", ex.name, err, out.String())
		}
	}
	if w := fmt.Sprintf(want, s.Org); strings.TrimSpace(out.String()) != strings.TrimSpace(w) {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), w)
	}
}

const (
	oursInfluxdb2 = `	influxdb2 "influxdb-client-c/go/influxdb2" // upstream: influxdb2 "github.com/influxdata/influxdb-client-go/v2"`
	oursAPI       = `	"influxdb-client-c/go/api"                 // upstream: "github.com/influxdata/influxdb-client-go/v2/api"`
)

// The same examples.go, with only its two import lines switched back to upstream
// influxdb-client-go v2, compiled and run (TestExamples, same expected output) against
// the same server.
func TestSameSourceOnUpstream(t *testing.T) {
	if os.Getenv("INFLUX_GO_EXAMPLES_UPSTREAM") != "" {
		t.Skip("this is the upstream copy")
	}
	server(t)
	if testing.Short() {
		t.Skip("short: builds upstream's client")
	}
	src, err := os.ReadFile("examples.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	changed := 0
	for i, l := range lines {
		switch l {
		case oursInfluxdb2:
			lines[i] = `	influxdb2 "github.com/influxdata/influxdb-client-go/v2"`
			changed++
		case oursAPI:
			lines[i] = `	"github.com/influxdata/influxdb-client-go/v2/api"`
			changed++
		}
	}
	if changed != 2 {
		t.Fatalf("%d import lines found, want 2", changed)
	}
	// a directory under this package (inside the module; "_" keeps it out of ./...)
	dir, err := os.MkdirTemp(".", "_upstream")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	testSrc, err := os.ReadFile("examples_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/examples.go", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/examples_test.go", testSrc, 0o644); err != nil {
		t.Fatal(err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "test", "-count=1", "-run", "^TestExamples$", "-v", "./"+filepath.Base(dir))
	cmd.Env = append(os.Environ(), "INFLUX_GO_EXAMPLES_UPSTREAM=1", "INFLUX_GO_REQUIRE_SERVER=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestExamples") {
		t.Fatalf("upstream run: %v\n%s", err, out)
	}
	// and it really was upstream's client
	list, err := exec.Command(goBin, "list", "-deps", "./"+filepath.Base(dir)).Output()
	if err != nil || strings.Contains(string(list), "influxdb-client-c/go/influx\n") ||
		!strings.Contains(string(list), "github.com/influxdata/influxdb-client-go/v2/internal/write") {
		t.Fatalf("the upstream copy's dependencies: %v\n%s", err, list)
	}
}
