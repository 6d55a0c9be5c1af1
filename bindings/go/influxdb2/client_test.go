package influxdb2_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"influxdb-client-c/go/api"
	"influxdb-client-c/go/influx"
	influxdb2 "influxdb-client-c/go/influxdb2"
	"influxdb-client-c/go/internal/testutil"
)

// mockWriteAPI is what users' mocks look like: it must still satisfy api.WriteAPI.
type mockWriteAPI struct{ n int }

func (m *mockWriteAPI) WriteRecord(string)                                { m.n++ }
func (m *mockWriteAPI) WritePoint(*write.Point)                           { m.n++ }
func (m *mockWriteAPI) Flush()                                            {}
func (m *mockWriteAPI) Errors() <-chan error                              { return nil }
func (m *mockWriteAPI) SetWriteFailedCallback(cb api.WriteFailedCallback) {}

var _ api.WriteAPI = (*mockWriteAPI)(nil)

func stdPoint(m string, i int) *write.Point {
	return influxdb2.NewPointWithMeasurement(m).
		AddTag("host", "server-"+itoa(i%100)).
		AddTag("region", "us-west-"+itoa(i%4)).
		AddField("usage_user", float64(i)*0.37).
		AddField("usage_system", float64(i)*0.11).
		AddField("count", i).
		AddField("ok", i%2 == 0).
		SetTime(time.Unix(0, 1700000000000000000+int64(i)*1000))
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Replace(time.Duration(i).String(), "ns", "", 1))
}

func TestMillionPointsFourGoroutinesWriteAPI(t *testing.T) {
	srv := testutil.Real(t)
	const n, writers = 1_000_000, 4
	if testing.Short() {
		t.Skip("short")
	}
	m := testutil.Measurement("go_async")
	c := influxdb2.NewClientWithOptions(srv.URL, srv.Token, influxdb2.DefaultOptions().SetBatchSize(5000))
	defer c.Close()
	w := c.WriteAPI(srv.Org, srv.Bucket)
	reports := w.(api.WriteAPIExt).DeliveryReports()
	var delivered, failed atomic.Int64
	done := make(chan struct{})
	go func() {
		for r := range reports {
			if r.Err != nil {
				failed.Add(int64(r.Lines))
				t.Errorf("batch failed: %v", r.Err)
			} else {
				delivered.Add(int64(r.Lines))
			}
		}
		close(done)
	}()
	var wg sync.WaitGroup
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < n; i += writers {
				w.WritePoint(stdPoint(m, i))
			}
		}(g)
	}
	wg.Wait()
	w.Flush()
	c.Close()
	<-done
	if delivered.Load() != n || failed.Load() != 0 {
		t.Fatalf("delivered %d failed %d, want %d", delivered.Load(), failed.Load(), n)
	}
	if got := srv.Count(t, m, "count"); got != n {
		t.Fatalf("Flux count %d, want %d", got, n)
	}
}

