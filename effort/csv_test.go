package effort

import (
	"errors"
	"io"
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

func TestContactReader(t *testing.T) {
	r := NewContactReader(strings.NewReader(contactsCSV), "")
	var got []Contact
	var errs []error
	for {
		c, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, c)
	}
	if len(got) != 3 || got[1].Channel != Phone || !got[1].RepeatedInfo || !got[1].Transferred || got[1].GenericAnswer ||
		got[2].Agent != "Team, B" || !got[2].RepeatedInfo || !got[1].Time.Equal(at("2026-05-04T10:00:00Z")) {
		t.Errorf("contacts = %+v", got)
	}
	// One error per bad line, each naming file, line and field.
	want := []struct {
		line  int
		field string
	}{{4, "channel"}, {5, "time"}, {6, "repeated_info"}}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		var fe *cs.FieldError
		if !errors.As(errs[i], &fe) || fe.Line != w.line || fe.Field != w.field || fe.File != "contacts.csv" ||
			!strings.HasPrefix(errs[i].Error(), "effort: contacts.csv:") {
			t.Errorf("error %d = %v, want line %d field %s", i, errs[i], w.line, w.field)
		}
	}
}

func TestReaderHeaders(t *testing.T) {
	tests := []struct {
		name string
		read func() error
		want error
	}{
		// an extra column is refused rather than ignored
		{"unknown column", func() error {
			_, err := NewCaseEventReader(strings.NewReader("case_id,customer_id,event,time,extra\n"), "").Read()
			return err
		}, cs.ErrUnknownField},
		// a column missing from the header
		{"missing column", func() error {
			_, err := NewSurveyReader(strings.NewReader("customer_id,time,kind\n"), "").Read()
			return err
		}, cs.ErrMissing},
		// an empty file has no header
		{"empty", func() error { _, err := NewContactReader(strings.NewReader(""), "").Read(); return err }, cs.ErrMissing},
		// a column named twice
		{"duplicate column", func() error {
			_, err := NewCaseEventReader(strings.NewReader("case_id,case_id,customer_id,event,time\n"), "").Read()
			return err
		}, cs.ErrDuplicate},
	}
	for _, tt := range tests {
		if err := tt.read(); !errors.Is(err, tt.want) {
			t.Errorf("%s: Read = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCaseEventAndSurveyReaders(t *testing.T) {
	er := NewCaseEventReader(strings.NewReader("time,event,customer_id,case_id\n2026-05-01T00:00:00Z,opened,A,K1\n2026-05-02T00:00:00Z,closed,A,K1\n2026-05-03T00:00:00Z,resolved,A,K1\n"), "ev.csv")
	var kinds []EventKind
	var bad []error
	for {
		e, err := er.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad = append(bad, err)
			continue
		}
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 2 || kinds[1] != Resolved || len(bad) != 1 || !errors.Is(bad[0], ErrEvent) || !strings.Contains(bad[0].Error(), "ev.csv:3:") {
		t.Errorf("events %v, errors %v", kinds, bad)
	}

	sr := NewSurveyReader(strings.NewReader("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,6\nA,2026-05-01T00:00:00Z,ces2,8\nA,2026-05-01T00:00:00Z,ces1,2.5\nA,2026-05-01T00:00:00Z,nps,x\nA,2026-05-01T00:00:00Z,nps,10\n"), "")
	var ok []Response
	var errs []error
	for {
		s, err := sr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ok = append(ok, s)
	}
	if len(ok) != 2 || ok[0].Score != 6 || ok[1].Scale != ScaleNPS || len(errs) != 3 ||
		!errors.Is(errs[0], ErrScore) || !errors.Is(errs[1], ErrScore) || !errors.Is(errs[2], cs.ErrNotNumber) {
		t.Errorf("responses %v, errors %v", ok, errs)
	}
}

// drain reads until io.EOF and checks that the reader makes progress and that every
// record it returns is accepted by the rest of the package.
func drain[T any](t *testing.T, data string, read func() (T, error), check func(T) error) {
	for range len(data) + 3 {
		v, err := read()
		if err == io.EOF {
			return
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "effort: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			var fe *cs.FieldError
			if !errors.As(err, &fe) && !strings.Contains(err.Error(), "csv") {
				t.Fatalf("error %q is not a *cs.FieldError", err)
			}
			continue
		}
		if err := check(v); err != nil {
			t.Fatalf("reader returned %+v, which the package refuses: %v", v, err)
		}
	}
	// A bad header repeats its error forever; anything else must reach io.EOF.
	if _, err := read(); err != nil && !errors.Is(err, cs.ErrUnknownField) && !errors.Is(err, cs.ErrMissing) &&
		!errors.Is(err, cs.ErrDuplicate) && !strings.Contains(err.Error(), ":1: header") {
		t.Fatalf("reader made no progress: %v", err)
	}
}

func FuzzContactReader(f *testing.F) {
	f.Add(contactsCSV)
	f.Add("contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred\n\"a\"\"b\",c,k,2026-01-01T00:00:00+09:00,meeting,,1,1,1\nx,\"y")
	f.Add("contact_id\n")
	f.Fuzz(func(t *testing.T, data string) {
		r := NewContactReader(strings.NewReader(data), "")
		b := NewBatch()
		drain(t, data, r.Read, b.AddContact)
	})
}

func FuzzCaseEventReader(f *testing.F) {
	f.Add("case_id,customer_id,event,time\nK,A,opened,2026-05-01T00:00:00Z\nK,A,reopened,2026-05-01T00:00:00Z\n,A,resolved,x\n")
	f.Add("time,event,customer_id,case_id\n\"2026-05-01T00:00:00Z\",resolved,A,K\r\n")
	f.Fuzz(func(t *testing.T, data string) {
		r := NewCaseEventReader(strings.NewReader(data), "")
		b := NewBatch()
		drain(t, data, r.Read, b.AddCaseEvent)
	})
}

func FuzzSurveyReader(f *testing.F) {
	f.Add("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,7\nA,2026-05-01T00:00:00Z,ces1,1e0\nA,2026-05-01T00:00:00Z,nps,NaN\n")
	f.Add("customer_id,time,kind,score\nA,2026-05-01T00:00:00Z,ces2,-0\n")
	f.Fuzz(func(t *testing.T, data string) {
		r := NewSurveyReader(strings.NewReader(data), "")
		drain(t, data, r.Read, func(s Response) error {
			if err := s.Validate(); err != nil {
				return err
			}
			if s.Scale != ScaleNPS {
				if e, err := Ease(s); err != nil || e < 0 || e > 100 {
					return errors.Join(err, errors.New("ease out of 0..100"))
				}
			}
			return nil
		})
	})
}

// A bad header stops its file with one error; the other file is still read.
func TestLoadBatchHeader(t *testing.T) {
	b, errs := LoadBatch(strings.NewReader("contact_id,who\nm1,x\n"),
		strings.NewReader("case_id,customer_id,event,time\nK1,A,opened,2026-05-01T00:00:00Z\nK1,A,opened,now\n"))
	if len(errs) != 2 || !errors.Is(errs[0], cs.ErrUnknownField) || !strings.Contains(errs[1].Error(), "case_events.csv:3: time") {
		t.Errorf("errs = %v", errs)
	}
	if n, e := b.Len(); n != 0 || e != 1 {
		t.Errorf("Len = %d, %d, want 0, 1", n, e)
	}
}

// TestReaderByteOrderMark checks that a header starting with the byte-order mark a
// spreadsheet writes is read, as the cs, health and retention readers read it: the
// mark made the first column an unknown field and the whole file was refused.
func TestReaderByteOrderMark(t *testing.T) {
	r := NewCaseEventReader(strings.NewReader("\ufeffcase_id,customer_id,event,time\nk1,C1,opened,2026-06-01T09:00:00Z\n"), "case_events.csv")
	ev, err := r.Read()
	if err != nil {
		t.Fatalf("Read = %v, want the event", err)
	}
	if ev.CaseID != "k1" {
		t.Errorf("Read = %+v, want case k1", ev)
	}
}
