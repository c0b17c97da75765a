package effort

import (
	"fmt"
	"strconv"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Channel is how a contact reached the company. The zero value is invalid.
type Channel uint8

// The contact channels of contacts.csv.
const (
	ChannelUnknown Channel = iota
	SelfService
	Email
	Chat
	Phone
	Meeting
)

var channelNames = [...]string{"", "self_service", "email", "chat", "phone", "meeting"}

// ParseChannel returns the channel named by its word in contacts.csv
// (self_service, email, chat, phone, meeting); other text wraps ErrChannel.
func ParseChannel(s string) (Channel, error) {
	for i, n := range channelNames {
		if i > 0 && n == s {
			return Channel(i), nil
		}
	}
	return ChannelUnknown, fmt.Errorf("effort: %w", &cs.FieldError{Field: "channel", Value: errs.Clip(s), Err: ErrChannel})
}

// String returns the channel's word.
func (c Channel) String() string {
	if int(c) < len(channelNames) {
		return channelNames[c]
	}
	return "channel(" + strconv.Itoa(int(c)) + ")"
}

// Assisted reports whether a person answers on the channel (everything but
// self-service). A self-service contact followed by an assisted one is a forced switch.
func (c Channel) Assisted() bool { return c > SelfService && int(c) < len(channelNames) }

// Contact is one interaction of a customer with support about a case.
type Contact struct {
	ID            string
	CustomerID    string
	CaseID        string
	Time          time.Time
	Channel       Channel
	Agent         string // agent or team; may be empty; read but not scored (transfers come from the flag)
	RepeatedInfo  bool   // the customer had to repeat information already given
	GenericAnswer bool   // the answer was generic and did not solve the issue
	Transferred   bool   // the contact ended in a transfer
}

// EventKind is a case lifecycle event. The zero value is invalid.
type EventKind uint8

// The case events of case_events.csv.
const (
	EventUnknown EventKind = iota
	Opened
	Resolved
	Reopened
)

var eventNames = [...]string{"", "opened", "resolved", "reopened"}

// ParseEventKind returns the event named by its word; other text wraps ErrEvent.
func ParseEventKind(s string) (EventKind, error) {
	for i, n := range eventNames {
		if i > 0 && n == s {
			return EventKind(i), nil
		}
	}
	return EventUnknown, fmt.Errorf("effort: %w", &cs.FieldError{Field: "event", Value: errs.Clip(s), Err: ErrEvent})
}

// String returns the event's word.
func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// CaseEvent is one lifecycle event of a support case.
type CaseEvent struct {
	CaseID     string
	CustomerID string
	Kind       EventKind
	Time       time.Time
}

const (
	flagRepeated = 1 << 3
	flagGeneric  = 1 << 4
	flagTransfer = 1 << 5
	channelMask  = 7
	maxIDLen     = 255
)

// Batch collects contacts and case events in a compact, interned form (IDs mapped to
// ints, times as Unix seconds, contact IDs in one byte arena) so that millions of
// contacts are analysed without a heap allocation per contact. Add records in any
// order; Model.AnalyzeAt does the rest. The zero Batch is not usable; call NewBatch.
// A Batch is not safe for concurrent Add; once filled it may be analysed by several
// goroutines at once.
type Batch struct {
	custIdx map[string]int32
	custs   []string
	caseIdx map[string]int32
	cases   []string

	// contacts, one entry per added contact
	cTime  []int64
	cCase  []int32
	cCust  []int32
	cMeta  []uint8  // channel | flags
	cIDEnd []uint32 // end of the contact's ID in ids; its start is the previous end
	cHash  []uint32 // FNV-1a of the ID, so copies are found without reading ids
	ids    []byte

	// case events
	eTime []int64
	eCase []int32
	eCust []int32
	eKind []uint8
}

// NewBatch returns an empty batch.
func NewBatch() *Batch {
	return &Batch{custIdx: map[string]int32{}, caseIdx: map[string]int32{}}
}

// Len returns the numbers of contacts and case events added.
func (b *Batch) Len() (contacts, events int) { return len(b.cTime), len(b.eTime) }

func (b *Batch) intern(m map[string]int32, list *[]string, s string) int32 {
	if i, ok := m[s]; ok {
		return i
	}
	i := int32(len(*list))
	m[s] = i
	*list = append(*list, s)
	return i
}

// AddContact validates the contact's own fields and adds it. A missing or
// invalid ID, customer or case (cs.CheckID), a missing time, an unknown channel
// or a contact ID longer than 255 bytes (cs.ErrTooLong) is an error, prefixed
// "effort: " and wrapping a *cs.FieldError naming the field, and the contact is
// not added. Checks that need the other records (unknown case, future time,
// duplicates) happen in Model.AnalyzeAt.
func (b *Batch) AddContact(c Contact) error {
	fail := func(field, value string, err error) error {
		return fmt.Errorf("effort: contact %q: %w", errs.Clip(c.ID), &cs.FieldError{Record: errs.Clip(c.CustomerID), Field: field, Value: errs.Clip(value), Err: err})
	}
	switch {
	case cs.CheckID(c.ID) != nil:
		return fail("contact_id", c.ID, cs.CheckID(c.ID))
	case len(c.ID) > maxIDLen:
		return fail("contact_id", c.ID, fmt.Errorf("longer than %d bytes: %w", maxIDLen, cs.ErrTooLong))
	case cs.CheckID(c.CustomerID) != nil:
		return fail("customer_id", c.CustomerID, cs.CheckID(c.CustomerID))
	case cs.CheckID(c.CaseID) != nil:
		return fail("case_id", c.CaseID, cs.CheckID(c.CaseID))
	case c.Time.IsZero():
		return fail("time", "", cs.ErrMissing)
	case c.Channel == ChannelUnknown || int(c.Channel) >= len(channelNames):
		return fail("channel", c.Channel.String(), ErrChannel)
	}
	meta := uint8(c.Channel)
	if c.RepeatedInfo {
		meta |= flagRepeated
	}
	if c.GenericAnswer {
		meta |= flagGeneric
	}
	if c.Transferred {
		meta |= flagTransfer
	}
	b.cTime = append(b.cTime, c.Time.Unix())
	b.cCase = append(b.cCase, b.intern(b.caseIdx, &b.cases, c.CaseID))
	b.cCust = append(b.cCust, b.intern(b.custIdx, &b.custs, c.CustomerID))
	b.cMeta = append(b.cMeta, meta)
	b.ids = append(b.ids, c.ID...)
	b.cHash = append(b.cHash, uint32(fnv1a(c.ID)))
	b.cIDEnd = append(b.cIDEnd, uint32(len(b.ids)))
	return nil
}

// AddCaseEvent validates the event's own fields and adds it; errors as AddContact.
func (b *Batch) AddCaseEvent(e CaseEvent) error {
	fail := func(field, value string, err error) error {
		return fmt.Errorf("effort: case %q: %w", errs.Clip(e.CaseID), &cs.FieldError{Record: errs.Clip(e.CustomerID), Field: field, Value: errs.Clip(value), Err: err})
	}
	switch {
	case cs.CheckID(e.CaseID) != nil:
		return fail("case_id", e.CaseID, cs.CheckID(e.CaseID))
	case cs.CheckID(e.CustomerID) != nil:
		return fail("customer_id", e.CustomerID, cs.CheckID(e.CustomerID))
	case e.Time.IsZero():
		return fail("time", "", cs.ErrMissing)
	case e.Kind == EventUnknown || int(e.Kind) >= len(eventNames):
		return fail("event", e.Kind.String(), ErrEvent)
	}
	b.eTime = append(b.eTime, e.Time.Unix())
	b.eCase = append(b.eCase, b.intern(b.caseIdx, &b.cases, e.CaseID))
	b.eCust = append(b.eCust, b.intern(b.custIdx, &b.custs, e.CustomerID))
	b.eKind = append(b.eKind, uint8(e.Kind))
	return nil
}

func (b *Batch) contactID(i int32) []byte {
	var start uint32
	if i > 0 {
		start = b.cIDEnd[i-1]
	}
	return b.ids[start:b.cIDEnd[i]]
}

// fnv1a is the 64-bit FNV-1a hash (Fowler, Noll, Vo; IETF draft-eastlake-fnv).
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// MarshalText encodes the channel's word; ChannelUnknown and undefined values are
// an error wrapping ErrChannel.
func (c Channel) MarshalText() ([]byte, error) {
	if c == ChannelUnknown || int(c) >= len(channelNames) {
		return nil, fmt.Errorf("effort: channel %d: %w", uint8(c), ErrChannel)
	}
	return []byte(channelNames[c]), nil
}

// UnmarshalText decodes the form of ParseChannel.
func (c *Channel) UnmarshalText(b []byte) error {
	v, err := ParseChannel(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// MarshalText encodes the event's word; EventUnknown and undefined values are an
// error wrapping ErrEvent.
func (k EventKind) MarshalText() ([]byte, error) {
	if k == EventUnknown || int(k) >= len(eventNames) {
		return nil, fmt.Errorf("effort: event %d: %w", uint8(k), ErrEvent)
	}
	return []byte(eventNames[k]), nil
}

// UnmarshalText decodes the form of ParseEventKind.
func (k *EventKind) UnmarshalText(b []byte) error {
	v, err := ParseEventKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
