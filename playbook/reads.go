package playbook

import (
	"slices"
	"strings"
)

// Read is one input a condition or a play reads: a field as conditions name it
// ("health.score", "signal.usage_trend", "attr.plan", "event.case_closed",
// "tier", "stage"). Required is true when the condition is false whenever the
// field is missing (a missing signal, attribute or score; an absent event): on a
// book where no customer has it, the play can never fire. A field read only as
// "not exists", or in one branch of an any, is read but not required.
type Read struct {
	Play     string `json:"play,omitempty"` // the play's ID; empty from Condition.Reads
	Field    string `json:"field"`
	Required bool   `json:"required"`
}

// String formats the read as "play silent-risk reads signal.nps" or, required,
// "play renewal-risk needs days_to_renewal".
func (r Read) String() string {
	verb := "reads"
	if r.Required {
		verb = "needs"
	}
	if r.Play == "" {
		return verb + " " + r.Field
	}
	return "play " + r.Play + " " + verb + " " + r.Field
}

// Reads returns the fields the condition reads, each once, sorted by field.
func (c *Condition) Reads() []Read { return c.root.reads("") }

// Reads returns what each play reads, in the playbook's order of plays and,
// within a play, by field: every field of its condition, and "tier" or "stage"
// (required) when the play is restricted to some tiers or stages. A program
// checks them against its book to warn that a play can never fire (see
// Playbook.Unmet).
func (pb *Playbook) Reads() []Read {
	var out []Read
	for i := range pb.plays {
		c := &pb.plays[i]
		rs := c.cond.root.reads(c.play.ID)
		if len(c.play.Tiers) > 0 {
			rs = mergeRead(rs, Read{Play: c.play.ID, Field: "tier", Required: true})
		}
		if len(c.play.Stages) > 0 {
			rs = mergeRead(rs, Read{Play: c.play.ID, Field: "stage", Required: true})
		}
		out = append(out, rs...)
	}
	return out
}

// Unmet returns the required reads whose field has reports absent from the
// book: each names a play that can never fire there. has receives field names
// as conditions spell them; a program typically answers from the signal and
// attribute names its customers carry and the steps it runs (health.*,
// effort.*, tier).
func (pb *Playbook) Unmet(has func(field string) bool) []Read {
	var out []Read
	for _, r := range pb.Reads() {
		if r.Required && !has(r.Field) {
			out = append(out, r)
		}
	}
	return out
}

func mergeRead(rs []Read, r Read) []Read {
	i, found := slices.BinarySearchFunc(rs, r.Field, func(a Read, f string) int { return strings.Compare(a.Field, f) })
	if found {
		rs[i].Required = rs[i].Required || r.Required
		return rs
	}
	return slices.Insert(rs, i, r)
}

func (n *node) reads(play string) []Read {
	var fields []string
	n.fields(&fields)
	slices.Sort(fields)
	fields = slices.Compact(fields)
	out := make([]Read, len(fields))
	for i, f := range fields {
		out[i] = Read{Play: play, Field: f, Required: n.without(f) == never}
	}
	return out
}

func (n *node) fields(out *[]string) {
	if n.kids == nil {
		*out = append(*out, n.e.Field)
	}
	for _, k := range n.kids {
		k.fields(out)
	}
}

// tri is a truth value that may be unknown.
type tri uint8

const (
	maybe tri = iota
	never
	always
)

// without evaluates the condition for a customer without the field, every
// other field unknown. A comparison on a missing value is false; a missing flag
// (an absent event) is false and compared as such.
func (n *node) without(field string) tri {
	e := n.e
	switch {
	case e.All != nil:
		out := always
		for _, k := range n.kids {
			switch k.without(field) {
			case never:
				return never
			case maybe:
				out = maybe
			}
		}
		return out
	case e.Any != nil:
		out := never
		for _, k := range n.kids {
			switch k.without(field) {
			case always:
				return always
			case maybe:
				out = maybe
			}
		}
		return out
	case e.Not != nil:
		switch n.kids[0].without(field) {
		case never:
			return always
		case always:
			return never
		}
		return maybe
	case e.Entering != nil:
		// Always true without the field means true at the previous evaluation
		// too, except at the first one: entering is then unknown.
		if n.kids[0].without(field) == never {
			return never
		}
		return maybe
	}
	if e.Field != field {
		return maybe
	}
	if n.flag == nil {
		return never
	}
	if n.p(&Situation{}) {
		return always
	}
	return never
}
