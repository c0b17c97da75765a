package csbeam

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// WriteLines writes a PCollection of text lines (without line ends) to files in
// dir named prefix-00000-of-0000N.ext, each starting with header when header is not
// "", and returns the PCollection of the final file names.
//
// Every bundle writes its own temporary file (dir/.tmp-prefix-<random>.ext) as its
// elements arrive, and only the names of the bundles the runner committed reach the
// final step, which renames them. So no row waits in a shuffle and no worker holds
// more than one bundle's file buffer: memory stays flat whatever the number of rows.
// A retried bundle leaves its temporary file behind, never a duplicate in the
// output. The order of lines across and within files is the runner's: sort when
// reading if order matters. Files of an earlier run under the same prefix are not
// removed.
func WriteLines(s beam.Scope, dir, prefix, ext, header string, lines beam.PCollection) beam.PCollection {
	s = s.Scope("WriteLines")
	temps := beam.ParDo(s, &writeFn{Dir: dir, Prefix: prefix, Ext: ext, Header: header}, lines)
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, temps)) // one name per bundle, not per row
	return beam.ParDo(s, &finalizeFn{Dir: dir, Prefix: prefix, Ext: ext}, grouped)
}

type writeFn struct {
	Dir    string `json:"dir"`
	Prefix string `json:"prefix"`
	Ext    string `json:"ext"`
	Header string `json:"header"`

	fs   filesystem.Interface
	name string
	wc   io.WriteCloser
	bw   *bufio.Writer
}

func (f *writeFn) StartBundle(ctx context.Context, _ func(string)) error {
	f.name, f.wc, f.bw = "", nil, nil
	return nil
}

func (f *writeFn) ProcessElement(ctx context.Context, line string, _ func(string)) error {
	if f.bw == nil {
		if err := f.open(ctx); err != nil {
			return err
		}
	}
	f.bw.WriteString(line)
	return f.bw.WriteByte('\n')
}

func (f *writeFn) open(ctx context.Context) error {
	if f.fs == nil {
		fs, err := filesystem.New(ctx, f.Dir)
		if err != nil {
			return err
		}
		f.fs = fs
	}
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	f.name = join(f.Dir, ".tmp-"+f.Prefix+"-"+hex.EncodeToString(r[:])+"."+f.Ext)
	wc, err := f.fs.OpenWrite(ctx, f.name)
	if err != nil {
		return fmt.Errorf("csbeam: write %s: %w", f.name, err)
	}
	f.wc, f.bw = wc, bufio.NewWriterSize(wc, 1<<20)
	if f.Header != "" {
		f.bw.WriteString(f.Header)
		f.bw.WriteByte('\n')
	}
	return nil
}

func (f *writeFn) FinishBundle(ctx context.Context, emit func(string)) error {
	if f.bw == nil {
		return nil
	}
	if err := f.bw.Flush(); err != nil {
		return fmt.Errorf("csbeam: write %s: %w", f.name, err)
	}
	if err := f.wc.Close(); err != nil {
		return fmt.Errorf("csbeam: write %s: %w", f.name, err)
	}
	emit(f.name)
	f.name, f.wc, f.bw = "", nil, nil
	return nil
}

func (f *writeFn) Teardown() error {
	if f.fs != nil {
		return f.fs.Close()
	}
	return nil
}

type finalizeFn struct {
	Dir    string `json:"dir"`
	Prefix string `json:"prefix"`
	Ext    string `json:"ext"`
}

func (f *finalizeFn) ProcessElement(ctx context.Context, _ int, temps func(*string) bool, emit func(string)) error {
	var names []string
	var t string
	for temps(&t) {
		names = append(names, t)
	}
	slices.Sort(names) // random names: a stable but meaningless order
	fs, err := filesystem.New(ctx, f.Dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	for i, t := range names {
		final := join(f.Dir, fmt.Sprintf("%s-%05d-of-%05d.%s", f.Prefix, i, len(names), f.Ext))
		if err := filesystem.Rename(ctx, fs, t, final); err != nil {
			return fmt.Errorf("csbeam: rename %s: %w", t, err)
		}
		emit(final)
	}
	return nil
}

// join appends a file name to a directory of any file system (a local path or a
// URL such as gs://bucket/dir).
func join(dir, name string) string {
	if strings.Contains(dir, "://") {
		return strings.TrimSuffix(dir, "/") + "/" + name
	}
	return path.Join(dir, name)
}
