package effort

import (
	"bytes"
	"errors"
	"iter"
	"runtime"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
)

const contactsCSV = `contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
m1,A,K1,2026-05-04T09:30:00Z,self_service,,0,0,0
m2,A,K1,2026-05-04T10:00:00Z,phone,team-a,1,false,true
m3,A,K1,2026-05-04T11:00:00Z,fax,team-a,0,0,0
m4,A,K1,yesterday,chat,,0,0,0
m5,A,K1,2026-05-04T12:00:00Z,chat,,2,0,0
"m6",A,K1,2026-05-04T13:00:00Z,email,"Team, B",true,0,0
`

// collect drains a reader into its records and errors.
func collect[T any](seq iter.Seq2[T, error]) ([]T, []error) {
	var got []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, v)
	}
	return got, errs
}

func TestReadContacts(t *testing.T) {
	got, errs := collect(ReadContacts(strings.NewReader(contactsCSV), ""))
	if len(got) != 3 || got[1].Channel != Phone || !got[1].RepeatedInfo || !got[1].Transferred || got[1].GenericAnswer ||
		got[2].Agent != "Team, B" || !got[2].RepeatedInfo || !got[1].Time.Equal(at("2026-05-04T10:00:00Z")) {
		t.Errorf("contacts = %+v", got)
	}
	// One error per bad line, each naming file, line, customer and field.
	want := []struct {
		line  int
		field string
	}{{4, "channel"}, {5, "time"}, {6, "repeated_info"}}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		var fe *cs.FieldError
		if !errors.As(errs[i], &fe) || fe.Line != w.line || fe.Field != w.field || fe.File != "contacts.csv" || fe.Record != "A" ||
			!strings.HasPrefix(errs[i].Error(), "effort: contacts.csv:") {
			t.Errorf("error %d = %v, want line %d field %s", i, errs[i], w.line, w.field)
		}
	}
}

// TestReadIDs checks that every ID is checked by cs.CheckID, naming the field.
func TestReadIDs(t *testing.T) {
	const head = "contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred\n"
	for _, c := range []struct {
		line, field string
		want        error
	}{
		{"m\x001,A,K1,2026-05-04T09:30:00Z,chat,,0,0,0", "contact_id", cs.ErrInvalidID},                    // a NUL in an ID
		{"m1,\"A\nB\",K1,2026-05-04T09:30:00Z,chat,,0,0,0", "customer_id", cs.ErrInvalidID},                // a line break
		{"m1,A,\xff,2026-05-04T09:30:00Z,chat,,0,0,0", "case_id", cs.ErrInvalidID},                         // not UTF-8
		{"m1,,K1,2026-05-04T09:30:00Z,chat,,0,0,0", "customer_id", cs.ErrMissing},                          // empty
		{strings.Repeat("m", 256) + ",A,K1,2026-05-04T09:30:00Z,chat,,0,0,0", "contact_id", cs.ErrTooLong}, // over 255 bytes
	} {
		_, errs := collect(ReadContacts(strings.NewReader(head+c.line+"\n"), "c.csv"))
		var fe *cs.FieldError
		if len(errs) != 1 || !errors.Is(errs[0], c.want) || !errors.As(errs[0], &fe) || fe.Field != c.field || fe.Line != 2 {
			t.Errorf("%q: errors %v, want one %v at c.csv:2 naming %s", c.line, errs, c.want, c.field)
		}
	}
}

func TestReaderHeaders(t *testing.T) {
	first := func(seq iter.Seq2[CaseEvent, error]) error {
		_, errs := collect(seq)
		if len(errs) != 1 {
			return errors.Join(errors.New("not one error"), errors.Join(errs...))
		}
		return errs[0]
	}
	tests := []struct {
		name string
		read func() error
		want error
	}{
		// an extra column is refused rather than ignored
		{"unknown column", func() error {
			return first(ReadCaseEvents(strings.NewReader("case_id,customer_id,event,time,extra\nK,A,opened,2026-05-01T00:00:00Z\n"), ""))
		}, cs.ErrUnknownField},
		// a column missing from the header
		{"missing column", func() error {
			_, errs := collect(ReadSurveys(strings.NewReader("customer_id,time,kind\n"), ""))
			return errors.Join(errs...)
		}, cs.ErrMissing},
		// an empty file has no header
		{"empty", func() error { return first(ReadCaseEvents(strings.NewReader(""), "")) }, cs.ErrMissing},
		// a column named twice
		{"duplicate column", func() error {
			return first(ReadCaseEvents(strings.NewReader("case_id,case_id,customer_id,event,time\n"), ""))
		}, cs.ErrDuplicate},
		// a file separated by semicolons, with what to do about it
		{"semicolons", func() error {
			return first(ReadCaseEvents(strings.NewReader("case_id;customer_id;event;time\n"), ""))
		}, cs.ErrSyntax},
	}
	for _, tt := range tests {
		if err := tt.read(); !errors.Is(err, tt.want) || !strings.Contains(err.Error(), ":1: ") {
			t.Errorf("%s: %v, want %v at line 1", tt.name, err, tt.want)
		}
	}
}

