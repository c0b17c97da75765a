package csbeam

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // plain paths on the workers' disks
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csvx"
)

// Format is the layout of an input file.
type Format string

// The input formats.
const (
	// CSV is a header line, then one record per line (RFC 4180 quoting; a quoted
	// field may span lines).
	CSV Format = "csv"
	// JSONL is one JSON object per line, without a header.
	JSONL Format = "jsonl"
)

// DefaultChunkBytes is the size of the chunks the readers cut files into when
// ReadOptions.ChunkBytes is 0: large enough that the per-element cost of the
// runner is small beside the work of a chunk, small enough that a file of a few
// hundred megabytes gives every worker several chunks.
const DefaultChunkBytes = 4 << 20

// ReadOptions configure how input files are cut into chunks.
type ReadOptions struct {
	// Format of the files; "" is CSV.
	Format Format
	// ChunkBytes is the approximate size of a chunk; 0 means DefaultChunkBytes.
	ChunkBytes int
}

// Chunks reads the files named by the patterns (globs understood by Beam's file
// systems: a local path, or gs://... with the GCS file system linked in) and
// returns a PCollection of Chunk, reshuffled so that chunks of one file are spread
// over the workers. A file is read sequentially by one worker; give a large book as
// several files to read them in parallel. A file that cannot be listed, opened or
// read is one DeadLetter (the second PCollection); the chunks read before a read
// error are kept.
//
// Chunks are cut where the library's reader starts a record (see [Chunk]), so the
// transforms read each chunk with the library's own readers and get the records,
// errors and line numbers of reading the file whole. The header of a CSV file is
// checked by the transform's reader, which reports its errors once, from the
// file's first chunk.
func Chunks(s beam.Scope, transform string, patterns []string, opt ReadOptions) (chunks, dead beam.PCollection) {
	s = s.Scope("Chunks")
	files := beam.CreateList(s, patterns)
	chunks, dead = beam.ParDo2(s, &splitFn{Transform: transform, Format: string(opt.Format), ChunkBytes: opt.ChunkBytes}, files)
	return beam.Reshuffle(s, chunks), dead
}

// splitFn cuts each file matched by a pattern into chunks of whole records.
type splitFn struct {
	Transform  string `json:"transform"`
	Format     string `json:"format"`
	ChunkBytes int    `json:"chunk_bytes"`
}

func (f *splitFn) ProcessElement(ctx context.Context, pattern string, emit func(Chunk), dead func(DeadLetter)) error {
	fs, err := filesystem.New(ctx, pattern)
	if err != nil {
		dead(deadLetter(ctx, f.Transform, pattern, 0, "", err))
		return nil
	}
	defer fs.Close()
	names, err := fs.List(ctx, pattern)
	if err == nil && len(names) == 0 {
		err = fmt.Errorf("no file matches %q: %w", pattern, cs.ErrMissing)
	}
	if err != nil {
		dead(deadLetter(ctx, f.Transform, pattern, 0, "", err))
		return nil
	}
	slices.Sort(names)
	for _, name := range names {
		rc, err := fs.OpenRead(ctx, name)
		if err != nil {
			dead(deadLetter(ctx, f.Transform, name, 0, "", err))
			continue
		}
		err = splitFile(rc, name, Format(f.Format), f.ChunkBytes, emit)
		rc.Close()
		if err != nil {
			dead(deadLetter(ctx, f.Transform, name, 0, "", err))
		}
	}
	return nil
}

// maxRecordBytes is the longest record the library's readers accept (csvx's and
// cs.JSONLOptions' default): a longer line is one error at its line.
const maxRecordBytes = csvx.DefaultMaxRecordBytes

// splitFile cuts r into chunks of about size bytes of whole records, in file
// order, and passes them to emit.
func splitFile(r io.Reader, name string, format Format, size int, emit func(Chunk)) error {
	return splitRecords(r, name, format, size, maxRecordBytes, emit)
}

// splitRecords cuts r into chunks at the starts of records as the library's
// reader finds them, so that reading the chunks one by one gives the records,
// errors and line numbers of reading the file whole. For CSV the records are
// those of csvx, the library's CSV reader, run over the file: a chunk never
// ends inside a quoted field, whatever the quoting, valid or not. For JSON Lines
// every line starts a record.
//
// A line longer than max bytes is kept cut to its first max+1 bytes and its line
// end: the chunk's reader still refuses it at its line, with the same error, and
// the chunk holds at most about size + max bytes. A CSV file whose header the
// reader refuses, or that has no record, is one chunk without data, so that the
// transform's reader reports the header's error. A quote left open ends the
// reading of the file, as it ends the library's reader.
func splitRecords(r io.Reader, name string, format Format, size, max int, emit func(Chunk)) error {
	if size <= 0 {
		size = DefaultChunkBytes
	}
	sp := &splitter{src: r, size: size, max: max, line: 1, curLine: 1}
	sp.buf = make([]byte, 0, sp.capacity())
	if format == JSONL {
		return sp.jsonl(name, emit)
	}
	return sp.csv(name, emit)
}

