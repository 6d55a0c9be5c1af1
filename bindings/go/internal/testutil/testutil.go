// Package testutil helps the tests: the real server's settings from the environment
// (scripts/influxdb.sh start), Flux counts through the server's HTTP API, and a local sink
// server for fault injection.
package testutil

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Server is the real InfluxDB 2.x of the test run.
type Server struct{ URL, Token, Org, Bucket string }

// Real returns the server of INFLUXDB_V2_URL/TOKEN/ORG/BUCKET or skips the test.
func Real(t testing.TB) Server {
	s := Server{os.Getenv("INFLUXDB_V2_URL"), os.Getenv("INFLUXDB_V2_TOKEN"), os.Getenv("INFLUXDB_V2_ORG"), os.Getenv("INFLUXDB_V2_BUCKET")}
	if s.URL == "" || s.Token == "" {
		if os.Getenv("INFLUX_GO_REQUIRE_SERVER") != "" {
			t.Fatal("INFLUXDB_V2_URL/TOKEN not set: start the server with scripts/influxdb.sh start")
		}
		t.Skip("no InfluxDB: eval \"$(scripts/influxdb.sh start)\" first")
	}
	return s
}

// Query runs Flux and returns the annotated CSV.
func (s Server) Query(t testing.TB, flux string) string {
	body := fmt.Sprintf(`{"query": %s, "type": "flux"}`, strconv.Quote(flux))
	req, _ := http.NewRequest("POST", s.URL+"/api/v2/query?org="+s.Org, strings.NewReader(body))
	req.Header.Set("Authorization", "Token "+s.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("query: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// Count counts the points of measurement that have field (Flux count()).
func (s Server) Count(t testing.TB, measurement, field string) int64 {
	csvText := s.Query(t, fmt.Sprintf(`from(bucket: %q) |> range(start: 0) |> filter(fn: (r) => r._measurement == %q and r._field == %q) |> group() |> count()`, s.Bucket, measurement, field))
	r := csv.NewReader(strings.NewReader(csvText))
	r.FieldsPerRecord = -1
	var col = -1
	var total int64
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if len(rec) < 2 || rec[0] != "" {
			continue
		}
		if col < 0 {
			for i, h := range rec {
				if h == "_value" {
					col = i
				}
			}
			continue
		}
		if col < len(rec) && rec[col] != "_value" {
			n, _ := strconv.ParseInt(rec[col], 10, 64)
			total += n
		}
	}
	return total
}

// Measurement returns a measurement name unique to this run.
func Measurement(prefix string) string {
	return fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
}

// Sink is a local HTTP server standing in for InfluxDB's write endpoint: it counts
// non-empty lines, keeps bodies when asked, and answers with Status (204 by default) or
// hangs for Delay.
type Sink struct {
	*httptest.Server
	Lines    atomic.Int64
	Requests atomic.Int64
	Status   atomic.Int32
	Delay    atomic.Int64 // ns
	Keep     bool
	mu       sync.Mutex
	Bodies   []string
}

// NewSink starts a sink.
func NewSink(keep bool) *Sink {
	s := &Sink{Keep: keep}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *Sink) serve(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	if d := s.Delay.Load(); d > 0 {
		select {
		case <-time.After(time.Duration(d)):
		case <-r.Context().Done():
			return
		}
	}
	if st := s.Status.Load(); st != 0 && st != 204 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(int(st))
		fmt.Fprintf(w, `{"code":"internal error","message":"sink says %d"}`, st)
		return
	}
	b, _ := io.ReadAll(r.Body)
	n := int64(0)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			n++
		}
	}
	s.Lines.Add(n)
	if s.Keep {
		s.mu.Lock()
		s.Bodies = append(s.Bodies, string(b))
		s.mu.Unlock()
	}
	w.WriteHeader(204)
}

// Body returns everything received, joined.
func (s *Sink) Body() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.Bodies, "\n")
}

// ClosedURL is the URL of a port nobody listens on.
func ClosedURL() string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}
