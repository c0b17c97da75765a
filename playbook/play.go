package playbook

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	cs "github.com/successkit/cs"
)

// Priority separates what must be done from what is merely better than nothing
// (S-cubism article). The zero value is invalid; Must sorts first.
type Priority uint8

// The priorities, in the order tasks are planned.
const (
	Must Priority = iota + 1
	Should
	Could
)

var priorityNames = [...]string{"", "must", "should", "could"}

// String returns "must", "should" or "could".
func (p Priority) String() string {
	if int(p) < len(priorityNames) {
		return priorityNames[p]
	}
	return fmt.Sprintf("Priority(%d)", uint8(p))
}

// MarshalText returns the priority's name.
func (p Priority) MarshalText() ([]byte, error) {
	if p < Must || p > Could {
		return nil, fmt.Errorf("playbook: invalid priority %d", uint8(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads "must", "should" or "could".
func (p *Priority) UnmarshalText(b []byte) error {
	i := slices.Index(priorityNames[1:], string(b))
	if i < 0 {
		return &Error{Path: "priority", Err: ErrSyntax, Msg: fmt.Sprintf("%q (want must, should or could)", b)}
	}
	*p = Priority(i + 1)
	return nil
}

// The channels and owner roles an action may name.
var (
	channels = []string{"email", "in_app", "call", "meeting", "webinar", "community"}
	roles    = []string{"csm", "pooled_csm", "support", "product", "executive_sponsor", "automated"}
)

// Channels returns the channels an action may name: email, in_app, call,
// meeting, webinar and community (the touch points of the tiers of the touch
// model, and the community touch that overlays them). The slice is a new copy.
func Channels() []string { return slices.Clone(channels) }

// Roles returns the owner roles an action may name: csm (a named CSM, high
// touch), pooled_csm (low touch), support, product, executive_sponsor and
// automated (tech touch: no person). The slice is a new copy.
func Roles() []string { return slices.Clone(roles) }

// Action is a task template: what to do, through which channel, by which owner
// role, within how many days of the fire. Hours is the effort estimate used by
// hour-based capacity planning; zero means one slot and no hours.
type Action struct {
	Title   string  `json:"title"`
	Channel string  `json:"channel"`
	Owner   string  `json:"owner"`
	DueDays int     `json:"due_days"`
	Hours   float64 `json:"hours,omitempty"`
}

// Play is one rule of the playbook. Tiers and Stages restrict the customers it
// applies to (empty = all). CooldownDays forbids a re-fire for the same dedupe key
// within that many days of the last fire; MaxFires (0 = unlimited) caps the fires
// per PeriodDays (default 30). DedupeKey chooses what identifies an open task:
// "customer+play" (the default) or "customer" (one open task per customer among
// the plays sharing that key: when several fire at once, the highest priority,
// then the first declared, wins).
type Play struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Purpose      string     `json:"purpose,omitempty"`
	Priority     Priority   `json:"priority"`
	Tiers        []string   `json:"tiers,omitempty"`
	Stages       []cs.Stage `json:"stages,omitempty"`
	When         Expr       `json:"when"`
	Actions      []Action   `json:"actions"`
	CooldownDays int        `json:"cooldown_days,omitempty"`
	MaxFires     int        `json:"max_fires,omitempty"`
	PeriodDays   int        `json:"period_days,omitempty"`
	DedupeKey    string     `json:"dedupe_key,omitempty"`
}

// Document is the JSON form of a playbook.
type Document struct {
	About string `json:"about,omitempty"` // free text describing the playbook
	Plays []Play `json:"plays"`
}

//go:embed default.json
var defaultJSON []byte

// DefaultJSON returns a copy of the default playbook's JSON (see default.json).
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Default returns the compiled default playbook.
func Default() *Playbook {
	pb, err := Parse(defaultJSON)
	if err != nil {
		panic(err) // the embedded file is tested; a failure is a build defect
	}
	return pb
}

// Playbook is a compiled set of plays: immutable and safe for concurrent use.
type Playbook struct {
	plays  []compiled
	order  []int // plays by priority, then declaration order
	layout *layout
}

type compiled struct {
	play  Play
	cond  *Condition
	text  string  // the condition as compact JSON, for reasons
	nleaf int     // comparisons in the condition, to size explanations
	tiers [4]bool // "", high, low, tech — index via tierIndex
	any   bool    // no tier restriction
	stage [8]bool
	anySt bool
	key   bool // dedupe by customer only
}

// Plays returns the playbook's plays in their order.
func (pb *Playbook) Plays() []Play {
	out := make([]Play, len(pb.plays))
	for i := range pb.plays {
		out[i] = pb.plays[i].play
	}
	return out
}

// Parse decodes a playbook document (unknown keys are errors) and compiles it.
// Errors are *Error values with the JSON path of the offending play or value.
func Parse(data []byte) (*Playbook, error) {
	var doc struct {
		About string            `json:"about"`
		Plays []json.RawMessage `json:"plays"`
	}
	if err := decodeStrict(data, &doc); err != nil {
		return nil, &Error{Path: "$", Err: ErrSyntax, Msg: err.Error()}
	}
	plays := make([]Play, len(doc.Plays))
	for i, raw := range doc.Plays {
		if err := decodeStrict(raw, &plays[i]); err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				return nil, &Error{Path: fmt.Sprintf("plays[%d].%s", i, pe.Path), Err: pe.Err, Msg: pe.Msg}
			}
			return nil, &Error{Path: fmt.Sprintf("plays[%d]", i), Err: ErrSyntax, Msg: err.Error()}
		}
	}
	return New(plays...)
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// New validates and compiles plays. Errors are *Error values whose path starts at
// plays[i].
func New(plays ...Play) (*Playbook, error) {
	pb := &Playbook{layout: &layout{}}
	seen := map[string]bool{}
	for i, p := range plays {
		path := fmt.Sprintf("plays[%d]", i)
		if strings.TrimSpace(p.ID) == "" {
			return nil, errAt(path+".id", cs.ErrMissing, "")
		}
		if seen[p.ID] {
			return nil, errAt(path+".id", cs.ErrDuplicate, "%q", p.ID)
		}
		seen[p.ID] = true
		if p.Priority < Must || p.Priority > Could {
			return nil, errAt(path+".priority", ErrSyntax, "want must, should or could")
		}
		c := compiled{play: clonePlay(p), any: len(p.Tiers) == 0, anySt: len(p.Stages) == 0}
		for j, t := range p.Tiers {
			k := slices.Index(tierNames, t)
			if k < 0 {
				return nil, errAt(fmt.Sprintf("%s.tiers[%d]", path, j), ErrImpossible, "unknown tier %q (want high, low or tech)", t)
			}
			c.tiers[k+1] = true
		}
		for j, st := range p.Stages {
			if st == cs.StageUnknown || int(st) >= len(c.stage) || st.String() == "" {
				return nil, errAt(fmt.Sprintf("%s.stages[%d]", path, j), cs.ErrInvalidStage, "")
			}
			c.stage[st] = true
		}
		if len(p.Actions) == 0 {
			return nil, errAt(path+".actions", cs.ErrMissing, "a play needs at least one action")
		}
		for j, a := range p.Actions {
			ap := fmt.Sprintf("%s.actions[%d]", path, j)
			switch {
			case strings.TrimSpace(a.Title) == "":
				return nil, errAt(ap+".title", cs.ErrMissing, "")
			case !slices.Contains(channels, a.Channel):
				return nil, errAt(ap+".channel", cs.ErrUnknownField, "%q (want one of %s)", a.Channel, strings.Join(channels, ", "))
			case !slices.Contains(roles, a.Owner):
				return nil, errAt(ap+".owner", cs.ErrUnknownField, "%q (want one of %s)", a.Owner, strings.Join(roles, ", "))
			case a.DueDays < 0:
				return nil, errAt(ap+".due_days", cs.ErrNegative, "%d", a.DueDays)
			case !(a.Hours >= 0) || a.Hours > 1e6:
				return nil, errAt(ap+".hours", cs.ErrNegative, "%v", a.Hours)
			}
		}
		switch {
		case p.CooldownDays < 0:
			return nil, errAt(path+".cooldown_days", cs.ErrNegative, "%d", p.CooldownDays)
		case p.MaxFires < 0:
			return nil, errAt(path+".max_fires", cs.ErrNegative, "%d", p.MaxFires)
		case p.PeriodDays < 0:
			return nil, errAt(path+".period_days", cs.ErrNegative, "%d", p.PeriodDays)
		}
		switch p.DedupeKey {
		case "", "customer+play":
		case "customer":
			c.key = true
		default:
			return nil, errAt(path+".dedupe_key", ErrSyntax, "%q (want customer+play or customer)", p.DedupeKey)
		}
		n, err := compile(&c.play.When, path+".when", pb.layout)
		if err != nil {
			return nil, err
		}
		c.cond = &Condition{expr: c.play.When, root: n, layout: pb.layout}
		c.text, c.nleaf = c.play.When.String(), n.leaves()
		pb.plays = append(pb.plays, c)
		pb.order = append(pb.order, i)
	}
	slices.SortStableFunc(pb.order, func(a, b int) int { return cmp.Compare(pb.plays[a].play.Priority, pb.plays[b].play.Priority) })
	return pb, nil
}

// Lookback returns the number of days of fires Evaluate reads: the longest
// cooldown, and the longest fire-cap period (PeriodDays, default 30) of a play
// with MaxFires. A History holding the open tasks and only the fires of the
// Lookback days before an evaluation's date evaluates the same as a full one.
func (pb *Playbook) Lookback() int {
	n := 0
	for i := range pb.plays {
		p := &pb.plays[i].play
		n = max(n, p.CooldownDays)
		if p.MaxFires > 0 {
			n = max(n, cmp.Or(p.PeriodDays, 30))
		}
	}
	return n
}

func clonePlay(p Play) Play {
	p.Tiers = slices.Clone(p.Tiers)
	p.Stages = slices.Clone(p.Stages)
	p.Actions = slices.Clone(p.Actions)
	return p
}

func tierIndex(t string) int {
	switch t {
	case "high":
		return 1
	case "low":
		return 2
	case "tech":
		return 3
	}
	return 0
}
