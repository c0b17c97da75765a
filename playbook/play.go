package playbook

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
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

// MarshalText returns the priority's name; an invalid priority is an error
// wrapping ErrUnknownValue.
func (p Priority) MarshalText() ([]byte, error) {
	if p < Must || p > Could {
		return nil, wordErr("priority", strconv.Itoa(int(p)), ErrUnknownValue)
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads "must", "should" or "could"; another word is an error
// wrapping ErrUnknownValue.
func (p *Priority) UnmarshalText(b []byte) error {
	i := slices.Index(priorityNames[1:], string(b))
	if i < 0 {
		return wordErr("priority", string(b), why(ErrUnknownValue, "want must, should or could"))
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

// Parse decodes a playbook document strictly and compiles it. Decoding refuses
// what every decoder of the module refuses (an unknown or repeated key, such as
// a second "id" in a play, wraps cs.ErrUnknownField or cs.ErrDuplicateKey; a
// value of the wrong JSON kind cs.ErrWrongType; malformed JSON, trailing data and
// nesting deeper than 64 cs.ErrSyntax; a leading byte-order mark is accepted);
// then the plays are checked as New does. Every problem is a *cs.FieldError with
// its JSON path (plays[2].actions[0].due_days); the error lists the first ten
// and counts the others.
func Parse(data []byte) (*Playbook, error) {
	var (
		doc  Document
		list errs.List
	)
	if !jsonx.DecodeTo(&list, data, &doc, locate("")) || list.Len() > 0 {
		return nil, wrap(list.Err())
	}
	return New(doc.Plays...)
}

// New validates and compiles plays. The error lists every problem (the first
// ten, then a count), each a *cs.FieldError whose path starts at plays[i]: a
// missing or invalid ID (cs.ErrMissing, cs.ErrInvalidID), a repeated one
// (cs.ErrDuplicate), an unknown priority, tier, channel, owner or dedupe key
// (ErrUnknownValue), an unknown stage (cs.ErrInvalidStage), a play without
// actions or an action without a title (cs.ErrMissing), a negative or huge
// number of days or hours (cs.ErrNegative, cs.ErrRange), or a problem of the
// condition as Compile reports it.
func New(plays ...Play) (*Playbook, error) {
	pb := &Playbook{layout: &layout{}}
	var list errs.List
	seen := make(map[string]int, len(plays))
	cc := compiler{l: pb.layout, list: &list}
	for i := range plays {
		p := &plays[i]
		path := "plays[" + strconv.Itoa(i) + "]"
		if j, dup := seen[p.ID]; dup && p.ID != "" {
			list.Add(fieldErr(path+".id", p.ID, why(cs.ErrDuplicate, "also plays[%d]", j)))
		}
		seen[p.ID] = i
		c, ok := checkPlay(p, path, &list)
		c.play = clonePlay(*p)
		n := cc.compile(&c.play.When, path+".when", 0)
		if !ok || n == nil || list.Len() > 0 {
			continue
		}
		c.cond = &Condition{expr: c.play.When, root: n, layout: pb.layout}
		c.text, c.nleaf = c.play.When.String(), n.leaves()
		pb.plays = append(pb.plays, c)
		pb.order = append(pb.order, i)
	}
	if list.Len() > 0 {
		return nil, wrap(list.Err())
	}
	slices.SortStableFunc(pb.order, func(a, b int) int { return cmp.Compare(pb.plays[a].play.Priority, pb.plays[b].play.Priority) })
	return pb, nil
}

// maxDays bounds cooldowns, periods and due dates: a century.
const maxDays = 36500

// checkPlay checks a play's fields other than its condition, adding each
// problem to list, and returns what it compiles of them.
func checkPlay(p *Play, path string, list *errs.List) (compiled, bool) {
	n := list.Len()
	add := func(field, value string, err error) { list.Add(fieldErr(path+field, value, err)) }
	c := compiled{any: len(p.Tiers) == 0, anySt: len(p.Stages) == 0}
	if err := cs.CheckID(p.ID); err != nil {
		add(".id", p.ID, err)
	}
	if p.Priority < Must || p.Priority > Could {
		add(".priority", strconv.Itoa(int(p.Priority)), why(ErrUnknownValue, "want must, should or could"))
	}
	for j, t := range p.Tiers {
		if k := slices.Index(tierNames, t); k >= 0 {
			c.tiers[k+1] = true
		} else {
			add(".tiers["+strconv.Itoa(j)+"]", t, why(ErrUnknownValue, "want high, low or tech"))
		}
	}
	for j, st := range p.Stages {
		if st == cs.StageUnknown || int(st) >= len(c.stage) || st.String() == "" {
			add(".stages["+strconv.Itoa(j)+"]", st.String(), cs.ErrInvalidStage)
		} else {
			c.stage[st] = true
		}
	}
	if len(p.Actions) == 0 {
		add(".actions", "", why(cs.ErrMissing, "a play needs at least one action"))
	}
	for j := range p.Actions {
		checkAction(&p.Actions[j], path+".actions["+strconv.Itoa(j)+"]", list)
	}
	for _, d := range [...]struct {
		field string
		v     int
	}{{".cooldown_days", p.CooldownDays}, {".max_fires", p.MaxFires}, {".period_days", p.PeriodDays}} {
		switch {
		case d.v < 0:
			add(d.field, strconv.Itoa(d.v), cs.ErrNegative)
		case d.v > maxDays:
			add(d.field, strconv.Itoa(d.v), why(cs.ErrRange, "at most %d", maxDays))
		}
	}
	switch p.DedupeKey {
	case "", "customer+play":
	case "customer":
		c.key = true
	default:
		add(".dedupe_key", p.DedupeKey, why(ErrUnknownValue, "want customer+play or customer"))
	}
	for _, f := range [...]struct{ field, v string }{{".name", p.Name}, {".purpose", p.Purpose}} {
		if !utf8.ValidString(f.v) {
			add(f.field, "", why(cs.ErrSyntax, "not UTF-8"))
		}
	}
	return c, list.Len() == n
}

// checkAction checks an action template, adding each problem to list.
func checkAction(a *Action, path string, list *errs.List) {
	add := func(field, value string, err error) { list.Add(fieldErr(path+field, value, err)) }
	if strings.TrimSpace(a.Title) == "" {
		add(".title", "", cs.ErrMissing)
	} else if !utf8.ValidString(a.Title) {
		add(".title", "", why(cs.ErrSyntax, "not UTF-8"))
	}
	if !slices.Contains(channels, a.Channel) {
		add(".channel", a.Channel, why(ErrUnknownValue, "want one of %s", strings.Join(channels, ", ")))
	}
	if !slices.Contains(roles, a.Owner) {
		add(".owner", a.Owner, why(ErrUnknownValue, "want one of %s", strings.Join(roles, ", ")))
	}
	switch {
	case a.DueDays < 0:
		add(".due_days", strconv.Itoa(a.DueDays), cs.ErrNegative)
	case a.DueDays > maxDays:
		add(".due_days", strconv.Itoa(a.DueDays), why(cs.ErrRange, "at most %d", maxDays))
	}
	switch {
	case math.IsNaN(a.Hours) || math.IsInf(a.Hours, 0):
		add(".hours", "", cs.ErrNotFinite)
	case a.Hours < 0:
		add(".hours", strconv.FormatFloat(a.Hours, 'g', -1, 64), cs.ErrNegative)
	case a.Hours > 1e6:
		add(".hours", strconv.FormatFloat(a.Hours, 'g', -1, 64), why(cs.ErrRange, "at most 1e6"))
	}
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
