// Package examples holds programs written against upstream influxdb-client-go v2's API
// (write, query, management), in the style of its README. They import the binding; the
// tests also compile and run this very file against upstream with only the two import
// lines below switched back (TestSameSourceOnUpstream), and both must print the same.
package examples

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"
	"github.com/influxdata/influxdb-client-go/v2/domain"

	"influxdb-client-c/go/api"                 // upstream: "github.com/influxdata/influxdb-client-go/v2/api"
	influxdb2 "influxdb-client-c/go/influxdb2" // upstream: influxdb2 "github.com/influxdata/influxdb-client-go/v2"
)

// Server is where the examples run.
type Server struct{ URL, Token, Org, Bucket, Measurement string }

var base = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// WriteNonBlocking: the asynchronous WriteAPI with points built both ways, a raw line,
// errors read from Errors(), Flush.
func WriteNonBlocking(out io.Writer, s Server) error {
	client := influxdb2.NewClientWithOptions(s.URL, s.Token, influxdb2.DefaultOptions().SetBatchSize(20))
	defer client.Close()
	writeAPI := client.WriteAPI(s.Org, s.Bucket)
	errorsCh := writeAPI.Errors()
	done := make(chan int)
	go func() {
		n := 0
		for range errorsCh {
			n++
		}
		done <- n
	}()
	for i := 0; i < 100; i++ {
		p := influxdb2.NewPoint(s.Measurement,
			map[string]string{"id": fmt.Sprintf("rack_%v", i%10), "vendor": "AWS", "hostname": fmt.Sprintf("host_%v", i%3)},
			map[string]interface{}{"temperature": float64(i) * 0.5, "disk_free": 1000 - i, "disk_total": uint64(2000), "mem_total": 64, "mem_free": 60},
			base.Add(time.Duration(i)*time.Second))
		writeAPI.WritePoint(p)
	}
	p := influxdb2.NewPointWithMeasurement(s.Measurement).AddTag("id", "rack_x").AddField("temperature", 99.5).SetTime(base.Add(time.Hour))
	writeAPI.WritePoint(p)
	writeAPI.WriteRecord(fmt.Sprintf("%s,id=rack_y temperature=-1.25 %d", s.Measurement, base.Add(2*time.Hour).UnixNano()))
	writeAPI.Flush()
	client.Close()
	fmt.Fprintf(out, "write errors: %d\n", <-done)
	return nil
}

// WriteBlocking: WriteAPIBlocking with points and lines, and a bad line's error.
func WriteBlocking(out io.Writer, s Server) error {
	client := influxdb2.NewClient(s.URL, s.Token)
	defer client.Close()
	writeAPI := client.WriteAPIBlocking(s.Org, s.Bucket)
	var pts []*write.Point
	for i := 0; i < 5; i++ {
		pts = append(pts, influxdb2.NewPointWithMeasurement(s.Measurement+"_blocking").AddTag("unit", "temperature").
			AddField("avg", 23.2+float64(i)).AddField("max", 45.0).AddField("ok", i%2 == 0).AddField("note", fmt.Sprintf("n%d", i)).
			SetTime(base.Add(time.Duration(i)*time.Minute)))
	}
	if err := writeAPI.WritePoint(context.Background(), pts...); err != nil {
		return err
	}
	line := fmt.Sprintf("%s_blocking,unit=temperature avg=%f,max=%f %d", s.Measurement, 23.5, 45.0, base.Add(time.Hour).UnixNano())
	if err := writeAPI.WriteRecord(context.Background(), line); err != nil {
		return err
	}
	err := writeAPI.WriteRecord(context.Background(), s.Measurement+" this is not line protocol")
	fmt.Fprintf(out, "bad line rejected: %v\n", err != nil)
	return nil
}