func TestCaseEventAndSurveyReaders(t *testing.T) {
	evs, bad := collect(ReadCaseEvents(strings.NewReader("time,event,customer_id,case_id\n2026-05-01T00:00:00Z,opened,A,K1\n2026-05-02T00:00:00Z,closed,A,K1\n2026-05-03T00:00:00Z,resolved,A,K1\n"), "ev.csv"))
	if len(evs) != 2 || evs[1].Kind != Resolved || len(bad) != 1 || !errors.Is(bad[0], ErrEvent) || !strings.Contains(bad[0].Error(), "ev.csv:3:") {
		t.Errorf("events %v, errors %v", evs, bad)
	}
	ok, errs := collect(ReadSurveys(strings.NewReader("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,6\nA,2026-05-01T00:00:00Z,ces2,8\nA,2026-05-01T00:00:00Z,ces1,2.5\nA,2026-05-01T00:00:00Z,nps,x\nA,2026-05-01T00:00:00Z,nps,10\n"), ""))
	if len(ok) != 2 || ok[0].Score != 6 || ok[1].Scale != ScaleNPS || len(errs) != 3 ||
		!errors.Is(errs[0], ErrScore) || !errors.Is(errs[1], ErrScore) || !errors.Is(errs[2], cs.ErrNotNumber) {
		t.Errorf("responses %v, errors %v", ok, errs)
	}
}

// checkRead drains a reader, checking that every error is located with the
// package prefix and every record is accepted by the rest of the package.
func checkRead[T any](t *testing.T, seq iter.Seq2[T, error], check func(T) error) {
	for v, err := range seq {
		if err != nil {
			var fe *cs.FieldError
			if !strings.HasPrefix(err.Error(), "effort: ") || !errors.As(err, &fe) || fe.File == "" || fe.Line == 0 {
				t.Fatalf("error %q is not a located *cs.FieldError with the package prefix", err)
			}
			if len(err.Error()) > 4096 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			continue
		}
		if err := check(v); err != nil {
			t.Fatalf("reader returned %+v, which the package refuses: %v", v, err)
		}
	}
}

func FuzzReadContacts(f *testing.F) {
	f.Add(contactsCSV)
	f.Add("contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred\n\"a\"\"b\",c,k,2026-01-01T00:00:00+09:00,meeting,,1,1,1\nx,\"y")
	f.Add("contact_id\n")
	f.Fuzz(func(t *testing.T, data string) {
		checkRead(t, ReadContacts(strings.NewReader(data), ""), NewBatch().AddContact)
	})
}

func FuzzReadCaseEvents(f *testing.F) {
	f.Add("case_id,customer_id,event,time\nK,A,opened,2026-05-01T00:00:00Z\nK,A,reopened,2026-05-01T00:00:00Z\n,A,resolved,x\n")
	f.Add("time,event,customer_id,case_id\n\"2026-05-01T00:00:00Z\",resolved,A,K\r\n")
	f.Fuzz(func(t *testing.T, data string) {
		checkRead(t, ReadCaseEvents(strings.NewReader(data), ""), NewBatch().AddCaseEvent)
	})
}

// checkResponse is what the package requires of a response read from a file.
func checkResponse(s Response) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Scale != ScaleNPS {
		if e, err := Ease(s); err != nil || e < 0 || e > 100 {
			return errors.Join(err, errors.New("ease out of 0..100"))
		}
	}
	return nil
}

func FuzzReadSurveys(f *testing.F) {
	f.Add("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,7\nA,2026-05-01T00:00:00Z,ces1,1e0\nA,2026-05-01T00:00:00Z,nps,NaN\n")
	f.Add("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,-0\n")
	f.Fuzz(func(t *testing.T, data string) {
		checkRead(t, ReadSurveys(strings.NewReader(data), ""), checkResponse)
	})
}

