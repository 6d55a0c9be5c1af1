package influx

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Precision of timestamps.
type Precision int

// Precisions (INFLUX_PRECISION_*).
const (
	Nanoseconds  Precision = C.INFLUX_PRECISION_NS
	Microseconds Precision = C.INFLUX_PRECISION_US
	Milliseconds Precision = C.INFLUX_PRECISION_MS
	Seconds      Precision = C.INFLUX_PRECISION_S
)

// Unit is the duration of one tick of p.
func (p Precision) Unit() time.Duration {
	switch p {
	case Microseconds:
		return time.Microsecond
	case Milliseconds:
		return time.Millisecond
	case Seconds:
		return time.Second
	}
	return time.Nanosecond
}

// PrecisionOf maps a duration (time.Nanosecond .. time.Second) to a Precision.
func PrecisionOf(d time.Duration) (Precision, bool) {
	switch d {
	case time.Nanosecond:
		return Nanoseconds, true
	case time.Microsecond:
		return Microseconds, true
	case time.Millisecond:
		return Milliseconds, true
	case time.Second:
		return Seconds, true
	}
	return Nanoseconds, false
}

// ReportKind tells what a Report is about.
type ReportKind int

// Report kinds.
const (
	Delivered ReportKind = iota // the server acknowledged the batch (terminal)
	Failed                      // the batch failed for good, was dropped or not delivered by close (terminal)
	Retrying                    // a retry of the batch is scheduled (not terminal)
)

// Report is one delivery report of a batch, copied out of the C callback.
type Report struct {
	Kind      ReportKind
	Bucket    string
	Org       string
	Precision Precision
	Lines     int
	Attempts  int
	Retry     int           // Retrying: 1 for the first retry
	Delay     time.Duration // Retrying: the wait before it
	Err       *Error        // nil when Delivered
	Data      string        // the batch's line protocol, only when asked for (SetReportData)
	seq       uint64
}

// Stats are the counters of a write API, in lines (Retries: requests).
type Stats struct {
	Accepted, Written, Failed, Dropped, Retries, BufferedLines, BufferedBytes uint64
}

// WriteAPI is a write API of the C library (write_type batching, asynchronous or
// synchronous) with its delivery reports handed to Go: the C callback copies what it needs
// and appends it to a queue (it never waits on Go), and one goroutine per write API passes
// the reports, in order, to the handler given at creation. Safe for concurrent use.
type WriteAPI struct {
	mu     sync.RWMutex // writers: RLock; Close: Lock (close must not race with other calls)
	c      *C.influx_write_api
	h      cgo.Handle
	prec   Precision
	sync   bool
	handle func(*Report)
	names  cstrings
	free   chan *C.influx_lines // spare line buffers (one in use per concurrent writer)

	dataOn atomic.Uint32 // bit 0: copy data of successes, bit 1: of failures and retries

	qmu      sync.Mutex
	qcond    *sync.Cond // signalled when the queue shrinks (writers waiting for room)
	queue    []*Report
	wake     chan struct{}
	enq      uint64        // reports enqueued (qmu)
	handled  atomic.Uint64 // reports handled by the dispatcher
	bound    atomic.Int64  // >0: writers wait while this many reports are pending
	handledC chan struct{} // closed and replaced when `handled` moves (qmu)
	stop     chan struct{}
	done     chan struct{}
	closeErr error
	closed   bool        // mu
	closing  atomic.Bool // set with closed, read by waiting writers
}

// NewWriteAPI creates a write API of c with write settings ("write_type", "batch_size", ...;
// "precision" is not a library key: give prec). handler (may be nil) receives every report
// on the write API's dispatcher goroutine, in order; it must not call Close.
func (c *Client) NewWriteAPI(settings []Setting, prec Precision, handler func(*Report)) (*WriteAPI, error) {
	conf, err := newConf(settings)
	if err != nil {
		return nil, err
	}
	w := &WriteAPI{
		prec:     prec,
		handle:   handler,
		free:     make(chan *C.influx_lines, runtime.GOMAXPROCS(0)*2+2),
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		handledC: make(chan struct{}),
	}
	w.qcond = sync.NewCond(&w.qmu)
	w.h = cgo.NewHandle(w)
	for _, s := range settings {
		if s.Key == "write_type" {
			w.sync = strings.EqualFold(s.Value, "synchronous")
		}
	}
	if !w.sync {
		C.gi_conf_set_callbacks(conf, C.uintptr_t(w.h))
	}
	consumed := false
	err = c.with(func(cc *C.influx_client) error {
		consumed = true
		var errbuf [512]C.char
		w.c = C.influx_write_api_new(cc, conf, &errbuf[0], C.size_t(len(errbuf)))
		if w.c == nil {
			return &Error{Code: ConfigError, Message: C.GoString(&errbuf[0])}
		}
		return nil
	})
	if err != nil {
		if !consumed {
			C.influx_conf_free(conf)
		}
		w.h.Delete()
		return nil, err
	}
	go w.dispatch()
	return w, nil
}

