package influx

import (
	"encoding/binary"
	"math"
	"time"
)

// Packer packs points into the byte format of influx_lines_add_packed (src/lines/packed.rs):
// a whole batch of points crosses into C in one call, each string without a C copy of its
// own. Not safe for concurrent use; reuse it with Reset. Calls must come in the order
// Begin, Tag*, (Field*), End for each point; the counts are patched in by the next section.
type Packer struct {
	buf     []byte
	n       int // points
	cntAt   int // offset of the open count (tags or fields)
	cnt     uint32
	inPoint bool
}

// Len is the number of points packed.
func (p *Packer) Len() int { return p.n }

// Bytes is the packed data.
func (p *Packer) Bytes() []byte { return p.buf }

// Reset empties the packer, keeping its memory.
func (p *Packer) Reset() { p.buf, p.n, p.inPoint = p.buf[:0], 0, false }

// Truncate drops points packed after mark (see Mark), e.g. a point that failed half-way.
func (p *Packer) Truncate(mark, points int) { p.buf, p.n, p.inPoint = p.buf[:mark], points, false }

// Mark is the current end of the packed data.
func (p *Packer) Mark() int { return len(p.buf) }

func (p *Packer) u32(v uint32) { p.buf = binary.LittleEndian.AppendUint32(p.buf, v) }
func (p *Packer) u64(v uint64) { p.buf = binary.LittleEndian.AppendUint64(p.buf, v) }
func (p *Packer) str(s string) { p.u32(uint32(len(s))); p.buf = append(p.buf, s...) }

// Begin starts a point and its tag section.
func (p *Packer) Begin(measurement string) {
	p.str(measurement)
	p.cntAt, p.cnt, p.inPoint = len(p.buf), 0, true
	p.u32(0)
}

// Tag adds a tag (before any field).
func (p *Packer) Tag(k, v string) { p.str(k); p.str(v); p.cnt++ }

// Fields closes the tag section and opens the field section.
func (p *Packer) Fields() {
	binary.LittleEndian.PutUint32(p.buf[p.cntAt:], p.cnt)
	p.cntAt, p.cnt = len(p.buf), 0
	p.u32(0)
}

// Float adds a float field.
func (p *Packer) Float(k string, v float64) {
	p.str(k)
	p.buf = append(p.buf, 0)
	p.u64(math.Float64bits(v))
	p.cnt++
}

// Int adds a signed integer field.
func (p *Packer) Int(k string, v int64) {
	p.str(k)
	p.buf = append(p.buf, 1)
	p.u64(uint64(v))
	p.cnt++
}

// Uint adds an unsigned integer field.
func (p *Packer) Uint(k string, v uint64) { p.str(k); p.buf = append(p.buf, 2); p.u64(v); p.cnt++ }

// Bool adds a boolean field.
func (p *Packer) Bool(k string, v bool) {
	p.str(k)
	b := byte(0)
	if v {
		b = 1
	}
	p.buf = append(p.buf, 3, b)
	p.cnt++
}

// String adds a string field.
func (p *Packer) String(k, v string) { p.str(k); p.buf = append(p.buf, 4); p.str(v); p.cnt++ }

// End closes the point: with a timestamp t in precision prec, or none if t is zero.
func (p *Packer) End(t time.Time, prec Precision) {
	binary.LittleEndian.PutUint32(p.buf[p.cntAt:], p.cnt)
	if t.IsZero() {
		p.buf = append(p.buf, 0)
	} else {
		p.buf = append(p.buf, 1)
		p.u64(uint64(t.UnixNano() / int64(prec.Unit())))
	}
	p.n++
	p.inPoint = false
}

// EndAt closes the point with a timestamp already in the buffer's precision.
func (p *Packer) EndAt(ts int64) {
	binary.LittleEndian.PutUint32(p.buf[p.cntAt:], p.cnt)
	p.buf = append(p.buf, 1)
	p.u64(uint64(ts))
	p.n++
	p.inPoint = false
}
