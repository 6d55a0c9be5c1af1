package influx

/*
#include "shim.h"
*/
import "C"

import (
	"math"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// FieldType is the type of a field of a Shape.
type FieldType int

// Field types (INFLUX_FIELD_*).
const (
	Float  FieldType = C.INFLUX_FIELD_F64
	Int    FieldType = C.INFLUX_FIELD_I64
	Uint   FieldType = C.INFLUX_FIELD_U64
	Bool   FieldType = C.INFLUX_FIELD_BOOL
	String FieldType = C.INFLUX_FIELD_STR
)

// Field is a field key and its type.
type Field struct {
	Key  string
	Type FieldType
}

const maxShapeKeys = 64

// Shape is the fixed part of a family of lines (measurement, tag keys, typed field keys),
// checked and escaped once by the library. Immutable; safe for concurrent use. Free it with
// Close (a finalizer frees a shape that was forgotten).
type Shape struct {
	mu      sync.Mutex
	s       *C.gi_shape
	types   []FieldType
	ntags   int
	nfields int
}

// NewShape creates a shape: rows give tag values in tagKeys' order and field values in
// fields' order. At most 64 tags and 64 fields.
func NewShape(measurement string, tagKeys []string, fields []Field) (*Shape, error) {
	if len(tagKeys) > maxShapeKeys || len(fields) > maxShapeKeys {
		return nil, errorf(InvalidArg, "a shape has at most %d tag keys and %d fields", maxShapeKeys, maxShapeKeys)
	}
	if len(fields) == 0 {
		return nil, errorf(InvalidArg, "a shape needs at least one field")
	}
	var all []*C.char
	defer func() {
		for _, p := range all {
			C.free(unsafe.Pointer(p))
		}
	}()
	cs := func(s string) *C.char { p := C.CString(s); all = append(all, p); return p }
	m := cs(measurement)
	n := len(tagKeys) + len(fields)
	keys := (**C.char)(C.calloc(C.size_t(n+1), C.size_t(unsafe.Sizeof(uintptr(0)))))
	defer C.free(unsafe.Pointer(keys))
	ks := unsafe.Slice(keys, n+1)
	for i, k := range tagKeys {
		ks[i] = cs(k)
	}
	for i, f := range fields {
		ks[len(tagKeys)+i] = cs(f.Key)
	}
	types := (*C.int)(C.calloc(C.size_t(len(fields)), C.size_t(unsafe.Sizeof(C.int(0)))))
	ts := unsafe.Slice(types, len(fields))
	gotypes := make([]FieldType, len(fields))
	for i, f := range fields {
		ts[i] = C.int(f.Type)
		gotypes[i] = f.Type
	}
	gs := (*C.gi_shape)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gi_shape{}))))
	gs.types = types
	gs.ntags = C.uint32_t(len(tagKeys))
	gs.nfields = C.uint32_t(len(fields))
	var tagp **C.char
	if len(tagKeys) > 0 {
		tagp = keys
	} else {
		tagp = &ks[n] // a valid (empty) array
	}
	runtime.LockOSThread()
	gs.shape = C.influx_shape_new(m, tagp, C.size_t(len(tagKeys)), &ks[len(tagKeys)], (*C.influx_field_type)(types), C.size_t(len(fields)))
	var err error
	if gs.shape == nil {
		err = lastError(C.INFLUX_ERR_INVALID_ARG)
		err.(*Error).Code = InvalidPoint
	}
	runtime.UnlockOSThread()
	if err != nil {
		C.free(unsafe.Pointer(types))
		C.free(unsafe.Pointer(gs))
		return nil, err
	}
	s := &Shape{s: gs, types: gotypes, ntags: len(tagKeys), nfields: len(fields)}
	runtime.SetFinalizer(s, (*Shape).Close)
	return s, nil
}

// Close frees the shape. Lines holding rows of it must be written or reset first.
func (s *Shape) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.s != nil {
		C.influx_shape_free(s.s.shape)
		C.free(unsafe.Pointer(s.s.types))
		C.free(unsafe.Pointer(s.s))
		s.s = nil
	}
}

// Value is a field value of a row: build it with F, I, U, B or S.
type Value struct {
	bits uint64
	str  string
}

// F is a float value.
func F(v float64) Value { return Value{bits: math.Float64bits(v)} }

// I is a signed integer value.
func I(v int64) Value { return Value{bits: uint64(v)} }

// U is an unsigned integer value.
func U(v uint64) Value { return Value{bits: v} }