// SetReportData chooses whose batch text reports carry (copied in the callback).
func (w *WriteAPI) SetReportData(successes, failures bool) {
	var v uint32
	if successes {
		v |= 1
	}
	if failures {
		v |= 2
	}
	w.dataOn.Store(v)
}

// SetReportBound makes writers wait (Write*) or fail with ErrBufferFull (TryWrite*) while n
// reports are waiting for the handler: a lossless handler that is slow then slows the
// writers instead of growing the queue without bound. 0 (the default) means no bound.
func (w *WriteAPI) SetReportBound(n int) { w.bound.Store(int64(n)) }

// Precision is the precision of the write API's timestamps.
func (w *WriteAPI) Precision() Precision { return w.prec }

//export goInfluxReport
func goInfluxReport(h C.uintptr_t, kind C.int, b *C.influx_batch, e *C.influx_error, retry C.uint32_t, delay C.uint64_t) {
	w, ok := cgo.Handle(h).Value().(*WriteAPI)
	if !ok {
		return
	}
	r := &Report{
		Kind:      ReportKind(kind),
		Bucket:    C.GoString(b.bucket),
		Org:       C.GoString(b.org),
		Precision: Precision(b.precision),
		Lines:     int(b.lines),
		Attempts:  int(b.attempts),
		Retry:     int(retry),
		Delay:     time.Duration(delay) * time.Millisecond,
	}
	if e != nil {
		r.Err = &Error{
			Code:          Code(e.code),
			HTTPStatus:    int(e.http_status),
			Message:       C.GoString(e.message),
			ServerMessage: C.GoString(e.server_message),
			Retriable:     bool(e.retriable),
		}
	}
	want := w.dataOn.Load()
	if (kind == 0 && want&1 != 0) || (kind != 0 && want&2 != 0) {
		r.Data = C.GoStringN(b.data, C.int(b.len))
	}
	w.qmu.Lock()
	w.enq++
	r.seq = w.enq
	w.queue = append(w.queue, r)
	w.qmu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *WriteAPI) dispatch() {
	defer close(w.done)
	var batch []*Report
	for {
		w.qmu.Lock()
		batch, w.queue = w.queue, batch[:0]
		w.qmu.Unlock()
		if len(batch) == 0 {
			select {
			case <-w.wake:
				continue
			case <-w.stop:
				// Close: no callback runs any more; drain what is left, then leave.
				w.qmu.Lock()
				n := len(w.queue)
				w.qmu.Unlock()
				if n == 0 {
					return
				}
				continue
			}
		}
		for i, r := range batch {
			if w.handle != nil {
				w.handle(r)
			}
			batch[i] = nil
			w.qmu.Lock()
			w.handled.Store(r.seq)
			close(w.handledC)
			w.handledC = make(chan struct{})
			w.qcond.Broadcast()
			w.qmu.Unlock()
		}
	}
}

// pending is the number of reports not yet handled.
func (w *WriteAPI) pending() int64 {
	w.qmu.Lock()
	n := int64(w.enq - w.handled.Load())
	w.qmu.Unlock()
	return n
}

// room waits while the report bound is exceeded (try: fail at once instead).
func (w *WriteAPI) room(try bool) error {
	b := w.bound.Load()
	if b <= 0 || w.pending() < b {
		return nil
	}
	if try {
		return errorf(BufferFull, "buffer full: %d delivery reports are waiting to be read", b)
	}
	w.qmu.Lock()
	for int64(w.enq-w.handled.Load()) >= w.bound.Load() && w.bound.Load() > 0 && !w.closing.Load() {
		w.qcond.Wait()
	}
	w.qmu.Unlock()
	return nil
}

