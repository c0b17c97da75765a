// Package csvx is the CSV reader of every file format of the library: customers,
// contacts, case events, surveys, MRR records and outcomes.
//
// It reads RFC 4180 text exactly as an encoding/csv Reader with ReuseRecord and
// FieldsPerRecord -1 would (the same records, line numbers and syntax errors),
// only faster for the common line, and with bounds encoding/csv lacks:
//
//   - a record longer than Options.MaxRecordBytes (1 MiB by default) is an error
//     wrapping ErrTooLong at its line; an unquoted line is skipped without being
//     buffered, and reading goes on at the next line;
//   - a quote that is not closed within that many bytes, or before the end of the
//     input, is reported at the line where it opened, and reading stops: the rest
//     of the file is not buffered as one field;
//   - a leading UTF-8 byte-order mark is dropped; UTF-16 text is refused at once
//     with what to do about it, and so is a header that holds a single column
//     containing ';' or a tab (a file saved with another delimiter).
//
// Errors are built by the caller's Locate, so each package reports them with its
// own located error type and file name.
package csvx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/successkit/cs/internal/errs"
)

// DefaultMaxRecordBytes is the longest record read when Options.MaxRecordBytes is 0.
const DefaultMaxRecordBytes = 1 << 20

// Options configures a Reader. The zero value reads records of up to
// DefaultMaxRecordBytes.
type Options struct {
	// MaxRecordBytes is the longest record, in bytes with its line ends, the
	// Reader accepts; 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
	// BufferSize is the read buffer (64 KiB if 0); tests make it small so that
	// every line is a long one.
	BufferSize int
}

// Locate builds the error of one problem: the 1-based line it is on, the field
// ("header", "record" or a column name), the offending text (already cut to
// errs.MaxValue bytes; may be empty) and the cause.
type Locate func(line int, field, value string, err error) error

// Reader reads CSV records one at a time. It is not safe for concurrent use.
type Reader struct {
	src    *bufio.Reader
	locate Locate
	max    int

	cr        *csv.Reader // made on the first line that needs it
	cells     []string
	long      []byte // a line longer than src's buffer, assembled
	fastNL    int    // '\n' read on the fast path (so not seen by cr)
	fedNL     int    // '\n' handed to cr
	pending   []byte // what feeder hands cr next
	pendErr   error  // the read error to hand cr after pending
	fed       int    // bytes handed to cr for the record being read
	fedQuotes int    // '"' among them
	eof       bool   // feeder has handed cr the end of the input
	tooLong   bool   // feeder stopped a record at max bytes

	consumed int64 // bytes of the input taken from src
	offset   int64 // where the last record returned starts
	done     bool  // after a fatal error, or the end
}

// NewReader returns a Reader of r whose errors are built by locate.
func NewReader(r io.Reader, opt Options, locate Locate) *Reader {
	size := opt.BufferSize
	if size == 0 {
		size = 64 << 10
	}
	max := opt.MaxRecordBytes
	if max <= 0 {
		max = DefaultMaxRecordBytes
	}
	return &Reader{src: bufio.NewReaderSize(r, size), locate: locate, max: max}
}

// Header reads the first record, the header row, and returns a copy of its
// cells (the first without a byte-order mark). An input with no record is the
// error missing, located at line 1. UTF-16 text and a header of a single column
// holding ';' or a tab are refused with what to do about them.
func (r *Reader) Header(missing error) ([]string, error) {
	if b, _ := r.src.Peek(2); len(b) == 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		r.done = true
		return nil, r.locate(1, "header", "", fmt.Errorf("%w: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)", errs.ErrSyntax))
	}
	cells, line, err := r.Next()
	switch {
	case err == io.EOF:
		return nil, r.locate(1, "header", "", missing)
	case err != nil:
		r.done = true
		return nil, err
	}
	header := make([]string, len(cells))
	for i, c := range cells {
		header[i] = strings.Clone(c)
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	if err := CheckHeader(header, line, r.locate); err != nil {
		r.done = true
		return nil, err
	}
	return header, nil
}

