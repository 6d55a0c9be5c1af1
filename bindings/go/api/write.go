// Package api is the drop-in counterpart of github.com/influxdata/influxdb-client-go/v2/api
// over the C library: the same interfaces and callback types, with upstream's own
// *write.Point, domain and http.Error types. See bindings/go/README.md for what differs.
package api

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/api/write"
	"github.com/influxdata/influxdb-client-go/v2/log"
	lp "github.com/influxdata/line-protocol"

	"influxdb-client-c/go/influx"
	"influxdb-client-c/go/internal/conf"
)

// WriteFailedCallback is called for every failed attempt of a batch, as upstream: with the
// batch's line protocol, the error and the number of retries done before. Its return value
// cannot veto a retry here (the C retry callback has no result): it is ignored.
type WriteFailedCallback func(batch string, error http2.Error, retryAttempts uint) bool

// WriteAPI is the non-blocking write API (upstream's interface, unchanged).
type WriteAPI interface {
	// WriteRecord writes a line of line protocol asynchronously.
	WriteRecord(line string)
	// WritePoint writes a point asynchronously.
	WritePoint(point *write.Point)
	// Flush waits until every earlier write is delivered or reported failed.
	Flush()
	// Errors returns a channel of asynchronous write errors (never blocks the writer).
	Errors() <-chan error
	// SetWriteFailedCallback sets the callback called for every failed attempt.
	SetWriteFailedCallback(cb WriteFailedCallback)
}

// WriteAPIExt is what *WriteAPIImpl offers beyond upstream's WriteAPI (reach it with a type
// assertion: writeAPI.(api.WriteAPIExt)).
type WriteAPIExt interface {
	WriteAPI
	// FlushContext returns when every earlier point is reported, or with an error wrapping
	// ctx's when ctx ends first (the data stays queued).
	FlushContext(ctx context.Context) error
	// CloseContext delivers what is pending within min(ctx, max_close_wait); the rest is
	// reported failed. No callback or report follows its return.
	CloseContext(ctx context.Context) error
	// TryWritePoint returns at once with an error (influx.ErrBufferFull, influx.ErrClosed,
	// influx.ErrInvalidPoint, ...) instead of waiting or reporting through Errors().
	TryWritePoint(p *write.Point) error
	// DeliveryReports enables and returns the lossless report channel: one report per
	// batch (delivered or failed). Once called it must be drained (writers wait otherwise).
	DeliveryReports() <-chan DeliveryReport
	// Stats returns the write API's counters.
	Stats() WriteStats
}

// DeliveryReport is the outcome of one batch.
type DeliveryReport struct {
	Bucket, Org string
	Lines       int
	Attempts    int
	// Err is nil when the server acknowledged the batch; else an *http.Error whose Err is
	// the *influx.Error (errors.Is(err, influx.ErrRetriesExhausted), ...).
	Err error
	// Data is the batch's line protocol, only after SetReportData(true).
	Data string
}

// WriteStats are the counters of a write API, in lines (Retries: requests).
type WriteStats struct {
	Accepted, Written, Failed, Dropped, Retries, BufferedLines, BufferedBytes uint64
	// ErrorsDropped counts errors that found the Errors() channel full (they were logged).
	ErrorsDropped uint64
}

const errorsCap = 1024
const reportsCap = 256

// WriteAPIImpl is the non-blocking write API over the C library's batching write API.
type WriteAPIImpl struct {
	w       *influx.WriteAPI
	t       influx.Target
	org     string
	bucket  string
	prec    influx.Precision
	defTags []lp.Tag
	packers sync.Pool

	errMu      sync.RWMutex // sends vs close of the channels
	errCh      chan error
	errRead    atomic.Bool
	errDropped atomic.Uint64
	reports    chan DeliveryReport
	reportsOn  atomic.Bool
	cb         atomic.Pointer[WriteFailedCallback]
	dataOn     atomic.Bool
	chClosed   bool
	closeOnce  sync.Once
	closeErr   error
}

var _ WriteAPIExt = (*WriteAPIImpl)(nil)