// B is a boolean value.
func B(v bool) Value {
	if v {
		return Value{bits: 1}
	}
	return Value{}
}

// S is a string value.
func S(v string) Value { return Value{str: v} }

// Lines buffers rows of shapes in Go memory (no cgo call per row) until WriteLines encodes
// and writes them in one cgo call. Not safe for concurrent use: one per writing goroutine.
// In steady state (Reset or written, then refilled) adding a row allocates nothing.
type Lines struct {
	prec   Precision
	shapes []*C.gi_shape
	owners []*Shape
	rows   []C.gi_row
	tagOff []C.uint32_t
	vals   []C.uint64_t
	arena  []byte
}

// NewLines creates an empty row buffer whose timestamps are in prec.
func NewLines(prec Precision) *Lines { return &Lines{prec: prec} }

// Len is the number of rows held.
func (l *Lines) Len() int { return len(l.rows) }

// Precision is the buffer's precision.
func (l *Lines) Precision() Precision { return l.prec }

// Reset drops every row (memory kept).
func (l *Lines) Reset() {
	for i := range l.owners {
		l.owners[i] = nil
	}
	l.shapes, l.owners, l.rows = l.shapes[:0], l.owners[:0], l.rows[:0]
	l.tagOff, l.vals, l.arena = l.tagOff[:0], l.vals[:0], l.arena[:0]
}

func (l *Lines) shapeIndex(s *Shape) uint32 {
	for i := len(l.owners) - 1; i >= 0; i-- {
		if l.owners[i] == s {
			return uint32(i)
		}
	}
	l.owners = append(l.owners, s)
	l.shapes = append(l.shapes, s.s)
	return uint32(len(l.owners) - 1)
}

func (l *Lines) text(s string) (C.uint32_t, bool) {
	if strings.IndexByte(s, 0) >= 0 {
		return 0, false
	}
	at := len(l.arena)
	l.arena = append(l.arena, s...)
	l.arena = append(l.arena, 0)
	return C.uint32_t(at), true
}

// AddRow adds a row of shape s: tag values in the shape's tag order ("" leaves a tag out),
// field values in its field order; a zero t means no timestamp (the server's clock).
// The values are checked by the library when the buffer is written (the error names the row).
func (l *Lines) AddRow(s *Shape, tags []string, fields []Value, t time.Time) error {
	if t.IsZero() {
		return l.add(s, tags, fields, 0, false)
	}
	return l.add(s, tags, fields, t.UnixNano()/int64(l.prec.Unit()), true)
}

// AddRowAt is AddRow with a timestamp already in the buffer's precision.
func (l *Lines) AddRowAt(s *Shape, tags []string, fields []Value, ts int64) error {
	return l.add(s, tags, fields, ts, true)
}

func (l *Lines) add(s *Shape, tags []string, fields []Value, ts int64, hasTime bool) error {
	if s == nil || s.s == nil {
		return errorf(InvalidArg, "row %d: nil or closed shape", len(l.rows))
	}
	if len(tags) != s.ntags || len(fields) != s.nfields {
		return errorf(InvalidArg, "row %d: the shape has %d tags and %d fields, the row %d and %d",
			len(l.rows), s.ntags, s.nfields, len(tags), len(fields))
	}
	mark := [3]int{len(l.tagOff), len(l.vals), len(l.arena)}
	r := C.gi_row{shape: C.uint32_t(l.shapeIndex(s)), tag_start: C.uint32_t(len(l.tagOff)), val_start: C.uint32_t(len(l.vals))}
	for _, v := range tags {
		off, ok := l.text(v)
		if !ok {
			l.tagOff, l.vals, l.arena = l.tagOff[:mark[0]], l.vals[:mark[1]], l.arena[:mark[2]]
			return errorf(InvalidArg, "row %d: a tag value contains a NUL byte", len(l.rows))
		}
		l.tagOff = append(l.tagOff, off)
	}
	for i, v := range fields {
		if s.types[i] == String {
			off, ok := l.text(v.str)
			if !ok {
				l.tagOff, l.vals, l.arena = l.tagOff[:mark[0]], l.vals[:mark[1]], l.arena[:mark[2]]
				return errorf(InvalidArg, "row %d: a string field contains a NUL byte", len(l.rows))
			}
			l.vals = append(l.vals, C.uint64_t(off))
		} else {
			l.vals = append(l.vals, C.uint64_t(v.bits))
		}
	}
	if hasTime {
		r.has_time = 1
		r.time = C.int64_t(ts)
	}
	l.rows = append(l.rows, r)
	return nil
}

