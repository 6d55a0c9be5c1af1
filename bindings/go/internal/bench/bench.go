// Package bench writes the 1,000,000 standard points of BENCHMARKS.md through the drop-in
// API; the same source is built against upstream (-tags upstream) or the binding (default),
// only the imports differ (imports_*.go).
package bench

import (
	"context"
	"time"
)

// Standard point i: cpu,host=server-<i%100>,region=us-west-<i%4> usage_user=i*0.37,
// usage_system=i*0.11,count=i,ok=i%2==0 at 1700000000000000000+i*1000 ns.
var hosts, regions = func() ([]string, []string) {
	h := make([]string, 100)
	for i := range h {
		h[i] = "server-" + itoa(i)
	}
	return h, []string{"us-west-0", "us-west-1", "us-west-2", "us-west-3"}
}()

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// Client is the name of the client built ("upstream" or "ours").
const Client = client

// WriteAsync writes n standard points through WriteAPI, then Flush and Close.
func WriteAsync(url, token, org, bucket, measurement string, n int) time.Duration {
	t0 := time.Now()
	c := newClient(url, token, newOptions().SetBatchSize(5000).SetFlushInterval(1000))
	w := c.WriteAPI(org, bucket)
	errs := w.Errors()
	go func() {
		for range errs {
		}
	}()
	for i := 0; i < n; i++ {
		p := newPoint(measurement).
			AddTag("host", hosts[i%100]).
			AddTag("region", regions[i%4]).
			AddField("usage_user", float64(i)*0.37).
			AddField("usage_system", float64(i)*0.11).
			AddField("count", i).
			AddField("ok", i%2 == 0).
			SetTime(time.Unix(0, 1700000000000000000+int64(i)*1000))
		w.WritePoint(p)
	}
	w.Flush()
	c.Close()
	return time.Since(t0)
}

// WriteBlockingBatched writes n standard points through WriteAPIBlocking + EnableBatching.
func WriteBlockingBatched(url, token, org, bucket, measurement string, n int) time.Duration {
	t0 := time.Now()
	c := newClient(url, token, newOptions().SetBatchSize(5000))
	w := c.WriteAPIBlocking(org, bucket)
	w.EnableBatching()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		p := newPoint(measurement).
			AddTag("host", hosts[i%100]).
			AddTag("region", regions[i%4]).
			AddField("usage_user", float64(i)*0.37).
			AddField("usage_system", float64(i)*0.11).
			AddField("count", i).
			AddField("ok", i%2 == 0).
			SetTime(time.Unix(0, 1700000000000000000+int64(i)*1000))
		if err := w.WritePoint(ctx, p); err != nil {
			panic(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		panic(err)
	}
	c.Close()
	return time.Since(t0)
}

// ReadBack runs flux through QueryAPI().Query and reads every record as a user would
// (value, time, field, one tag); it returns the number of records.
func ReadBack(url, token, org, flux string) (rows int64) {
	c := newClient(url, token, newOptions())
	defer c.Close()
	res, err := c.QueryAPI(org).Query(context.Background(), flux)
	if err != nil {
		panic(err)
	}
	for res.Next() {
		r := res.Record()
		if r.Value() == nil || r.Time().IsZero() || r.Field() == "" || r.ValueByKey("host") == nil {
			panic("empty record")
		}
		rows++
	}
	if err := res.Err(); err != nil {
		panic(err)
	}
	return rows
}

var _ writeAPI
