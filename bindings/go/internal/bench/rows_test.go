//go:build !upstream

package bench

import "testing"

func BenchmarkSinkRows(b *testing.B) {
	sinkRun(b, func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } { return WriteRows(u, t, o, bk, m, n) })
}

func BenchmarkServerRows(b *testing.B) {
	serverRun(b, "bench_rows", func(u, t, o, bk, m string, n int) interface{ Seconds() float64 } {
		return WriteRows(u, t, o, bk, m, n)
	})
}

func BenchmarkServerQueryNative(b *testing.B) {
	queryRun(b, ReadBackNative)
}
