package cs

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
)

// csvRecords reads the records of a CSV text exactly as an encoding/csv Reader with
// ReuseRecord and FieldsPerRecord -1 would, only faster for the common line.
//
// A line holding neither '"' nor '\r' is one whole record for encoding/csv, its
// cells the text between commas, with no error possible; such a line is split
// here directly, one string allocated for the line and the cells substrings of it.
// Any other line goes, with the lines after it that its record needs, to an
// encoding/csv Reader reading through feeder, which hands that Reader one line at a
// time and only when asked. The Reader's buffer is therefore empty whenever it
// returns a record (a record, or a syntax error, ends at a line end), its state
// between records is only its line count, and handing it the next odd line later
// gives what it would have read from the whole file. Lines are counted by '\n', as
// encoding/csv counts them.
type csvRecords struct {
	src     *bufio.Reader
	cr      *csv.Reader // made on the first line that needs it
	cells   []string
	long    []byte // a line longer than src's buffer, assembled
	fastNL  int    // '\n' read on the fast path (so not seen by cr)
	fedNL   int    // '\n' handed to cr
	pending []byte // what feeder hands cr next
	pendErr error  // the read error to hand cr after pending
}

func newCSVRecords(r io.Reader, size int) *csvRecords {
	return &csvRecords{src: bufio.NewReaderSize(r, size)}
}

// next returns the next record and the line it starts on. err is io.EOF at the
// end, a *csv.ParseError whose StartLine is the file's line for malformed quoting,
// or the error of the underlying reader (with the cells read before it, as
// encoding/csv does). cells is reused by the next call.
func (r *csvRecords) next() (cells []string, line int, err error) {
	for {
		seg, err := r.src.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.long = append(r.long[:0], seg...)
			for err == bufio.ErrBufferFull {
				seg, err = r.src.ReadSlice('\n')
				r.long = append(r.long, seg...)
			}
			seg = r.long
		}
		if len(seg) == 0 && err == io.EOF {
			return nil, 0, io.EOF
		}
		if (err != nil && err != io.EOF) || bytes.IndexByte(seg, '"') >= 0 || bytes.IndexByte(seg, '\r') >= 0 {
			r.pending, r.pendErr = seg, err
			return r.exact()
		}
		line = r.fastNL + r.fedNL + 1
		if seg[len(seg)-1] == '\n' {
			r.fastNL++
			seg = seg[:len(seg)-1]
			if len(seg) == 0 {
				continue // encoding/csv skips empty lines
			}
		}
		s := string(seg)
		r.cells = r.cells[:0]
		for {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				break
			}
			r.cells = append(r.cells, s[:i])
			s = s[i+1:]
		}
		r.cells = append(r.cells, s)
		return r.cells, line, nil
	}
}

// exact reads one record with encoding/csv, starting at the pending line.
func (r *csvRecords) exact() ([]string, int, error) {
	if r.cr == nil {
		r.cr = csv.NewReader(feeder{r})
		r.cr.ReuseRecord = true
		r.cr.FieldsPerRecord = -1
	}
	cells, err := r.cr.Read()
	if pe, ok := err.(*csv.ParseError); ok {
		e := *pe
		e.StartLine += r.fastNL
		e.Line += r.fastNL
		return cells, e.StartLine, &e
	}
	if err != nil {
		return cells, 0, err
	}
	line, _ := r.cr.FieldPos(0)
	return cells, line + r.fastNL, nil
}

// feeder is the io.Reader of csvRecords.cr: the pending line, then one line of the
// file per Read, never more, so cr reads no further than its record.
type feeder struct{ r *csvRecords }

func (f feeder) Read(p []byte) (int, error) {
	r := f.r
	if len(r.pending) == 0 {
		if r.pendErr != nil {
			err := r.pendErr
			r.pendErr = nil
			return 0, err
		}
		seg, err := r.src.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			err = nil // the rest of the line comes with the next Read
		}
		r.pending, r.pendErr = seg, err
		if len(seg) == 0 {
			r.pendErr = nil
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.fedNL += bytes.Count(r.pending[:n], []byte{'\n'})
	r.pending = r.pending[n:]
	return n, nil
}

// idSet remembers the IDs already delivered and the line of each. An ID of up to
// shortIDMax bytes is kept in a fixed-size array key, which the map stores by value:
// no allocation per row, and the line the ID was cut from is not pinned. A longer
// ID is cloned.
type idSet struct {
	short map[shortID]int
	long  map[string]int
}

// shortIDMax is the longest ID kept by value: 39 bytes, which holds a UUID.
const shortIDMax = len(shortID{}) - 1

// shortID is an ID padded with zeros; its last byte is the length, so that IDs that
// differ only by trailing NULs stay distinct.
type shortID [40]byte

// add records id first seen on line; if id was seen before it returns false and
// the line of its first row.
func (s *idSet) add(id string, line int) (first int, added bool) {
	if len(id) <= shortIDMax {
		var k shortID
		copy(k[:], id)
		k[shortIDMax] = byte(len(id))
		if first, ok := s.short[k]; ok {
			return first, false
		}
		if s.short == nil {
			s.short = make(map[shortID]int)
		}
		s.short[k] = line
		return line, true
	}
	if first, ok := s.long[id]; ok {
		return first, false
	}
	if s.long == nil {
		s.long = make(map[string]int)
	}
	s.long[strings.Clone(id)] = line
	return line, true
}
