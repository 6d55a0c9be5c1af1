package bench

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"

	"influxdb-client-c/go/internal/testutil"
)

// Points per benchmark op (INFLUX_BENCH_POINTS, default 1,000,000).
func points() int {
	if v, err := strconv.Atoi(os.Getenv("INFLUX_BENCH_POINTS")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

func report(b *testing.B, n int, run func() (lines int64)) {
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := run(); got != int64(n) {
			b.Fatalf("%d lines arrived, want %d", got, n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	total := float64(b.N * n)
	b.ReportMetric(total/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/total, "B/point")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/point")
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
	b.ReportMetric(0, "ns/op")
}

// peakRSSMiB is this process's peak resident set (run one benchmark per process for a
// per-mode figure: bench.sh does).
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}

func sinkRun(b *testing.B, f func(url, token, org, bucket, m string, n int) interface{ Seconds() float64 }) {
	n := points()
	if url := os.Getenv("INFLUX_BENCH_SINK"); url != "" {
		// the null sink in its own process (nullsink/)
		report(b, n, func() int64 {
			if _, err := http.Post(url+"/reset", "text/plain", nil); err != nil {
				b.Fatal(err)
			}
			f(url, "t", "o", "b", "cpu", n)
			resp, err := http.Get(url + "/count")
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got, _ := strconv.ParseInt(string(body), 10, 64)
			return got
		})
		return
	}
	sink := testutil.NewSink(false)
	defer sink.Close()
	report(b, n, func() int64 {
		sink.Lines.Store(0)
		f(sink.URL, "t", "o", "b", "cpu", n)
		return sink.Lines.Load()
	})
}

func BenchmarkSinkAsync(b *testing.B) {
	sinkRun(b, func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } {
		return WriteAsync(u, t, o, bk, m, n)
	})
}

func BenchmarkSinkBlockingBatched(b *testing.B) {
	sinkRun(b, func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } {
		return WriteBlockingBatched(u, t, o, bk, m, n)
	})
}

func serverRun(b *testing.B, prefix string, f func(url, token, org, bucket, m string, n int) interface{ Seconds() float64 }) {
	srv := testutil.Real(b)
	n := points()
	report(b, n, func() int64 {
		m := testutil.Measurement(prefix + "_" + Client)
		f(srv.URL, srv.Token, srv.Org, srv.Bucket, m, n)
		return srv.Count(b, m, "count")
	})
}

func BenchmarkServerAsync(b *testing.B) {
	serverRun(b, "bench_async", func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } {
		return WriteAsync(u, t, o, bk, m, n)
	})
}

// Rows read back per op (INFLUX_BENCH_QUERY_ROWS, default 1,000,000): a quarter as many
// standard points (4 fields each), written once to a measurement named after the count.
func queryRows() int {
	if v, err := strconv.Atoi(os.Getenv("INFLUX_BENCH_QUERY_ROWS")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

func queryRun(b *testing.B, read func(url, token, org, flux string) int64) {
	srv := testutil.Real(b)
	rows := queryRows()
	m := fmt.Sprintf("bench_query_%d", rows)
	if got := srv.Count(b, m, "count"); got != int64(rows/4) {
		if got != 0 {
			b.Fatalf("%s holds %d points, want 0 or %d", m, got, rows/4)
		}
		WriteAsync(srv.URL, srv.Token, srv.Org, srv.Bucket, m, rows/4)
	}
	flux := fmt.Sprintf(`from(bucket: %q) |> range(start: 2023-11-14T00:00:00Z, stop: 2023-11-16T00:00:00Z) |> filter(fn: (r) => r._measurement == %q)`,
		srv.Bucket, m)
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if got := read(srv.URL, srv.Token, srv.Org, flux); got != int64(rows) {
			b.Fatalf("%d rows read, want %d", got, rows)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	total := float64(b.N * rows)
	b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/total, "B/row")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/row")
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkServerQuery reads the rows back through QueryAPI (the same source on both builds).
func BenchmarkServerQuery(b *testing.B) { queryRun(b, ReadBack) }
