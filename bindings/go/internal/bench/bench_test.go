package bench

import (
	"os"
	"runtime"
	"strconv"
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
	b.ReportMetric(0, "ns/op")
}

func sinkRun(b *testing.B, f func(url, token, org, bucket, m string, n int) interface{ Seconds() float64 }) {
	n := points()
	sink := testutil.NewSink(false)
	defer sink.Close()
	report(b, n, func() int64 {
		sink.Lines.Store(0)
		f(sink.URL, "t", "o", "b", "cpu", n)
		return sink.Lines.Load()
	})
}

func BenchmarkSinkAsync(b *testing.B) {
	sinkRun(b, func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } { return WriteAsync(u, t, o, bk, m, n) })
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
