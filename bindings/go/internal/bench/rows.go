//go:build !upstream

package bench

import (
	"time"

	"influxdb-client-c/go/influx"
)

// WriteRows writes n standard points through the native rows fast path (1000 rows per
// cgo call), then Close.
func WriteRows(url, token, org, bucket, measurement string, n int) time.Duration {
	t0 := time.Now()
	c, err := influx.NewClient(influx.Setting{Key: "url", Value: url}, influx.Setting{Key: "token", Value: token}, influx.Setting{Key: "org", Value: org})
	if err != nil {
		panic(err)
	}
	w, err := c.NewWriteAPI([]influx.Setting{{Key: "batch_size", Value: "5000"}}, influx.Nanoseconds, nil)
	if err != nil {
		panic(err)
	}
	s, err := influx.NewShape(measurement, []string{"host", "region"}, []influx.Field{
		{Key: "usage_user", Type: influx.Float}, {Key: "usage_system", Type: influx.Float},
		{Key: "count", Type: influx.Int}, {Key: "ok", Type: influx.Bool}})
	if err != nil {
		panic(err)
	}
	l := influx.NewLines(influx.Nanoseconds)
	tags := make([]string, 2)
	vals := make([]influx.Value, 4)
	for i := 0; i < n; i++ {
		tags[0], tags[1] = hosts[i%100], regions[i%4]
		vals[0], vals[1], vals[2], vals[3] = influx.F(float64(i)*0.37), influx.F(float64(i)*0.11), influx.I(int64(i)), influx.B(i%2 == 0)
		_ = l.AddRowAt(s, tags, vals, 1700000000000000000+int64(i)*1000)
		if l.Len() == 1000 {
			if err := w.WriteLines(bucket, "", l); err != nil {
				panic(err)
			}
		}
	}
	if err := w.WriteLines(bucket, "", l); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	c.Close()
	s.Close()
	return time.Since(t0)
}

// ReadBackNative reads flux with the native cursor, converting every cell of every record
// to a Go value (Query.Value); it returns the number of records.
func ReadBackNative(url, token, org, flux string) (rows int64) {
	c, err := influx.NewClient(influx.Setting{Key: "url", Value: url}, influx.Setting{Key: "token", Value: token}, influx.Setting{Key: "org", Value: org})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	q, err := c.Query("", flux, nil)
	if err != nil {
		panic(err)
	}
	defer q.Close()
	for q.Next() {
		for i, n := 0, q.Len(); i < n; i++ {
			_ = q.Value(i)
		}
		rows++
	}
	if err := q.Err(); err != nil {
		panic(err)
	}
	return rows
}