// WaitReports waits until every report enqueued before the call has been handled, or ctx ends.
func (w *WriteAPI) WaitReports(ctx context.Context) error {
	w.qmu.Lock()
	target := w.enq
	w.qmu.Unlock()
	for {
		w.qmu.Lock()
		if w.handled.Load() >= target {
			w.qmu.Unlock()
			return nil
		}
		ch := w.handledC
		w.qmu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// lines takes a spare line buffer (or makes one) for one write.
func (w *WriteAPI) lines() *C.influx_lines {
	select {
	case lb := <-w.free:
		return lb
	default:
		return C.influx_lines_new(nil, C.influx_precision(w.prec))
	}
}

func (w *WriteAPI) release(lb *C.influx_lines) {
	select {
	case w.free <- lb:
	default:
		C.influx_lines_free(lb)
	}
}

// Target is a cached (bucket, org) pair as C strings; org "" means the client's org.
type Target struct{ bucket, org *C.char }

// Target returns the cached C strings of (bucket, org).
func (w *WriteAPI) Target(bucket, org string) Target {
	t := Target{bucket: w.names.get(bucket)}
	if org != "" {
		t.org = w.names.get(org)
	}
	return t
}

// WritePacked writes the points of p (see Packer) in one cgo call. Nothing is written on
// error. p is left as it is (Reset it for reuse).
func (w *WriteAPI) WritePacked(t Target, p *Packer, try bool) error {
	if len(p.buf) == 0 {
		return nil
	}
	if err := w.room(try); err != nil {
		return err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return errorf(Closed, "write API is closed")
	}
	lb := w.lines()
	if lb == nil {
		return errorf(Internal, "cannot allocate a line buffer")
	}
	runtime.LockOSThread()
	rc := C.gi_write_packed(w.c, lb, t.bucket, t.org, (*C.uint8_t)(unsafe.Pointer(&p.buf[0])), C.size_t(len(p.buf)))
	var err error
	if rc != C.INFLUX_OK {
		err = lastError(rc)
		C.influx_lines_clear(lb)
	}
	runtime.UnlockOSThread()
	w.release(lb)
	return err
}

// WriteRecord writes raw line protocol (timestamps in the write API's precision).
func (w *WriteAPI) WriteRecord(t Target, lp string, try bool) error {
	if len(lp) == 0 {
		return nil
	}
	if err := w.room(try); err != nil {
		return err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return errorf(Closed, "write API is closed")
	}
	runtime.LockOSThread()
	rc := C.influx_write_lp(w.c, t.bucket, t.org, (*C.char)(unsafe.Pointer(unsafe.StringData(lp))), C.size_t(len(lp)), C.influx_precision(w.prec))
	var err error
	if rc != C.INFLUX_OK {
		err = lastError(rc)
	}
	runtime.UnlockOSThread()
	return err
}

// Flush waits until every point accepted before the call is reported (its report enqueued
// for the handler), polling ctx every 100 ms. On ctx's end the data stays queued and the
// error is ErrTimedOut wrapping ctx.Err().
func (w *WriteAPI) Flush(ctx context.Context) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return errorf(Closed, "write API is closed")
	}
	if ctx.Done() == nil {
		return call(func() C.influx_result { return C.influx_flush(w.c) })
	}
	for {
		if err := ctx.Err(); err != nil {
			return &timedOut{err}
		}
		err := call(func() C.influx_result { return C.influx_flush_timeout(w.c, 100) })
		if err == nil {
			return nil
		}
		if e, ok := err.(*Error); !ok || e.Code != TimedOut {
			return err
		}
	}
}

type timedOut struct{ ctx error }

func (t *timedOut) Error() string { return "flush: " + t.ctx.Error() + "; the data stays queued" }
func (t *timedOut) Is(target error) bool {
	return target == ErrTimedOut
}
func (t *timedOut) Unwrap() error { return t.ctx }

// Stats returns the write API's counters (zero after Close).
func (w *WriteAPI) Stats() Stats {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return Stats{}
	}
	var s C.influx_write_stats
	C.influx_write_api_stats(w.c, &s)
	return Stats{uint64(s.accepted), uint64(s.written), uint64(s.failed), uint64(s.dropped),
		uint64(s.retries), uint64(s.buffered_lines), uint64(s.buffered_bytes)}
}

// Close delivers what is pending (within max_close_wait), reports the rest failed, waits
// until the handler has seen every report, and frees everything. Idempotent and safe to call
// concurrently; no report is handled after it returns. The error is ErrTimedOut if something
// was not delivered in time. Must not be called from the handler.
func (w *WriteAPI) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return w.closeErr
	}
	w.closed = true
	w.closing.Store(true)
	w.closeErr = call(func() C.influx_result { return C.influx_write_api_close(w.c) })
	w.c = nil
	w.mu.Unlock()
	w.qmu.Lock()
	w.qcond.Broadcast()
	w.qmu.Unlock()
	close(w.stop)
	<-w.done
	w.h.Delete()
	for {
		select {
		case lb := <-w.free:
			C.influx_lines_free(lb)
			continue
		default:
		}
		break
	}
	w.names.free()
	return w.closeErr
}
