// Package influxdb2 is the drop-in counterpart of github.com/influxdata/influxdb-client-go/v2
// over the C library influxdb-client-c: change the two import lines (".../v2" and
// ".../v2/api") to "influxdb-client-c/go/influxdb2" and "influxdb-client-c/go/api"; keep
// api/write, domain and the rest. bindings/go/README.md lists what differs.
package influxdb2

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"
	"github.com/influxdata/influxdb-client-go/v2/domain"
	"github.com/influxdata/influxdb-client-go/v2/log"

	"influxdb-client-c/go/api"
	"influxdb-client-c/go/influx"
	"influxdb-client-c/go/internal/conf"
)

// Client is upstream's client interface without the parts that need net/http or the
// generated REST client (Setup, HTTPService, APIClient, Authorizations/Users/Labels/Tasks
// APIs): code using those does not compile, rather than misbehave.
type Client interface {
	// Ready checks that the server is ready.
	Ready(ctx context.Context) (*domain.Ready, error)
	// Health returns the server's health.
	Health(ctx context.Context) (*domain.HealthCheck, error)
	// Ping tells whether the server answers /ping.
	Ping(ctx context.Context) (bool, error)
	// Close closes every write API (each bounded by max_close_wait) and the client.
	Close()
	// Options returns the options the client was made with.
	Options() *Options
	// ServerURL returns the server's URL.
	ServerURL() string
	// WriteAPI returns the non-blocking write API of (org, bucket), one per pair.
	WriteAPI(org, bucket string) api.WriteAPI
	// WriteAPIBlocking returns the blocking write API of (org, bucket), one per pair.
	WriteAPIBlocking(org, bucket string) api.WriteAPIBlocking
	// QueryAPI returns the query API of org (a name or an ID).
	QueryAPI(org string) api.QueryAPI
	// OrganizationsAPI manages organizations.
	OrganizationsAPI() api.OrganizationsAPI
	// DeleteAPI deletes points.
	DeleteAPI() api.DeleteAPI
	// BucketsAPI manages buckets.
	BucketsAPI() api.BucketsAPI
}

type clientImpl struct {
	serverURL string
	options   *Options
	c         *influx.Client
	initErr   error
	wcfg      *conf.Write

	mu        sync.Mutex
	writeAPIs map[string]*api.WriteAPIImpl
	blocking  map[string]api.WriteAPIBlocking
	closers   []func()
}

// NewClient creates a client with DefaultOptions.
func NewClient(serverURL string, authToken string) Client {
	return NewClientWithOptions(serverURL, authToken, DefaultOptions())
}

var clientKeys = map[string]bool{"url": true, "token": true, "org": true, "timeout": true,
	"enable_gzip": true, "verify_ssl": true, "ssl_ca_cert": true, "cert_file": true,
	"cert_key_file": true, "cert_key_password": true, "proxy": true,
	"connection_pool_maxsize": true, "auth_basic": true}

// NewClientWithOptions creates a client. Like upstream it does not fail: a configuration
// error is logged and returned by every later call (write errors go to Errors()).
func NewClientWithOptions(serverURL string, authToken string, options *Options) Client {
	if options == nil {
		options = DefaultOptions()
	}
	if log.Log != nil {
		log.Log.SetLogLevel(options.LogLevel())
	}
	serverURL = strings.TrimSuffix(serverURL, "/")
	cs, warns := options.clientSettings(serverURL, authToken)
	ws := options.writeSettings()
	for _, s := range options.extra {
		if clientKeys[s.Key] {
			cs = append(cs, s)
		} else {
			ws = append(ws, s)
		}
	}
	for _, w := range warns {
		if log.Log != nil {
			log.Log.Warn(w)
		}
	}
	prec, ok := influx.PrecisionOf(options.Precision())
	cl := &clientImpl{serverURL: serverURL, options: options,
		writeAPIs: map[string]*api.WriteAPIImpl{}, blocking: map[string]api.WriteAPIBlocking{}}
	if !ok {
		cl.initErr = errors.New("precision must be time.Nanosecond, Microsecond, Millisecond or Second")
	}
	cl.wcfg = &conf.Write{Settings: ws, Precision: prec, DefaultTags: options.WriteOptions().DefaultTags(),
		BatchSize: int(options.BatchSize())}
	if cl.initErr == nil {
		cl.c, cl.initErr = influx.NewClient(cs...)
	}
	if cl.initErr == nil {
		cl.initErr = influx.CheckSettings(ws)
	}
	if cl.initErr != nil && log.Log != nil {
		log.Log.Errorf("influxdb2 client: %s", cl.initErr.Error())
	}
	return cl
}

func (c *clientImpl) Options() *Options { return c.options }
func (c *clientImpl) ServerURL() string { return c.serverURL }

func (c *clientImpl) Ready(ctx context.Context) (*domain.Ready, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	r, err := c.c.Ready()
	if err != nil {
		return nil, mgmtErr(err)
	}
	st := domain.ReadyStatus(r.Status)
	out := &domain.Ready{Status: &st, Up: &r.Up}
	if t, err := time.Parse(time.RFC3339Nano, r.Started); err == nil {
		out.Started = &t
	}
	return out, nil
}

func (c *clientImpl) Health(ctx context.Context) (*domain.HealthCheck, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	h, err := c.c.Health()
	out := &domain.HealthCheck{Name: h.Name, Status: domain.HealthCheckStatus(h.Status)}
	if h.Message != "" {
		out.Message = &h.Message
	}
	if h.Version != "" {
		out.Version = &h.Version
	}
	if h.Commit != "" {
		out.Commit = &h.Commit
	}
	if err != nil {
		var e *influx.Error
		if errors.As(err, &e) && e.Code == influx.HTTPError && e.HTTPStatus == 503 {
			return out, nil // upstream returns the failing health check of a 503 as a result
		}
		return nil, mgmtErr(err)
	}
	return out, nil
}

