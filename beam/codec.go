package csbeam

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/successkit/cs"
)

// errCodec reports an element that its coder cannot decode: a truncated or foreign
// byte string. It never happens between the coders of one build.
var errCodec = errors.New("csbeam: malformed encoded element")

// wbuf appends the fields of an element in a compact binary form: lengths and
// integers as varints, floats as their IEEE 754 bits (so every float, including
// -0, comes back bit for bit), money as its exact decimal text.
type wbuf struct {
	b   []byte
	err error // the first value that cannot be encoded exactly
}

func (w *wbuf) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *wbuf) bytes(p []byte) {
	w.b = binary.AppendUvarint(w.b, uint64(len(p)))
	w.b = append(w.b, p...)
}

func (w *wbuf) int(n int64) { w.b = binary.AppendVarint(w.b, n) }

func (w *wbuf) f64(f float64) { w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(f)) }

func (w *wbuf) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// money writes the exact decimal text of m ("1200.50 USD"), or "" for the zero
// Money, which means "no amount" and has no currency.
func (w *wbuf) money(m cs.Money) {
	t, err := m.MarshalText() // refuses an amount without a currency
	if err != nil && w.err == nil {
		w.err = err
	}
	w.bytes(t)
}

func (w *wbuf) date(d cs.Date) {
	w.int(int64(d.Year))
	w.int(int64(d.Month))
	w.int(int64(d.Day))
}

// time writes an instant with its location's offset, as time.Time.MarshalBinary
// does, so the decoded time is equal (==) when the location is UTC or fixed.
func (w *wbuf) time(t time.Time) {
	b, err := t.MarshalBinary()
	if err != nil { // a year outside int16 minutes offsets: not produced by the readers
		b = nil
	}
	w.bytes(b)
}

// rbuf reads what wbuf wrote. The first failure sticks in err and zero values
// follow, so a decoder checks err once at the end.
type rbuf struct {
	b   []byte
	err error
}

func (r *rbuf) fail() {
	if r.err == nil {
		r.err = errCodec
	}
	r.b = nil
}

func (r *rbuf) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *rbuf) raw() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *rbuf) str() string { return string(r.raw()) }

func (r *rbuf) bytes() []byte {
	p := r.raw()
	if p == nil {
		return nil
	}
	return append([]byte(nil), p...)
}

func (r *rbuf) int() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *rbuf) f64() float64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *rbuf) bool() bool {
	if len(r.b) < 1 {
		r.fail()
		return false
	}
	v := r.b[0] != 0
	r.b = r.b[1:]
	return v
}

func (r *rbuf) money() cs.Money {
	s := r.str()
	if s == "" || r.err != nil {
		return cs.Money{}
	}
	m, err := cs.ParseMoney(s)
	if err != nil {
		r.err = fmt.Errorf("%w: %w", errCodec, err)
	}
	return m
}

func (r *rbuf) date() cs.Date {
	y, m, d := r.int(), r.int(), r.int()
	return cs.Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}

func (r *rbuf) time() time.Time {
	p := r.raw()
	var t time.Time
	if len(p) > 0 {
		if err := t.UnmarshalBinary(p); err != nil {
			r.err = fmt.Errorf("%w: %w", errCodec, err)
		}
	}
	return t
}

// done returns the decoding error, or errCodec when bytes are left over.
func (r *rbuf) done() error {
	if r.err == nil && len(r.b) != 0 {
		return errCodec
	}
	return r.err
}