func TestMillionPointsBlockingBatching(t *testing.T) {
	srv := testutil.Real(t)
	if testing.Short() {
		t.Skip("short")
	}
	const n = 1_000_000
	m := testutil.Measurement("go_blocking")
	c := influxdb2.NewClientWithOptions(srv.URL, srv.Token, influxdb2.DefaultOptions().SetBatchSize(5000))
	defer c.Close()
	w := c.WriteAPIBlocking(srv.Org, srv.Bucket)
	w.EnableBatching()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		if err := w.WritePoint(ctx, stdPoint(m, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.Count(t, m, "count"); got != n {
		t.Fatalf("Flux count %d, want %d", got, n)
	}
}

func TestBlockingErrorsAreUpstreamHTTPErrors(t *testing.T) {
	srv := testutil.Real(t)
	c := influxdb2.NewClient(srv.URL, "wrong-token")
	defer c.Close()
	err := c.WriteAPIBlocking(srv.Org, srv.Bucket).WriteRecord(context.Background(), "m f=1")
	var he interface{ Error() string }
	if err == nil {
		t.Fatal("want 401")
	}
	he = err
	if !strings.Contains(he.Error(), "nauthorized") && !strings.Contains(he.Error(), "401") {
		t.Fatalf("error %q", err)
	}
	var ie *influx.Error
	if !errors.As(err, &ie) || ie.HTTPStatus != 401 {
		t.Fatalf("want *influx.Error with 401 inside, got %#v", err)
	}
}

// The server is down: every point is reported failed exactly once, through Errors() and
// DeliveryReports(), and nothing blocks.
func TestServerDownEveryPointReportedOnce(t *testing.T) {
	const n = 20_000
	c := influxdb2.NewClientWithOptions(testutil.ClosedURL(), "t",
		influxdb2.DefaultOptions().SetBatchSize(1000).SetMaxRetries(1).SetRetryInterval(10).SetMaxRetryInterval(20).
			SetHTTPRequestTimeout(2))
	w := c.WriteAPI("org", "bucket").(*api.WriteAPIImpl)
	errs := w.Errors()
	reports := w.DeliveryReports()
	var failedLines, errCount atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for r := range reports {
			if r.Err == nil {
				t.Error("a batch was delivered to a closed port")
			}
			failedLines.Add(int64(r.Lines))
		}
	}()
	go func() {
		defer wg.Done()
		for range errs {
			errCount.Add(1)
		}
	}()
	for i := 0; i < n; i++ {
		w.WritePoint(stdPoint("down", i))
	}
	if err := w.FlushContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	wg.Wait()
	if failedLines.Load() != n {
		t.Fatalf("failed lines reported %d, want %d", failedLines.Load(), n)
	}
	if errCount.Load() != n/1000 {
		t.Fatalf("errors %d, want one per batch (%d)", errCount.Load(), n/1000)
	}
	st := w.Stats()
	_ = st
}

// #384: Errors() taken but never read, invalid points and failing batches: writes never block.
func TestErrorsNeverReadNothingBlocks(t *testing.T) {
	sink := testutil.NewSink(false)
	defer sink.Close()
	sink.Status.Store(400)
	c := influxdb2.NewClientWithOptions(sink.URL, "t", influxdb2.DefaultOptions().SetBatchSize(10).SetFlushInterval(10))
	defer c.Close()
	w := c.WriteAPI("org", "bucket")
	_ = w.Errors() // taken, never read
	done := make(chan struct{})
	go func() {
		for i := 0; i < 5000; i++ {
			w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", math.NaN())) // invalid: nothing to write
			w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", i))          // fails with 400
		}
		w.Flush()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("writes blocked with Errors() unread (#384)")
	}
	if d := w.(*api.WriteAPIImpl).Stats().ErrorsDropped; d == 0 {
		t.Fatalf("expected dropped (logged) errors, got %d", d)
	}
}

// #318: Close after failed writes returns within max_close_wait.
func TestCloseAfterFailedWritesIsBounded(t *testing.T) {
	sink := testutil.NewSink(false)
	defer sink.Close()
	sink.Status.Store(503)
	c := influxdb2.NewClientWithOptions(sink.URL, "t",
		influxdb2.DefaultOptions().SetBatchSize(100).SetRetryInterval(5000).SetMaxCloseWait(1000))
	w := c.WriteAPI("org", "bucket").(*api.WriteAPIImpl)
	reports := w.DeliveryReports()
	var lines atomic.Int64
	go func() {
		for r := range reports {
			lines.Add(int64(r.Lines))
		}
	}()
	for i := 0; i < 1000; i++ {
		w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", i))
	}
	time.Sleep(200 * time.Millisecond)
	t0 := time.Now()
	c.Close()
	if d := time.Since(t0); d > 5*time.Second {
		t.Fatalf("Close took %v with max_close_wait=1s (#318)", d)
	}
	time.Sleep(50 * time.Millisecond)
	if lines.Load() != 1000 {
		t.Fatalf("reported %d lines, want 1000 (undelivered reported failed)", lines.Load())
	}
}

// #316, #317, #405: Flush twice, concurrent Close, writes after Close: no panic.
func TestFlushTwiceConcurrentCloseWriteAfterClose(t *testing.T) {
	sink := testutil.NewSink(false)
	defer sink.Close()
	c := influxdb2.NewClient(sink.URL, "t")
	w := c.WriteAPI("org", "bucket")
	errs := w.Errors()
	go func() {
		for range errs {
		}
	}()
	for i := 0; i < 100; i++ {
		w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", i))
	}
	w.Flush()
	w.Flush()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); c.Close() }()
		go func() { defer wg.Done(); w.(*api.WriteAPIImpl).Close() }()
	}
	wg.Wait()
	w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", 1)) // #405: no panic
	w.Flush()
	if err := w.(api.WriteAPIExt).TryWritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", 1)); !errors.Is(err, influx.ErrClosed) {
		t.Fatalf("TryWritePoint after Close: %v, want ErrClosed", err)
	}
	if got := sink.Lines.Load(); got != 100 {
		t.Fatalf("sink got %d lines, want 100", got)
	}
}

