package cs

import (
	"hash/maphash"
	"io"
	"os"
)

// idIndex remembers the IDs a reader has delivered, to refuse a repeated one.
//
// Reading a file it can read again (an io.ReaderAt that can also Seek, such as an
// *os.File on a regular file, a bytes.Reader or a strings.Reader), it keeps only a
// 32-bit hash and the line of each ID, one 8-byte slot in an open-addressing table
// kept between 7/12 and 7/8 full: 9 to 14 bytes per ID. Two IDs with the same hash
// are told apart by reading the earlier one again from the file (confirm), so a
// hash collision never refuses a good file; with the hash seeded at random per
// read, collisions are rare (about one in four billion comparisons) whatever the
// IDs. Reading a stream it cannot read again, it keeps the IDs themselves.
type idIndex struct {
	seed    maphash.Seed
	slots   []uint64 // hash<<32 | line; 0 marks an empty slot
	n       int
	confirm func(line int) (string, bool) // the ID first delivered on line
	exact   map[string]int

	constHash bool // tests: every ID hashes alike, so every add confirms
}

func newIDIndex(confirm func(line int) (string, bool)) *idIndex {
	s := &idIndex{seed: maphash.MakeSeed(), confirm: confirm}
	if confirm == nil {
		s.exact = make(map[string]int)
	}
	return s
}

// add records id, first seen on line; if it was seen before, added is false and
// first is the line of its first occurrence.
func (s *idIndex) add(id string, line int) (first int, added bool) {
	if s.exact != nil {
		if first, ok := s.exact[id]; ok {
			return first, false
		}
		s.exact[string([]byte(id))] = line // a copy: id may share a long line's memory
		return line, true
	}
	if 8*(s.n+1) > 7*len(s.slots) {
		s.grow()
	}
	h := uint32(maphash.String(s.seed, id)) | 1
	if s.constHash {
		h = 1
	}
	for i := s.home(h); ; i = s.next(i) {
		slot := s.slots[i]
		switch uint32(slot >> 32) {
		case 0:
			s.slots[i] = uint64(h)<<32 | uint64(uint32(line))
			s.n++
			return line, true
		case h:
			if prev, ok := s.confirm(int(uint32(slot))); ok && prev == id {
				return int(uint32(slot)), false
			}
		}
	}
}

// home maps a hash onto the table by multiplication (Lemire's fast range), so the
// table's size need not be a power of two and can grow by half.
func (s *idIndex) home(h uint32) int { return int(uint64(h) * uint64(len(s.slots)) >> 32) }

func (s *idIndex) next(i int) int {
	if i++; i == len(s.slots) {
		return 0
	}
	return i
}

func (s *idIndex) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, len(old)+len(old)/2))
	for _, slot := range old {
		if slot == 0 {
			continue
		}
		i := s.home(uint32(slot >> 32))
		for s.slots[i] != 0 {
			i = s.next(i)
		}
		s.slots[i] = slot
	}
}

// rereadable returns r as a source its records can be read again from, and the
// offset reading starts at, or ok false for a stream.
func rereadable(r io.Reader) (ra io.ReaderAt, base int64, ok bool) {
	type readSeekerAt interface {
		io.ReaderAt
		io.Seeker
	}
	rs, isRS := r.(readSeekerAt)
	if !isRS {
		return nil, 0, false
	}
	if f, isFile := r.(*os.File); isFile {
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			return nil, 0, false
		}
	}
	base, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, false
	}
	return rs, base, true
}

// marks remembers where every 64th record starts, so a record can be read again
// from the nearest mark before it.
type marks struct {
	lines []uint32
	offs  []int64
	count int
}

func (m *marks) add(line int, off int64) {
	if m.count%64 == 0 {
		m.lines = append(m.lines, uint32(line))
		m.offs = append(m.offs, off)
	}
	m.count++
}

// before returns the last mark at or before line.
func (m *marks) before(line int) (int, int64) {
	lo, hi := 0, len(m.lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(m.lines[mid]) <= line {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return 1, 0
	}
	return int(m.lines[lo-1]), m.offs[lo-1]
}
