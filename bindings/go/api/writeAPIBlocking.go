package api

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/influxdata/influxdb-client-go/v2/api/write"
	lp "github.com/influxdata/line-protocol"

	"influxdb-client-c/go/influx"
	"influxdb-client-c/go/internal/conf"
)

// WriteAPIBlocking writes synchronously (upstream's interface, unchanged): each call is one
// request answered before it returns, unless EnableBatching was called.
type WriteAPIBlocking interface {
	// WriteRecord writes lines of line protocol.
	WriteRecord(ctx context.Context, line ...string) error
	// WritePoint writes points (one request for all of them).
	WritePoint(ctx context.Context, point ...*write.Point) error
	// EnableBatching holds points until batch size points are collected (then the call that
	// completes the batch sends it and returns its error) or Flush is called.
	EnableBatching()
	// Flush sends the held batch (batching only).
	Flush(ctx context.Context) error
}

type writeAPIBlocking struct {
	w         *influx.WriteAPI
	t         influx.Target
	prec      influx.Precision
	defTags   []lp.Tag
	batchSize int
	packers   sync.Pool

	batching atomic.Bool
	mu       sync.Mutex
	batch    *influx.Batch
}

// NewWriteAPIBlockingWithClient makes the blocking write API of (org, bucket) on c; for
// package influxdb2. It owns a synchronous C write API, closed by the returned close func.
func NewWriteAPIBlockingWithClient(c *influx.Client, org, bucket string, cfg *conf.Write) (WriteAPIBlocking, func(), error) {
	settings := append(append([]influx.Setting(nil), cfg.Settings...), influx.Setting{Key: "write_type", Value: "synchronous"})
	w, err := c.NewWriteAPI(settings, cfg.Precision, nil)
	if err != nil {
		return nil, nil, err
	}
	b := &writeAPIBlocking{w: w, t: w.Target(bucket, org), prec: cfg.Precision, defTags: sortedTags(cfg.DefaultTags), batchSize: cfg.BatchSize}
	if b.batchSize <= 0 {
		b.batchSize = 5000
	}
	b.packers.New = func() any { return new(influx.Packer) }
	closeFn := func() {
		b.mu.Lock()
		if b.batch != nil {
			b.batch.Free()
			b.batch = nil
		}
		b.mu.Unlock()
		_ = w.Close()
	}
	return b, closeFn, nil
}

// blockingError gives an answer of the server (or no answer) as upstream's *http.Error.
func blockingError(err error) error {
	e, ok := err.(*influx.Error)
	if !ok {
		return err
	}
	switch e.Code {
	case influx.HTTPError, influx.TransportError, influx.Timeout:
		return httpError(e)
	}
	return e
}

func (b *writeAPIBlocking) EnableBatching() {
	if !b.batching.Load() {
		b.mu.Lock()
		if b.batch == nil {
			b.batch = b.w.NewBatch()
		}
		b.batching.Store(true)
		b.mu.Unlock()
	}
}

func (b *writeAPIBlocking) WritePoint(ctx context.Context, point ...*write.Point) error {
	if len(point) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	pk := b.packers.Get().(*influx.Packer)
	pk.Reset()
	for _, p := range point {
		if p == nil {
			b.packers.Put(pk)
			return influx.ErrInvalidPoint
		}
		packPoint(pk, p, b.defTags, b.prec)
	}
	var err error
	if b.batching.Load() {
		err = b.addToBatch(ctx, pk)
	} else {
		err = b.w.WritePacked(b.t, pk, false)
	}
	b.packers.Put(pk)
	return blockingError(err)
}

func (b *writeAPIBlocking) addToBatch(ctx context.Context, pk *influx.Packer) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.batch == nil {
		return influx.ErrClosed
	}
	if err := b.batch.Add(pk); err != nil {
		return err
	}
	if b.batch.Len() >= b.batchSize {
		return b.flushLocked(ctx)
	}
	return nil
}

func (b *writeAPIBlocking) flushLocked(ctx context.Context) error {
	if b.batch == nil || b.batch.Len() == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := b.batch.WriteTo(b.w, b.t)
	if err != nil {
		b.batch.Clear() // as upstream: a failed batch is not sent again
	}
	return err
}

func (b *writeAPIBlocking) WriteRecord(ctx context.Context, line ...string) error {
	if len(line) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	body := strings.Join(line, "\n")
	if b.batching.Load() {
		// Raw text goes out at once: a held line buffer takes points, not raw lines.
		if err := b.Flush(ctx); err != nil {
			return err
		}
	}
	return blockingError(b.w.WriteRecord(b.t, body, false))
}

func (b *writeAPIBlocking) Flush(ctx context.Context) error {
	if !b.batching.Load() {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return blockingError(b.flushLocked(ctx))
}