// Default tags: the point's own tag wins (upstream's rule), applied in Go.
func TestDefaultTagsPointWins(t *testing.T) {
	sink := testutil.NewSink(true)
	defer sink.Close()
	c := influxdb2.NewClientWithOptions(sink.URL, "t", influxdb2.DefaultOptions().AddDefaultTag("host", "dflt").AddDefaultTag("dc", "eu"))
	w := c.WriteAPIBlocking("org", "bucket")
	err := w.WritePoint(context.Background(),
		influxdb2.NewPoint("m", map[string]string{"host": "own"}, map[string]interface{}{"f": 1.5, "i": 3, "u": uint(4), "s": "x", "b": true}, time.Unix(0, 42)))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	want := `m,dc=eu,host=own b=true,f=1.5,i=3i,s="x",u=4u 42`
	if got := sink.Body(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestTryWritePointBufferFullAndInvalid(t *testing.T) {
	sink := testutil.NewSink(false)
	defer sink.Close()
	sink.Delay.Store(int64(2 * time.Second))
	c := influxdb2.NewClientWithOptions(sink.URL, "t", influxdb2.DefaultOptions().SetBatchSize(10).
		SetBufferLimits(20, 1<<20, "reject").SetMaxCloseWait(100))
	defer c.Close()
	w := c.WriteAPI("org", "bucket").(api.WriteAPIExt)
	var full error
	for i := 0; i < 100 && full == nil; i++ {
		full = w.TryWritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", i))
	}
	if !errors.Is(full, influx.ErrBufferFull) {
		t.Fatalf("want ErrBufferFull, got %v", full)
	}
	if err := w.TryWritePoint(influxdb2.NewPointWithMeasurement("m")); !errors.Is(err, influx.ErrInvalidPoint) {
		t.Fatalf("point without fields: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if err := w.FlushContext(ctx); !errors.Is(err, influx.ErrTimedOut) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("FlushContext: %v", err)
	}
}

func TestWriteFailedCallback(t *testing.T) {
	sink := testutil.NewSink(false)
	defer sink.Close()
	sink.Status.Store(500)
	c := influxdb2.NewClientWithOptions(sink.URL, "t", influxdb2.DefaultOptions().SetBatchSize(5).SetMaxRetries(2).SetRetryInterval(10).SetMaxRetryInterval(20))
	w := c.WriteAPI("org", "bucket")
	var mu sync.Mutex
	var calls []uint
	var batch string
	w.SetWriteFailedCallback(func(b string, e http2Error, attempts uint) bool {
		mu.Lock()
		calls = append(calls, attempts)
		batch = b
		if e.StatusCode != 500 {
			t.Errorf("status %d", e.StatusCode)
		}
		mu.Unlock()
		return true
	})
	for i := 0; i < 5; i++ {
		w.WritePoint(influxdb2.NewPointWithMeasurement("m").AddField("f", i).SetTime(time.Unix(0, int64(i))))
	}
	w.Flush()
	c.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 || calls[0] != 0 || calls[2] != 2 {
		t.Fatalf("callback attempts %v, want [0 1 2]", calls)
	}
	if !strings.HasPrefix(batch, "m f=0i 0\n") {
		t.Fatalf("batch %q", batch)
	}
}

func TestManagement(t *testing.T) {
	srv := testutil.Real(t)
	c := influxdb2.NewClient(srv.URL, srv.Token)
	defer c.Close()
	ctx := context.Background()
	if ok, err := c.Ping(ctx); !ok || err != nil {
		t.Fatalf("ping %v %v", ok, err)
	}
	h, err := c.Health(ctx)
	if err != nil || h.Status != "pass" {
		t.Fatalf("health %+v %v", h, err)
	}
	r, err := c.Ready(ctx)
	if err != nil || r.Status == nil || *r.Status != "ready" {
		t.Fatalf("ready %+v %v", r, err)
	}
	org, err := c.OrganizationsAPI().FindOrganizationByName(ctx, srv.Org)
	if err != nil || org.Name != srv.Org || org.Id == nil {
		t.Fatalf("org %+v %v", org, err)
	}
	name := testutil.Measurement("go_bucket")
	b, err := c.BucketsAPI().CreateBucketWithName(ctx, org, name, domainRule(3600))
	if err != nil || b.Name != name || len(b.RetentionRules) != 1 || b.RetentionRules[0].EverySeconds != 3600 {
		t.Fatalf("create %+v %v", b, err)
	}
	f, err := c.BucketsAPI().FindBucketByName(ctx, name)
	if err != nil || *f.Id != *b.Id {
		t.Fatalf("find %+v %v", f, err)
	}
	list, err := c.BucketsAPI().FindBucketsByOrgName(ctx, srv.Org)
	if err != nil || len(*list) < 2 {
		t.Fatalf("list %v %v", list, err)
	}
	// write, delete, count
	w := c.WriteAPIBlocking(srv.Org, name)
	now := time.Now().Add(-time.Minute).UnixNano()
	ts := strconv.FormatInt(now, 10)
	if err := w.WriteRecord(ctx, "dm,host=a f=1 "+ts, "dm,host=b f=2 "+ts); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAPI().DeleteWithName(ctx, srv.Org, name, time.Unix(0, now-int64(time.Hour)), time.Unix(0, now+1), `host="a"`); err != nil {
		t.Fatal(err)
	}
	got := testutil.Server{URL: srv.URL, Token: srv.Token, Org: srv.Org, Bucket: name}.Count(t, "dm", "f")
	if got != 1 {
		t.Fatalf("after delete %d points, want 1", got)
	}
	if err := c.BucketsAPI().DeleteBucket(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := c.BucketsAPI().FindBucketByName(ctx, name); err == nil {
		t.Fatal("bucket still there")
	}
	if err := c.BucketsAPI().DeleteBucketWithID(ctx, *b.Id); err == nil {
		t.Fatal("second delete succeeded")
	}
}