// WriteLines encodes l's rows and writes them to bucket in org ("" = the client's org), in
// one cgo call; then resets l. On error nothing is written and l is kept (retry after
// ErrBufferFull, for example); an encoding error names the row.
func (w *WriteAPI) WriteLines(bucket, org string, l *Lines) error {
	return w.writeLines(w.Target(bucket, org), l, false)
}

// TryWriteLines is WriteLines that does not wait for room for delivery reports.
func (w *WriteAPI) TryWriteLines(bucket, org string, l *Lines) error {
	return w.writeLines(w.Target(bucket, org), l, true)
}

func (w *WriteAPI) writeLines(t Target, l *Lines, try bool) error {
	if len(l.rows) == 0 {
		return nil
	}
	if l.prec != w.prec {
		return errorf(InvalidArg, "the rows are in precision %d, the write API in %d", l.prec, w.prec)
	}
	if err := w.room(try); err != nil {
		return err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return errorf(Closed, "write API is closed")
	}
	err := l.lockShapes()
	if err == nil {
		err = w.writeRows(t, l)
	}
	for _, s := range l.owners {
		s.mu.Unlock()
	}
	if err == nil {
		l.Reset()
	}
	return err
}

// lockShapes keeps l's shapes from being freed during a write (unlock them after).
func (l *Lines) lockShapes() error {
	var err error
	for _, s := range l.owners {
		s.mu.Lock()
		if s.s == nil {
			err = errorf(InvalidArg, "a shape of the rows was closed")
		}
	}
	return err
}

func (w *WriteAPI) writeRows(t Target, l *Lines) error {
	lb := w.lines()
	if lb == nil {
		return errorf(Internal, "cannot allocate a line buffer")
	}
	bad := C.size_t(len(l.rows))
	if len(l.arena) == 0 {
		l.arena = append(l.arena, 0)
	}
	var tagp *C.uint32_t
	if len(l.tagOff) > 0 {
		tagp = &l.tagOff[0]
	}
	runtime.LockOSThread()
	rc := C.gi_write_rows(w.c, lb, t.bucket, t.org, &l.shapes[0], &l.rows[0], C.size_t(len(l.rows)),
		tagp, &l.vals[0], (*C.char)(unsafe.Pointer(&l.arena[0])), &bad)
	var err error
	if rc != C.INFLUX_OK {
		e := lastError(rc)
		if int(bad) < len(l.rows) {
			e.Message = "row " + itoa(int(bad)) + ": " + e.Message
		}
		C.influx_lines_clear(lb)
		err = e
	}
	runtime.UnlockOSThread()
	w.release(lb)
	return err
}

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

// Batch is a line buffer held in C between calls (WriteAPIBlocking's batching): points are
// added in packed form and written when the caller decides. Not safe for concurrent use.
type Batch struct {
	lb *C.influx_lines
	n  int
}

// NewBatch creates an empty held buffer for w's precision.
func (w *WriteAPI) NewBatch() *Batch {
	return &Batch{lb: C.influx_lines_new(nil, C.influx_precision(w.prec))}
}

// Len is the number of lines held.
func (b *Batch) Len() int { return b.n }

// Add appends the points of p (all or nothing).
func (b *Batch) Add(p *Packer) error {
	if len(p.buf) == 0 {
		return nil
	}
	var added C.size_t
	runtime.LockOSThread()
	rc := C.influx_lines_add_packed(b.lb, (*C.uint8_t)(unsafe.Pointer(&p.buf[0])), C.size_t(len(p.buf)), &added)
	var err error
	if rc != C.INFLUX_OK {
		err = lastError(rc)
	}
	runtime.UnlockOSThread()
	b.n += int(added)
	return err
}

// WriteTo writes the held lines through w (emptied on success; kept on error).
func (b *Batch) WriteTo(w *WriteAPI, t Target) error {
	if b.n == 0 {
		return nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.c == nil {
		return errorf(Closed, "write API is closed")
	}
	err := call(func() C.influx_result { return C.influx_write_lines(w.c, t.bucket, t.org, b.lb) })
	if err == nil {
		b.n = 0
	}
	return err
}

// Clear drops the held lines.
func (b *Batch) Clear() { C.influx_lines_clear(b.lb); b.n = 0 }

// Free releases the buffer.
func (b *Batch) Free() { C.influx_lines_free(b.lb); b.lb = nil; b.n = 0 }
