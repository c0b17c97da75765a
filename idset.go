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
// 64-bit hash and the line of each ID, 12 bytes a slot in an open-addressing table
// at most 7/8 full: about 16 bytes per ID. Two IDs with the same hash are told
// apart by reading the earlier one again from the file (confirm), so a hash
// collision never refuses a good file. Reading a stream it cannot read again, it
// keeps the IDs themselves.
type idIndex struct {
	seed    maphash.Seed
	hashes  []uint64 // 0 marks an empty slot
	lines   []uint32
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
	if 8*(s.n+1) > 7*len(s.hashes) {
		s.grow()
	}
	h := maphash.String(s.seed, id) | 1
	if s.constHash {
		h = 1
	}
	mask := uint64(len(s.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.hashes[i] {
		case 0:
			s.hashes[i], s.lines[i] = h, uint32(line)
			s.n++
			return line, true
		case h:
			if prev, ok := s.confirm(int(s.lines[i])); ok && prev == id {
				return int(s.lines[i]), false
			}
		}
	}
}

func (s *idIndex) grow() {
	old, oldLines := s.hashes, s.lines
	size := max(1024, 2*len(old))
	s.hashes, s.lines = make([]uint64, size), make([]uint32, size)
	mask := uint64(size - 1)
	for j, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.hashes[i] != 0 {
			i = (i + 1) & mask
		}
		s.hashes[i], s.lines[i] = h, oldLines[j]
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
