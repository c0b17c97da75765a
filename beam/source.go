package csbeam

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // plain paths on the workers' disks
	"github.com/successkit/cs"
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
// several files to read them in parallel. A file that cannot be listed or opened,
// or a CSV file whose header the customer layout refuses, is one DeadLetter (the
// second PCollection) and yields no chunk.
//
// Only the CSV customer layout's header is checked here; the transforms check the
// headers of their own files when they decode the chunks.
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

// splitFile cuts r into chunks of about size bytes, each ending at a line end that
// is not inside a quoted CSV field, and passes them to emit in file order.
func splitFile(r io.Reader, name string, format Format, size int, emit func(Chunk)) error {
	if size <= 0 {
		size = DefaultChunkBytes
	}
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	header := ""
	if format != JSONL {
		h, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if h == "" {
			return &cs.FieldError{File: name, Line: 1, Field: "header", Err: cs.ErrMissing}
		}
		header = strings.TrimRight(h, "\r\n")
		line = 1
	}
	var (
		buf       = make([]byte, 0, size+size/8)
		first     = line + 1
		inQuote   bool
		lineStart = true
	)
	flush := func() {
		if len(buf) > 0 {
			emit(Chunk{File: name, Header: header, FirstLine: first, Data: buf})
			buf = make([]byte, 0, size+size/8)
		}
		first = line + 1
	}
	for {
		b, err := br.ReadSlice('\n')
		if len(b) > 0 {
			if lineStart && !inQuote && len(buf) >= size {
				flush()
			}
			buf = append(buf, b...)
			if format != JSONL {
				// An even number of quotes leaves the quoting state as it was: a
				// doubled quote inside a quoted field counts twice.
				inQuote = inQuote != (bytes.Count(b, []byte{'"'})%2 == 1)
			}
			lineStart = b[len(b)-1] == '\n'
			if lineStart {
				line++
			}
		}
		switch {
		case err == nil || errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if !lineStart {
				line++
			}
			flush()
			return nil
		default:
			return err
		}
	}
}

// records feeds the chunk's header and data to a reader of whole files, so a
// chunk is decoded by the library's own file reader; lineOf turns the reader's line
// numbers back into the file's.
func (c *Chunk) records() io.Reader {
	if c.Header == "" {
		return bytes.NewReader(c.Data)
	}
	return io.MultiReader(strings.NewReader(c.Header+"\n"), bytes.NewReader(c.Data))
}

// lineOf converts a line number of records() into the file's line number.
func (c *Chunk) lineOf(l int) int {
	if l <= 0 {
		return l
	}
	if c.Header == "" {
		return c.FirstLine + l - 1
	}
	return c.FirstLine + l - 2
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