// FuzzLoadBatch checks that LoadBatch never panics, that its error stays short
// and names a file, and that the batch it builds analyses within bounds.
func FuzzLoadBatch(f *testing.F) {
	f.Add(contactsCSV, "case_id,customer_id,event,time\nK1,A,opened,2026-05-01T00:00:00Z\nK1,A,resolved,2026-05-05T00:00:00Z\n")
	f.Add("contact_id,who\nm1,x\n", "case_id,customer_id,event,time\nK1,A,opened,now\n\"")
	m, _ := NewModel(Config{})
	f.Fuzz(func(t *testing.T, contacts, events string) {
		b, err := LoadBatch(strings.NewReader(contacts), "c.csv", strings.NewReader(events), "e.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "effort: ") || len(err.Error()) > 4096 ||
				!strings.Contains(err.Error(), "c.csv") && !strings.Contains(err.Error(), "e.csv") {
				t.Fatalf("LoadBatch error %q", err)
			}
		}
		r := m.AnalyzeAt(b, propNow)
		for i := range r.NumCases() {
			if s := r.Case(i).Score; !(s >= 0 && s <= 100) {
				t.Fatalf("score %v", s)
			}
		}
	})
}

// FuzzReadResponses checks that ReadResponses never panics, returns only valid
// responses and a short error naming the file.
func FuzzReadResponses(f *testing.F) {
	f.Add("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,7\nA,2026-05-01T00:00:00Z,ces1,9\n")
	f.Add("kind,score,time,customer_id\nnps,10,2026-05-01T00:00:00Z,\"A\x00\"\n")
	f.Fuzz(func(t *testing.T, data string) {
		rs, err := ReadResponses(strings.NewReader(data), "s.csv")
		if err != nil && (!strings.HasPrefix(err.Error(), "effort: s.csv") || len(err.Error()) > 4096) {
			t.Fatalf("ReadResponses error %q", err)
		}
		for _, s := range rs {
			if err := checkResponse(s); err != nil {
				t.Fatalf("ReadResponses returned %+v: %v", s, err)
			}
		}
	})
}

// A bad header stops its file with one error; the other file is still read, and
// the error names the files.
func TestLoadBatchHeader(t *testing.T) {
	b, err := LoadBatch(strings.NewReader("contact_id,who\nm1,x\n"), "",
		strings.NewReader("case_id,customer_id,event,time\nK1,A,opened,2026-05-01T00:00:00Z\nK1,A,opened,now\n"), "")
	if !errors.Is(err, cs.ErrUnknownField) || !strings.Contains(err.Error(), "contacts.csv:1: header") ||
		!strings.Contains(err.Error(), "case_events.csv:3: customer \"A\": time") {
		t.Errorf("err = %v", err)
	}
	if n, e := b.Len(); n != 0 || e != 1 {
		t.Errorf("Len = %d, %d, want 0, 1", n, e)
	}
}

// TestReaderByteOrderMark checks that a header starting with the byte-order mark a
// spreadsheet writes is read: the mark made the first column an unknown field and
// the whole file was refused.
func TestReaderByteOrderMark(t *testing.T) {
	evs, errs := collect(ReadCaseEvents(strings.NewReader("\ufeffcase_id,customer_id,event,time\nk1,C1,opened,2026-06-01T09:00:00Z\n"), "case_events.csv"))
	if len(errs) != 0 || len(evs) != 1 || evs[0].CaseID != "k1" {
		t.Errorf("read %+v, %v; want case k1", evs, errs)
	}
}

// TestBoundedReading reads a 100 MB line and a million bad lines: each gives
// errors of a few kilobytes at most, the good records around them are read, and
// the heap stays far below the input's size.
func TestBoundedReading(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("builds inputs of 100 MB")
	}
	const head = "case_id,customer_id,event,time\n"
	var in bytes.Buffer
	in.WriteString(head + "K1,A,opened,2026-05-01T00:00:00Z\nK2,A,opened,")
	in.WriteString(strings.Repeat("x", 100<<20))
	in.WriteString("\nK3,A,opened,2026-05-01T00:00:00Z\n")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	evs, errs := collect(ReadCaseEvents(bytes.NewReader(in.Bytes()), "big.csv"))
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if len(evs) != 2 || len(errs) != 1 || !errors.Is(errs[0], cs.ErrTooLong) || !strings.Contains(errs[0].Error(), "big.csv:3:") || len(errs[0].Error()) > 1024 {
		t.Errorf("100 MB line: %d events, errors %.300v", len(evs), errs)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 20<<20 {
		t.Errorf("reading past a 100 MB line allocated %d MB", grown>>20)
	}
	in.Reset()

	in.WriteString(head)
	for range 1_000_000 {
		in.WriteString("K1,A,closed,2026-05-01T00:00:00Z\n")
	}
	b, err := LoadBatch(nil, "", bytes.NewReader(in.Bytes()), "many.csv")
	if n, e := b.Len(); n != 0 || e != 0 || !errors.Is(err, ErrEvent) || len(err.Error()) > 4096 || !strings.Contains(err.Error(), "999990 more problems") {
		t.Errorf("a million bad lines: %d-byte error %.300q", len(err.Error()), err)
	}
}