func (c *clientImpl) Ping(ctx context.Context) (bool, error) {
	if err := c.check(ctx); err != nil {
		return false, err
	}
	if _, err := c.c.Ping(); err != nil {
		return false, mgmtErr(err)
	}
	return true, nil
}

func (c *clientImpl) check(ctx context.Context) error {
	if c.initErr != nil {
		return c.initErr
	}
	if ctx != nil {
		return ctx.Err()
	}
	return nil
}

func key(org, bucket string) string { return org + "\t" + bucket }

func (c *clientImpl) WriteAPI(org, bucket string) api.WriteAPI {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.writeAPIs[key(org, bucket)]; ok {
		return w
	}
	if c.initErr != nil {
		return &failedWriteAPI{err: c.initErr}
	}
	w, err := api.NewWriteAPIWithClient(c.c, org, bucket, c.wcfg)
	if err != nil {
		if log.Log != nil {
			log.Log.Errorf("write API: %s", err.Error())
		}
		return &failedWriteAPI{err: err}
	}
	if c.options.reportData {
		w.SetReportData(true)
	}
	c.writeAPIs[key(org, bucket)] = w
	return w
}

func (c *clientImpl) WriteAPIBlocking(org, bucket string) api.WriteAPIBlocking {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.blocking[key(org, bucket)]; ok {
		return w
	}
	if c.initErr != nil {
		return &failedBlocking{err: c.initErr}
	}
	w, closeFn, err := api.NewWriteAPIBlockingWithClient(c.c, org, bucket, c.wcfg)
	if err != nil {
		return &failedBlocking{err: err}
	}
	c.blocking[key(org, bucket)] = w
	c.closers = append(c.closers, closeFn)
	return w
}

// Close closes every write API (delivering what is pending within max_close_wait) and the
// client. Idempotent; safe to call concurrently.
func (c *clientImpl) Close() {
	c.mu.Lock()
	apis := c.writeAPIs
	closers := c.closers
	c.writeAPIs = map[string]*api.WriteAPIImpl{}
	c.blocking = map[string]api.WriteAPIBlocking{}
	c.closers = nil
	c.mu.Unlock()
	for _, w := range apis {
		w.Close()
	}
	for _, f := range closers {
		f()
	}
	if c.c != nil {
		c.c.Close()
	}
}

func (c *clientImpl) QueryAPI(org string) api.QueryAPI {
	if c.initErr != nil {
		return failedQueryAPI{c.initErr}
	}
	return api.NewQueryAPIWithClient(c.c, org)
}

// failedQueryAPI stands for the query API of a client that could not be made.
type failedQueryAPI struct{ err error }

func (f failedQueryAPI) QueryRaw(context.Context, string, *domain.Dialect) (string, error) {
	return "", f.err
}
func (f failedQueryAPI) QueryRawWithParams(context.Context, string, *domain.Dialect, interface{}) (string, error) {
	return "", f.err
}
func (f failedQueryAPI) Query(context.Context, string) (*api.QueryTableResult, error) {
	return nil, f.err
}
func (f failedQueryAPI) QueryWithParams(context.Context, string, interface{}) (*api.QueryTableResult, error) {
	return nil, f.err
}

func (c *clientImpl) OrganizationsAPI() api.OrganizationsAPI {
	return api.NewOrganizationsAPIWithClient(c.c)
}

func (c *clientImpl) DeleteAPI() api.DeleteAPI { return api.NewDeleteAPIWithClient(c.c) }

func (c *clientImpl) BucketsAPI() api.BucketsAPI { return api.NewBucketsAPIWithClient(c.c) }

func mgmtErr(err error) error { return api.ManagementError(err) }

// NewPoint is upstream's constructor (the same *write.Point).
func NewPoint(measurement string, tags map[string]string, fields map[string]interface{}, ts time.Time) *write.Point {
	return write.NewPoint(measurement, tags, fields, ts)
}

// NewPointWithMeasurement is upstream's constructor (the same *write.Point).
func NewPointWithMeasurement(measurement string) *write.Point {
	return write.NewPointWithMeasurement(measurement)
}

// failedWriteAPI stands for a write API that could not be made: every write reports err.
type failedWriteAPI struct {
	err  error
	once sync.Once
	ch   chan error
}

func (f *failedWriteAPI) errs() chan error {
	f.once.Do(func() { f.ch = make(chan error, 1) })
	return f.ch
}
func (f *failedWriteAPI) report() {
	select {
	case f.errs() <- f.err:
	default:
	}
	if log.Log != nil {
		log.Log.Errorf("write: %s", f.err.Error())
	}
}
func (f *failedWriteAPI) WriteRecord(string)                             { f.report() }
func (f *failedWriteAPI) WritePoint(*write.Point)                        { f.report() }
func (f *failedWriteAPI) Flush()                                         {}
func (f *failedWriteAPI) Errors() <-chan error                           { return f.errs() }
func (f *failedWriteAPI) SetWriteFailedCallback(api.WriteFailedCallback) {}

type failedBlocking struct{ err error }

func (f *failedBlocking) WriteRecord(context.Context, ...string) error      { return f.err }
func (f *failedBlocking) WritePoint(context.Context, ...*write.Point) error { return f.err }
func (f *failedBlocking) EnableBatching()                                   {}
func (f *failedBlocking) Flush(context.Context) error                       { return f.err }