func sortedTags(m map[string]string) []lp.Tag {
	tags := make([]lp.Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, lp.Tag{Key: k, Value: v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags
}

// NewWriteAPIWithClient makes the write API of (org, bucket) on c; for package influxdb2.
func NewWriteAPIWithClient(c *influx.Client, org, bucket string, cfg *conf.Write) (*WriteAPIImpl, error) {
	a := &WriteAPIImpl{
		org: org, bucket: bucket, prec: cfg.Precision, defTags: sortedTags(cfg.DefaultTags),
		errCh:   make(chan error, errorsCap),
		reports: make(chan DeliveryReport, reportsCap),
	}
	a.packers.New = func() any { return new(influx.Packer) }
	w, err := c.NewWriteAPI(cfg.Settings, cfg.Precision, a.handle)
	if err != nil {
		return nil, err
	}
	a.w = w
	a.t = w.Target(bucket, org)
	return a, nil
}

// httpError wraps a library error as upstream's *http.Error.
func httpError(e *influx.Error) *http2.Error {
	msg := e.ServerMessage
	if msg == "" {
		msg = e.Message
	}
	return &http2.Error{StatusCode: e.HTTPStatus, Code: codeOf(e), Message: msg, Err: e}
}

func codeOf(e *influx.Error) string {
	switch e.HTTPStatus {
	case 400:
		return "invalid"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "not found"
	case 413:
		return "request too large"
	case 422:
		return "unprocessable entity"
	case 429:
		return "too many requests"
	}
	if e.HTTPStatus >= 500 {
		return "internal error"
	}
	return ""
}

// handle runs on the write API's dispatcher goroutine, never on a C thread.
func (a *WriteAPIImpl) handle(r *influx.Report) {
	if r.Kind == influx.Delivered {
		if a.reportsOn.Load() {
			a.report(DeliveryReport{Bucket: r.Bucket, Org: r.Org, Lines: r.Lines, Attempts: r.Attempts, Data: r.Data})
		}
		return
	}
	he := httpError(r.Err)
	if cb := a.cb.Load(); cb != nil {
		attempts := r.Attempts
		if r.Kind == influx.Retrying {
			attempts = r.Retry
		}
		if attempts > 0 {
			attempts--
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					logErrorf("write failed callback panicked: %v", p)
				}
			}()
			(*cb)(r.Data, *he, uint(attempts))
		}()
	}
	if r.Kind == influx.Retrying {
		return
	}
	a.sendError(he)
	if a.reportsOn.Load() {
		a.report(DeliveryReport{Bucket: r.Bucket, Org: r.Org, Lines: r.Lines, Attempts: r.Attempts, Err: he, Data: r.Data})
	}
}

func (a *WriteAPIImpl) report(d DeliveryReport) {
	a.errMu.RLock()
	defer a.errMu.RUnlock()
	if !a.chClosed {
		a.reports <- d // lossless: the dispatcher waits for the reader, writers wait on the bound
	}
}

// sendError hands err to Errors() without ever blocking; without a reader (or with a full
// channel) it is logged, as upstream logs errors nobody reads.
func (a *WriteAPIImpl) sendError(err error) {
	if a.errRead.Load() {
		a.errMu.RLock()
		if !a.chClosed {
			select {
			case a.errCh <- err:
				a.errMu.RUnlock()
				return
			default:
			}
		}
		a.errMu.RUnlock()
		a.errDropped.Add(1)
	}
	logErrorf("write error: %s", err.Error())
}

// logErrorf logs through upstream's log package (log.Log = nil silences it).
func logErrorf(format string, args ...any) {
	if log.Log != nil {
		log.Log.Errorf(format, args...)
	}
}

// SetWriteFailedCallback sets the callback for failed attempts (see WriteFailedCallback).
func (a *WriteAPIImpl) SetWriteFailedCallback(cb WriteFailedCallback) {
	a.w.SetReportData(a.dataOn.Load(), cb != nil || a.dataOn.Load())
	if cb == nil {
		a.cb.Store(nil)
		return
	}
	a.cb.Store(&cb)
}

// SetReportData makes delivery reports carry their batch's line protocol.
func (a *WriteAPIImpl) SetReportData(on bool) {
	a.dataOn.Store(on)
	a.w.SetReportData(on, on || a.cb.Load() != nil)
}

// Errors returns the channel of write errors. Unlike upstream it is never sent to with a
// blocking send: an error that finds it full (1024 waiting) is logged and counted
// (Stats().ErrorsDropped). It is closed by Close. Use DeliveryReports for a lossless record.
func (a *WriteAPIImpl) Errors() <-chan error {
	a.errRead.Store(true)
	return a.errCh
}

// DeliveryReports enables the lossless report channel (see WriteAPIExt).
func (a *WriteAPIImpl) DeliveryReports() <-chan DeliveryReport {
	if !a.reportsOn.Swap(true) {
		a.w.SetReportBound(4096)
	}
	return a.reports
}