// CheckHeader refuses the headers of the common wrong files, saying what to do: a
// header whose text is a quarter or more NUL bytes (UTF-16 text without a
// byte-order mark), and a header of one column whose name holds ';' or a tab (a
// file separated by semicolons or tabs).
func CheckHeader(header []string, line int, locate Locate) error {
	text := strings.Join(header, ",")
	if n := strings.Count(text, "\x00"); n > 0 && 4*n >= len(text) {
		return locate(line, "header", "", fmt.Errorf("%w: the header is mostly NUL bytes: the file is probably UTF-16 text; save it as UTF-8", errs.ErrSyntax))
	}
	if len(header) == 1 {
		for _, d := range []struct{ sep, name string }{{";", "semicolons"}, {"\t", "tabs"}} {
			if strings.Contains(header[0], d.sep) {
				return locate(line, "header", errs.Clip(header[0]), fmt.Errorf("%w: one column whose name holds %s: the file seems to be separated by %s; save it with commas", errs.ErrSyntax, d.name, d.name))
			}
		}
	}
	return nil
}

// Offset returns the byte offset in the input where the record last returned by
// Next starts.
func (r *Reader) Offset() int64 { return r.offset }

// Next returns the next record's cells and the line it starts on; cells is reused
// by the next call and its strings share one allocation per line. At the end of
// the input err is io.EOF. A malformed record gives a located error wrapping
// errs.ErrSyntax (or errs.ErrTooLong) and reading can go on; an unclosed quote and a
// read error from the input end the input: the calls after them return io.EOF.
func (r *Reader) Next() (cells []string, line int, err error) {
	if r.done {
		return nil, 0, io.EOF
	}
	for {
		start := r.consumed
		seg, err := r.src.ReadSlice('\n')
		r.consumed += int64(len(seg))
		if err == bufio.ErrBufferFull {
			seg, err = r.longLine(seg)
		}
		if err == errs.ErrTooLong || len(seg) > r.max {
			line := r.fastNL + r.fedNL + 1
			if err != errs.ErrTooLong && seg[len(seg)-1] == '\n' || err == errs.ErrTooLong && r.skipLine() {
				r.fastNL++
			}
			return nil, line, r.locate(line, "record", "", fmt.Errorf("%w: line longer than %d bytes", errs.ErrTooLong, r.max))
		}
		if len(seg) == 0 && err == io.EOF {
			r.done = true
			return nil, 0, io.EOF
		}
		r.offset = start
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

// longLine assembles a line longer than the read buffer. Once more than max bytes
// of it are read and it goes on, it returns errs.ErrTooLong with the rest of the
// line still to skip.
func (r *Reader) longLine(seg []byte) ([]byte, error) {
	r.long = append(r.long[:0], seg...)
	var err error = bufio.ErrBufferFull
	for err == bufio.ErrBufferFull {
		if len(r.long) > r.max {
			return nil, errs.ErrTooLong
		}
		seg, err = r.src.ReadSlice('\n')
		r.consumed += int64(len(seg))
		r.long = append(r.long, seg...)
	}
	return r.long, err // the caller checks the length of a complete line
}

// skipLine discards the input up to and including the next '\n', reporting whether
// it found one. The discarded bytes are never held.
func (r *Reader) skipLine() bool {
	r.long = r.long[:0]
	for {
		seg, err := r.src.ReadSlice('\n')
		r.consumed += int64(len(seg))
		if err != bufio.ErrBufferFull {
			if err != nil && err != io.EOF {
				r.done = true
			}
			return len(seg) > 0 && seg[len(seg)-1] == '\n'
		}
	}
}

// exact reads one record with encoding/csv, starting at the pending line.
func (r *Reader) exact() ([]string, int, error) {
	if r.cr == nil {
		r.cr = csv.NewReader(feeder{r})
		r.cr.ReuseRecord = true
		r.cr.FieldsPerRecord = -1
	}
	r.fed, r.fedQuotes = 0, 0
	start := r.fastNL + r.fedNL + 1 // the line of the pending line
	cells, err := r.cr.Read()
	var pe *csv.ParseError
	switch {
	case r.tooLong:
		// The feeder stopped handing lines to a record past max bytes: a quote
		// that does not close.
		r.done = true
		return nil, start, r.locate(start, "record", "", fmt.Errorf("%w: a quote opened on this line is not closed within %d bytes", errs.ErrSyntax, r.max))
	case errors.As(err, &pe):
		line := pe.StartLine + r.fastNL
		// An odd count of quotes in the record means a quoted field left open;
		// encoding/csv reports it as ErrQuote at the end of the input.
		if r.eof && r.fedQuotes%2 == 1 && errors.Is(pe.Err, csv.ErrQuote) {
			r.done = true
			return nil, line, r.locate(line, "record", "", fmt.Errorf("%w: a quote opened on this line is never closed", errs.ErrSyntax))
		}
		return nil, line, r.locate(line, "record", "", fmt.Errorf("%w: %w", errs.ErrSyntax, pe.Err))
	case err == io.EOF:
		r.done = true
		return nil, 0, io.EOF
	case err != nil:
		r.done = true
		line := r.fastNL + r.fedNL + 1
		return nil, line, r.locate(line, "", "", err)
	}
	line, _ := r.cr.FieldPos(0)
	return cells, line + r.fastNL, nil
}

// errFeedLimit stops encoding/csv inside a record longer than max.
var errFeedLimit = errors.New("record too long")

// feeder is the io.Reader of Reader.cr: the pending line, then one line of the
// input per Read, never more, so cr reads no further than its record, and no
// more than max bytes for one record.
type feeder struct{ r *Reader }

func (f feeder) Read(p []byte) (int, error) {
	r := f.r
	if r.fed > r.max {
		r.tooLong = true
		return 0, errFeedLimit
	}
	if len(r.pending) == 0 {
		if r.pendErr != nil {
			err := r.pendErr
			r.pendErr = nil
			r.eof = err == io.EOF
			return 0, err
		}
		seg, err := r.src.ReadSlice('\n')
		r.consumed += int64(len(seg))
		if err == bufio.ErrBufferFull {
			err = nil // the rest of the line comes with the next Read
		}
		r.pending, r.pendErr = seg, err
		if len(seg) == 0 {
			r.pendErr = nil
			r.eof = err == io.EOF
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.fed += n
	r.fedQuotes += bytes.Count(r.pending[:n], []byte{'"'})
	r.fedNL += bytes.Count(r.pending[:n], []byte{'\n'})
	r.pending = r.pending[n:]
	return n, nil
}

// Columns binds a header to the columns of a format: index[i] is the position of
// known[i] in the header, or -1 when absent. A header cell that is not known
// (errs.ErrUnknownField), a repeated one (the caller's duplicate sentinel, dup) and a
// required column that is absent (missing) are errors naming line 1, all of them
// reported (bounded by errs.List).
func Columns(header, known, required []string, locate Locate, dup, missing error) ([]int, error) {
	index := make([]int, len(known))
	for i := range index {
		index[i] = -1
	}
	var list errs.List
	for j, h := range header {
		i := indexOf(known, h)
		switch {
		case i < 0:
			list.Add(locate(1, "header", errs.Clip(h), errs.ErrUnknownField))
		case index[i] >= 0:
			list.Add(locate(1, "header", errs.Clip(h), dup))
		default:
			index[i] = j
		}
	}
	for _, req := range required {
		if index[indexOf(known, req)] < 0 {
			list.Add(locate(1, "header", req, fmt.Errorf("%w: no %s column", missing, strconv.Quote(req))))
		}
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	return index, nil
}

// SplitLine splits one line of CSV text (without its line end) into cells, as
// encoding/csv reads it; a quoted cell cannot continue on another line here.
func SplitLine(text string) ([]string, error) {
	if !strings.ContainsAny(text, "\"\r") {
		return strings.Split(text, ","), nil
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cells, err := cr.Read()
	if err == io.EOF {
		return []string{""}, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%w: %w", errs.ErrSyntax, pe.Err)
	}
	return cells, err
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
