package influx_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"influxdb-client-c/go/influx"
	"influxdb-client-c/go/internal/testutil"
)

func shape(t testing.TB) *influx.Shape {
	s, err := influx.NewShape("cpu", []string{"host", "region"}, []influx.Field{
		{Key: "usage_user", Type: influx.Float}, {Key: "count", Type: influx.Int},
		{Key: "u", Type: influx.Uint}, {Key: "ok", Type: influx.Bool}, {Key: "note", Type: influx.String}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRowsText(t *testing.T) {
	sink := testutil.NewSink(true)
	defer sink.Close()
	c, err := influx.NewClient(influx.Setting{Key: "url", Value: sink.URL}, influx.Setting{Key: "token", Value: "t"}, influx.Setting{Key: "org", Value: "o"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var delivered atomic.Int64
	w, err := c.NewWriteAPI(nil, influx.Nanoseconds, func(r *influx.Report) {
		if r.Kind == influx.Delivered {
			delivered.Add(int64(r.Lines))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := shape(t)
	defer s.Close()
	l := influx.NewLines(influx.Nanoseconds)
	if err := l.AddRowAt(s, []string{"a", ""}, []influx.Value{influx.F(0.5), influx.I(-3), influx.U(7), influx.B(true), influx.S(`say "hi"`)}, 42); err != nil {
		t.Fatal(err)
	}
	if err := l.AddRow(s, []string{"b c", "x"}, []influx.Value{influx.F(2), influx.I(1), influx.U(0), influx.B(false), influx.S("")}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteLines("bucket", "", l); err != nil {
		t.Fatal(err)
	}
	if l.Len() != 0 {
		t.Fatal("not reset after write")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "cpu,host=a count=-3i,note=\"say \\\"hi\\\"\",ok=true,u=7u,usage_user=0.5 42\ncpu,host=b\\ c,region=x count=1i,note=\"\",ok=false,u=0u,usage_user=2"
	if got := sink.Body(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if delivered.Load() != 2 {
		t.Fatalf("delivered %d", delivered.Load())
	}
}

func TestRowErrorNamesRowNothingWritten(t *testing.T) {
	sink := testutil.NewSink(true)
	defer sink.Close()
	c, _ := influx.NewClient(influx.Setting{Key: "url", Value: sink.URL}, influx.Setting{Key: "org", Value: "o"})
	defer c.Close()
	w, err := c.NewWriteAPI(nil, influx.Nanoseconds, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := shape(t)
	l := influx.NewLines(influx.Nanoseconds)
	vals := []influx.Value{influx.F(1), influx.I(1), influx.U(1), influx.B(true), influx.S("s")}
	_ = l.AddRowAt(s, []string{"a", "b"}, vals, 1)
	_ = l.AddRowAt(s, []string{"a", `bad\`}, vals, 2) // a tag value ending in '\'
	err = w.WriteLines("bucket", "", l)
	if !errors.Is(err, influx.ErrInvalidPoint) || !strings.HasPrefix(err.Error(), "row 1: ") {
		t.Fatalf("err %v", err)
	}
	if l.Len() != 2 {
		t.Fatal("rows dropped on error")
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sink.Lines.Load() != 0 {
		t.Fatal("something was written")
	}
	if err := l.AddRowAt(s, []string{"a"}, vals, 1); err == nil {
		t.Fatal("wrong tag count accepted")
	}
}

func TestRowsZeroAllocs(t *testing.T) {
	s := shape(t)
	l := influx.NewLines(influx.Nanoseconds)
	tags := []string{"host-1", "r"}
	vals := []influx.Value{influx.F(1), influx.I(1), influx.U(1), influx.B(true), influx.S("s")}
	for i := 0; i < 1000; i++ {
		_ = l.AddRowAt(s, tags, vals, int64(i))
	}
	l.Reset()
	a := testing.AllocsPerRun(1000, func() { _ = l.AddRowAt(s, tags, vals, 1) })
	if a != 0 {
		t.Fatalf("%v allocations per row", a)
	}
}

func TestRowsRealServer(t *testing.T) {
	srv := testutil.Real(t)
	c, err := influx.NewClient(influx.Setting{Key: "url", Value: srv.URL}, influx.Setting{Key: "token", Value: srv.Token}, influx.Setting{Key: "org", Value: srv.Org})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w, err := c.NewWriteAPI([]influx.Setting{{Key: "batch_size", Value: "5000"}, {Key: "max_close_wait", Value: "5s"}}, influx.Nanoseconds, func(r *influx.Report) {
		if r.Err != nil {
			t.Errorf("report: %v", r.Err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	m := testutil.Measurement("go_rows")
	s, _ := influx.NewShape(m, []string{"host"}, []influx.Field{{Key: "count", Type: influx.Int}})
	l := influx.NewLines(influx.Nanoseconds)
	const n = 100_000
	for i := 0; i < n; i++ {
		_ = l.AddRowAt(s, []string{"h"}, []influx.Value{influx.I(int64(i))}, 1700000000000000000+int64(i))
		if l.Len() == 1000 {
			if err := w.WriteLines(srv.Bucket, "", l); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := srv.Count(t, m, "count"); got != n {
		t.Fatalf("count %d want %d", got, n)
	}
}