// splitter keeps the bytes of the file from the start of the current chunk as
// its reader reads them, with long lines cut.
type splitter struct {
	src       io.Reader
	size, max int

	buf     []byte // the file from line `line` on, long lines cut
	line    int    // line of buf[0]
	lineLen int    // bytes of the current line seen so far, line end excluded
	cur     int    // buf[cur] starts line curLine
	curLine int
}

func (sp *splitter) capacity() int { return sp.size + sp.size/8 + 64<<10 }

// Read reads the file for the record reader, keeping what it reads.
func (sp *splitter) Read(p []byte) (int, error) {
	n, err := sp.src.Read(p)
	sp.keep(p[:n])
	return n, err
}

// keep appends b to buf, each line cut to max+1 bytes before its line end.
func (sp *splitter) keep(b []byte) {
	for len(b) > 0 {
		seg := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			seg = b[:i+1]
		}
		b = b[len(seg):]
		text := seg
		nl := text[len(text)-1] == '\n'
		if nl {
			text = text[:len(text)-1]
		}
		if room := sp.max + 1 - sp.lineLen; room > 0 {
			sp.buf = append(sp.buf, text[:min(room, len(text))]...)
		}
		sp.lineLen += len(text)
		if nl {
			sp.buf = append(sp.buf, '\n')
			sp.lineLen = 0
		}
	}
}

// startOf returns the position in buf where line l starts; l is not before the
// line of the previous call, and the line end before it has been read.
func (sp *splitter) startOf(l int) int {
	for sp.curLine < l {
		i := bytes.IndexByte(sp.buf[sp.cur:], '\n')
		if i < 0 {
			return len(sp.buf) // not read: cannot happen for a line the reader started
		}
		sp.cur += i + 1
		sp.curLine++
	}
	return sp.cur
}

// cut returns buf up to position at and keeps the rest, from line l, as the
// start of the next chunk.
func (sp *splitter) cut(at, l int) []byte {
	out := sp.buf[:at:at]
	rest := make([]byte, 0, max(sp.capacity(), len(sp.buf)-at))
	sp.buf = append(rest, sp.buf[at:]...)
	sp.line, sp.cur, sp.curLine = l, 0, l
	return out
}

// record is told that a record starts on line l; it ends the chunk there when
// the chunk is large enough.
func (sp *splitter) record(name, header string, l int, emit func(Chunk)) {
	if at := sp.startOf(l); at >= sp.size {
		first := sp.line
		emit(Chunk{File: name, Header: header, FirstLine: first, Data: sp.cut(at, l)})
	}
}

// rest emits what is left as the last chunk.
func (sp *splitter) rest(name, header string, emit func(Chunk)) {
	if len(sp.buf) > 0 {
		emit(Chunk{File: name, Header: header, FirstLine: sp.line, Data: sp.buf})
	}
}

func (sp *splitter) csv(name string, emit func(Chunk)) error {
	locate := func(line int, field, value string, err error) error {
		return &cs.FieldError{File: name, Line: line, Field: field, Value: value, Err: err}
	}
	rd := csvx.NewReader(sp, csvx.Options{MaxRecordBytes: sp.max}, locate)
	if _, err := rd.Header(cs.ErrMissing); err != nil {
		if !isDataError(err) {
			return err
		}
		// The chunk's reader refuses the same header.
		emit(Chunk{File: name, Header: string(sp.buf), FirstLine: bytes.Count(sp.buf, []byte{'\n'}) + 1})
		return nil
	}
	header := ""
	seen := false
	for {
		_, l, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !isDataError(err) {
			return err
		}
		if !seen { // the header is everything before the first record
			seen = true
			header = string(sp.cut(sp.startOf(l), l))
			continue
		}
		sp.record(name, header, l, emit)
	}
	if !seen { // no record: the chunk's reader still checks the header
		emit(Chunk{File: name, Header: string(sp.buf), FirstLine: bytes.Count(sp.buf, []byte{'\n'}) + 1})
		return nil
	}
	sp.rest(name, header, emit)
	return nil
}

