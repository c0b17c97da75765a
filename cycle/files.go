package cycle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/csvx"
)

// maxHeader is the longest header line checked.
const maxHeader = 1 << 20

// checked returns the file's reader after checking its header line as every
// reader of the module does, so that a file of the wrong kind (UTF-16 text,
// separated by semicolons or tabs) is refused with what to do, under the
// file's own name, whichever package reads it.
func checked(f File) (io.Reader, error) {
	br := bufio.NewReaderSize(f.R, 64<<10)
	line, err := br.ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	head := bytes.Clone(line)
	if len(head) > maxHeader {
		head = head[:maxHeader]
	}
	if _, err := csio.NewCSVReader(bytes.NewReader(head), f.Name, csvx.Options{}).Header(cs.ErrMissing); err != nil {
		return nil, err
	}
	return io.MultiReader(bytes.NewReader(head), br), nil
}

// drain reads a sequence of effort's records, passing each record to add and
// each bad one's error (and add's) to bad.
func drain[T any](seq iter.Seq2[T, error], add func(T) error, bad func(error)) {
	for x, err := range seq {
		if err != nil {
			bad(err)
			continue
		}
		if err := add(x); err != nil {
			bad(err)
		}
	}
}

// loadBatch reads the contacts and case events into a batch, each file under
// its own name.
func loadBatch(contacts, events File, bad func(error)) *effort.Batch {
	b := effort.NewBatch()
	if r, err := checked(contacts); err != nil {
		bad(err)
	} else {
		drain(effort.ReadContacts(r, contacts.Name), b.AddContact, bad)
	}
	if events.R != nil {
		if r, err := checked(events); err != nil {
			bad(err)
		} else {
			drain(effort.ReadCaseEvents(r, events.Name), b.AddCaseEvent, bad)
		}
	}
	return b
}

// readResponses reads the survey answers under the file's name.
func readResponses(surveys File, bad func(error)) []effort.Response {
	r, err := checked(surveys)
	if err != nil {
		bad(err)
		return nil
	}
	var out []effort.Response
	drain(effort.ReadSurveys(r, surveys.Name), func(x effort.Response) error { out = append(out, x); return nil }, bad)
	return out
}