func (a *WriteAPIImpl) pack(p *write.Point) *influx.Packer {
	pk := a.packers.Get().(*influx.Packer)
	pk.Reset()
	packPoint(pk, p, a.defTags, a.prec)
	return pk
}

// packPoint packs an upstream point; default tags are added unless the point has the key.
func packPoint(pk *influx.Packer, p *write.Point, defTags []lp.Tag, prec influx.Precision) {
	pk.Begin(p.Name())
	tags := p.TagList()
	for _, t := range tags {
		pk.Tag(t.Key, t.Value)
	}
	for i := range defTags {
		d := &defTags[i]
		found := false
		for _, t := range tags {
			if t.Key == d.Key {
				found = true
				break
			}
		}
		if !found {
			pk.Tag(d.Key, d.Value)
		}
	}
	pk.Fields()
	for _, f := range p.FieldList() {
		switch v := f.Value.(type) {
		case float64:
			pk.Float(f.Key, v)
		case int64:
			pk.Int(f.Key, v)
		case uint64:
			pk.Uint(f.Key, v)
		case bool:
			pk.Bool(f.Key, v)
		case string:
			pk.String(f.Key, v)
		default:
			// AddField converts every value; a field set otherwise is written as text.
			pk.String(f.Key, fmt.Sprint(v))
		}
	}
	pk.End(p.Time(), prec)
}

// WritePoint writes p asynchronously. Errors (invalid point, full buffer after
// buffer_full_timeout, closed) go to Errors() / the log, never to a blocked sender.
func (a *WriteAPIImpl) WritePoint(p *write.Point) {
	if err := a.writePoint(p, false); err != nil {
		a.sendError(err)
	}
}

// TryWritePoint writes p or returns why not, at once (buffer full under any policy).
func (a *WriteAPIImpl) TryWritePoint(p *write.Point) error { return a.writePoint(p, true) }

func (a *WriteAPIImpl) writePoint(p *write.Point, try bool) error {
	if p == nil {
		return influx.ErrInvalidPoint
	}
	pk := a.pack(p)
	err := a.w.WritePacked(a.t, pk, try)
	a.packers.Put(pk)
	return err
}

// WriteRecord writes one line (or several, '\n'-separated) of line protocol asynchronously.
func (a *WriteAPIImpl) WriteRecord(line string) {
	if err := a.w.WriteRecord(a.t, line, false); err != nil {
		a.sendError(err)
	}
}

// Flush waits until every earlier point is delivered or reported failed (and, unless
// DeliveryReports is on, handed to Errors() and the callback).
func (a *WriteAPIImpl) Flush() {
	if err := a.w.Flush(context.Background()); err != nil && !errors.Is(err, influx.ErrClosed) {
		logErrorf("flush: %s", err.Error())
		return
	}
	if !a.reportsOn.Load() {
		_ = a.w.WaitReports(context.Background())
	}
}

// FlushContext: see WriteAPIExt.
func (a *WriteAPIImpl) FlushContext(ctx context.Context) error {
	if err := a.w.Flush(ctx); err != nil {
		return err
	}
	return a.w.WaitReports(ctx)
}

// Close flushes (within max_close_wait), stops the write API and closes Errors() and
// DeliveryReports(). Idempotent and safe to call concurrently.
func (a *WriteAPIImpl) Close() { _ = a.CloseContext(context.Background()) }

// CloseContext: see WriteAPIExt. A ctx deadline shorter than max_close_wait first flushes
// within ctx, then closes (what is left is reported failed within max_close_wait).
func (a *WriteAPIImpl) CloseContext(ctx context.Context) error {
	a.closeOnce.Do(func() {
		if ctx.Done() != nil {
			_ = a.w.Flush(ctx)
		}
		a.closeErr = a.w.Close()
		a.errMu.Lock()
		a.chClosed = true
		close(a.errCh)
		close(a.reports)
		a.errMu.Unlock()
	})
	return a.closeErr
}

// Stats: see WriteAPIExt.
func (a *WriteAPIImpl) Stats() WriteStats {
	s := a.w.Stats()
	return WriteStats{s.Accepted, s.Written, s.Failed, s.Dropped, s.Retries, s.BufferedLines, s.BufferedBytes, a.errDropped.Load()}
}

// Native is the write API of package influx underneath (rows fast path: WriteLines).
func (a *WriteAPIImpl) Native() *influx.WriteAPI { return a.w }