func (sp *splitter) jsonl(name string, emit func(Chunk)) error {
	br := bufio.NewReaderSize(sp, 64<<10)
	l := 1
	for {
		b, err := br.ReadSlice('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			l++
			sp.record(name, "", l, emit)
		}
		switch {
		case err == nil || errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			sp.rest(name, "", emit)
			return nil
		default:
			return err
		}
	}
}

// isDataError reports whether err, from csvx, is about the data (which the
// chunk's reader reports again) rather than a failure to read the file.
func isDataError(err error) bool {
	return errors.Is(err, cs.ErrSyntax) || errors.Is(err, cs.ErrTooLong) || errors.Is(err, cs.ErrMissing)
}

// records feeds the chunk's header and data to a reader of whole files, so a
// chunk is decoded by the library's own file reader; lineOf turns the reader's
// line numbers back into the file's.
func (c *Chunk) records() io.Reader {
	if c.Header == "" {
		return bytes.NewReader(c.Data)
	}
	return io.MultiReader(strings.NewReader(c.Header), bytes.NewReader(c.Data))
}

// headerLines is the number of lines of the chunk's header.
func (c *Chunk) headerLines() int { return strings.Count(c.Header, "\n") }

// first reports whether the chunk is the first of its file, the one that
// reports the header's errors.
func (c *Chunk) first() bool { return c.FirstLine == c.headerLines()+1 }

// lineOf converts a line number of records() into the file's line number.
func (c *Chunk) lineOf(l int) int {
	if h := c.headerLines(); l > h {
		return c.FirstLine + l - h - 1
	}
	return l // the header is the file's first lines
}

// relocate returns err with the line of every *cs.FieldError in its tree turned
// from the chunk reader's numbering into the file's. The FieldErrors are fresh
// ones from decoding this chunk and are fixed in place; the message is rebuilt,
// since a package's wrapping ("effort: %w") formatted it when it was made.
func (c *Chunk) relocate(err error) error {
	return fixFieldErrors(err, func(fe *cs.FieldError) {
		if fe.Line > 0 {
			fe.Line = c.lineOf(fe.Line)
		}
	})
}

// fixFieldErrors applies fix to every *cs.FieldError in err's tree and returns an
// error with the same chain (errors.Is and errors.As see the same errors) whose
// message shows the fixed FieldErrors.
func fixFieldErrors(err error, fix func(*cs.FieldError)) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	walkFieldErrors(err, func(fe *cs.FieldError) {
		before := fe.Error()
		fix(fe)
		msg = strings.Replace(msg, before, fe.Error(), 1)
	})
	return &fixedError{msg: msg, err: err}
}

// fixedError is an error whose message was rebuilt after its FieldErrors were
// fixed; Unwrap returns the original.
type fixedError struct {
	msg string
	err error
}

func (e *fixedError) Error() string { return e.msg }
func (e *fixedError) Unwrap() error { return e.err }

func walkFieldErrors(err error, f func(*cs.FieldError)) {
	switch e := err.(type) {
	case nil:
	case *cs.FieldError:
		f(e)
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			walkFieldErrors(x, f)
		}
	case interface{ Unwrap() error }:
		walkFieldErrors(e.Unwrap(), f)
	}
}

// firstLine returns the line of the first located error in err's tree, or 0.
func firstLine(err error) int {
	line := 0
	walkFieldErrors(err, func(fe *cs.FieldError) {
		if line == 0 && fe.Line > 0 {
			line = fe.Line
		}
	})
	return line
}

// readChunk runs one of the library's CSV readers, seq, over the chunk's
// records() and calls f with each record or error it yields, the file line of
// that record and its cells. The readers give the line of their errors only, so
// a second reader, csvx (the one they are built on), walks the same records in
// step: every reader yields one item per csvx record. Errors come with their
// lines turned into the file's (relocate); a header error is passed on by the
// file's first chunk only, so a bad header is reported once.
func readChunk[T any](c *Chunk, seq iter.Seq2[T, error], f func(line int, cells []string, x T, err error)) {
	rd := csvx.NewReader(c.records(), csvx.Options{}, func(line int, field, value string, err error) error { return err })
	_, done := rd.Header(cs.ErrMissing)
	hl := c.headerLines()
	for x, err := range seq {
		if err != nil {
			if l := firstLine(err); l >= 1 && l <= max(hl, 1) {
				if c.first() {
					f(c.lineOf(l), nil, x, c.relocate(err))
				}
				continue // the header's error: the reader yields nothing more
			}
		}
		var cells []string
		line := 0
		if done == nil {
			var l int
			cells, l, done = rd.Next()
			line = c.lineOf(l)
		}
		if err != nil {
			err = c.relocate(err)
			if l := firstLine(err); l > 0 {
				line = l
			}
		}
		f(line, cells, x, err)
	}
}