// Query: QueryAPI.Query over what the write examples wrote, table changes and records.
func Query(out io.Writer, s Server) error {
	client := influxdb2.NewClient(s.URL, s.Token)
	defer client.Close()
	queryAPI := client.QueryAPI(s.Org)
	result, err := queryAPI.Query(context.Background(), fmt.Sprintf(`from(bucket:%q)
		|> range(start: 2024-06-01T00:00:00Z, stop: 2024-06-02T00:00:00Z)
		|> filter(fn: (r) => r._measurement == %q and r._field == "temperature" and r.hostname == "host_1")
		|> group(columns: ["id"]) |> sort(columns: ["_time"]) |> limit(n: 2)`, s.Bucket, s.Measurement))
	if err != nil {
		return err
	}
	for result.Next() {
		if result.TableChanged() {
			var cols []string
			for _, c := range result.TableMetadata().Columns() {
				cols = append(cols, c.Name()+":"+c.DataType())
			}
			fmt.Fprintf(out, "table %d: %s\n", result.TablePosition(), strings.Join(cols, " "))
		}
		r := result.Record()
		fmt.Fprintf(out, "  %s %v %s=%v (%T) id=%v\n", r.Time().Format(time.RFC3339Nano), r.Measurement() == s.Measurement,
			r.Field(), r.Value(), r.Value(), r.ValueByKey("id"))
	}
	if result.Err() != nil {
		return fmt.Errorf("query parsing error: %w", result.Err())
	}
	result, err = queryAPI.Query(context.Background(), fmt.Sprintf(`from(bucket:%q) |> range(start: 2024-06-01T00:00:00Z, stop: 2024-06-02T00:00:00Z)
		|> filter(fn: (r) => r._measurement == %q) |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
		s.Bucket, s.Measurement+"_blocking"))
	if err != nil {
		return err
	}
	for result.Next() {
		v := result.Record().Values()
		keys := make([]string, 0, len(v))
		for k := range v {
			if !strings.HasPrefix(k, "_st") && k != "_measurement" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v[k]))
		}
		fmt.Fprintln(out, " ", strings.Join(parts, " "))
	}
	return result.Err()
}

// QueryWithParams: parameters as a struct, read as params.<name> in Flux.
func QueryWithParams(out io.Writer, s Server) error {
	client := influxdb2.NewClient(s.URL, s.Token)
	defer client.Close()
	type Parameters struct {
		Bucket string    `json:"bucket"`
		Start  time.Time `json:"start"`
		M      string    `json:"measurement"`
		Value  float64   `json:"value"`
	}
	params := Parameters{s.Bucket, base, s.Measurement, 48}
	result, err := client.QueryAPI(s.Org).QueryWithParams(context.Background(), `from(bucket: params.bucket)
		|> range(start: time(v: params.start))
		|> filter(fn: (r) => r._measurement == params.measurement and r._field == "temperature" and r._value > params.value)
		|> group() |> sort(columns: ["_time"])`, params)
	if err != nil {
		return err
	}
	for result.Next() {
		fmt.Fprintf(out, "%v ", result.Record().Value())
	}
	fmt.Fprintln(out)
	return result.Err()
}

// QueryRaw: the annotated CSV text, and a Flux error in a raw query.
func QueryRaw(out io.Writer, s Server) error {
	client := influxdb2.NewClient(s.URL, s.Token)
	defer client.Close()
	queryAPI := client.QueryAPI(s.Org)
	result, err := queryAPI.QueryRaw(context.Background(), fmt.Sprintf(`from(bucket:%q) |> range(start: 2024-06-01T00:00:00Z, stop: 2024-06-02T00:00:00Z)
		|> filter(fn: (r) => r._measurement == %q and r.id == "rack_y") |> keep(columns: ["_time", "_value", "id"])`,
		s.Bucket, s.Measurement), api.DefaultDialect())
	if err != nil {
		return err
	}
	fmt.Fprint(out, strings.ReplaceAll(result, "\r\n", "\n"))
	_, err = queryAPI.QueryRaw(context.Background(), `from(bucket: "x") |> nosuchfunction()`, nil)
	fmt.Fprintf(out, "compile error: %v\n", err != nil && strings.Contains(err.Error(), "nosuchfunction"))
	return nil
}

// Management: health, ping, ready, organizations, buckets, delete.
func Management(out io.Writer, s Server) error {
	client := influxdb2.NewClient(s.URL, s.Token)
	defer client.Close()
	ctx := context.Background()
	h, err := client.Health(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "health: %s\n", h.Status)
	ok, err := client.Ping(ctx)
	fmt.Fprintf(out, "ping: %v %v\n", ok, err)
	r, err := client.Ready(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "ready: %s\n", *r.Status)
	org, err := client.OrganizationsAPI().FindOrganizationByName(ctx, s.Org)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "org: %s\n", org.Name)
	bucketsAPI := client.BucketsAPI()
	name := s.Measurement + "_bucket"
	b, err := bucketsAPI.CreateBucketWithName(ctx, org, name, domain.RetentionRule{EverySeconds: 3600 * 24})
	if err != nil {
		return err
	}
	found, err := bucketsAPI.FindBucketByName(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bucket: same id %v, retention %ds\n", *found.Id == *b.Id, found.RetentionRules[0].EverySeconds)
	if err := bucketsAPI.DeleteBucket(ctx, b); err != nil {
		return err
	}
	_, err = bucketsAPI.FindBucketByName(ctx, name)
	fmt.Fprintf(out, "deleted bucket found: %v\n", err == nil)
	err = client.DeleteAPI().DeleteWithName(ctx, s.Org, s.Bucket, base, base.Add(time.Minute), fmt.Sprintf(`_measurement="%s"`, s.Measurement+"_blocking"))
	fmt.Fprintf(out, "delete: %v\n", err)
	res, err := client.QueryAPI(s.Org).Query(ctx, fmt.Sprintf(`from(bucket:%q) |> range(start: 2024-06-01T00:00:00Z, stop: 2024-06-02T00:00:00Z)
		|> filter(fn: (r) => r._measurement == %q and r._field == "avg") |> count()`, s.Bucket, s.Measurement+"_blocking"))
	if err != nil {
		return err
	}
	for res.Next() {
		fmt.Fprintf(out, "left after delete: %v\n", res.Record().Value())
	}
	return res.Err()
}
