package cycle

import (
	"slices"
	"strings"

	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// Read is one input that a measure of the scorecard, a rule of the touch
// policy or a play reads, as playbook conditions name fields:
// "signal.usage", "attr.plan", "effort.friction", "tier". Required is true
// when the item cannot work without it: a measure without its signal is
// always missing, a rule never flags, a play never fires.
type Read struct {
	Kind     string `json:"kind"` // "measure", "rule" or "play"
	Item     string `json:"item"` // the measure ("profile/measure" with several profiles), rule or play ID
	Field    string `json:"field"`
	Required bool   `json:"required"`
}

// String formats the read: "play renewal-risk reads signal usage_trend".
func (r Read) String() string {
	return r.Kind + " " + r.Item + " reads " + fieldWords(r.Field)
}

// fieldWords spells a field for people: "signal usage_trend", "attribute plan".
func fieldWords(f string) string {
	if s, ok := strings.CutPrefix(f, "signal."); ok {
		return "signal " + s
	}
	if s, ok := strings.CutPrefix(f, "attr."); ok {
		return "attribute " + s
	}
	return f
}

// consequence says what an unmet read means for its item.
func (r Read) consequence() string {
	switch r.Kind {
	case "measure":
		return "it is always missing"
	case "rule":
		return "it never flags an account"
	}
	return "it can never fire"
}

// Unread is a measure, rule or play that needs inputs no customer of the
// week has: one per item, with every field it misses.
type Unread struct {
	Kind    string   `json:"kind"`
	Item    string   `json:"item"`
	Fields  []string `json:"fields"`
	Message string   `json:"message"` // "play renewal-risk reads signal usage_trend, which no customer has: it can never fire"
}

// HealthReads returns the signal or attribute each measure of the scorecard
// reads, by profile then measure name. A measure computed by a Go function
// declares nothing.
func HealthReads(cfg health.Config) []Read {
	var out []Read
	for _, p := range cfg.Profiles {
		for _, g := range p.Groups {
			for _, m := range g.Measures {
				item := m.Name
				if len(cfg.Profiles) > 1 {
					item = p.Name + "/" + m.Name
				}
				switch {
				case m.Signal != "":
					out = append(out, Read{Kind: "measure", Item: item, Field: "signal." + m.Signal, Required: true})
				case m.Attribute != "":
					out = append(out, Read{Kind: "measure", Item: item, Field: "attr." + m.Attribute, Required: true})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Read) int { return strings.Compare(a.Item, b.Item) })
	return slices.CompactFunc(out, func(a, b Read) bool { return a == b })
}

// TouchReads returns the signals the touch policy's rules read: the community
// overlay's advocate (usage), promoter (nps) and peer-help (tickets_90d) rules
// unless the overlay is off, and the upgrade rule's usage_trend. The touch
// package reads these names from Account.Signals (the shared signal
// vocabulary of the sample book).
func TouchReads(p touch.Policy) []Read {
	var out []Read
	if !p.Community.Off {
		out = append(out,
			Read{Kind: "rule", Item: "community.advocate", Field: "signal.usage", Required: true},
			Read{Kind: "rule", Item: "community.promoter", Field: "signal.nps", Required: true},
			Read{Kind: "rule", Item: "community.peer_help", Field: "signal.tickets_90d", Required: true},
		)
	}
	// Upgrade candidates also rise on value, so usage_trend is read, not required.
	out = append(out, Read{Kind: "rule", Item: "upgrade", Field: "signal.usage_trend"})
	return out
}

// PlaybookReads returns what each play reads (playbook.Playbook.Reads).
func PlaybookReads(pb *playbook.Playbook) []Read {
	var out []Read
	for _, r := range pb.Reads() {
		out = append(out, Read{Kind: "play", Item: r.Play, Field: r.Field, Required: r.Required})
	}
	return out
}

// inputs is what the week's customers and files carry, to check the reads
// against.
type inputs struct {
	signals, attrs             map[string]bool
	stage, renewal, start, mrr bool
	segment                    bool
	friction, fcr, ces, cases  bool
	touch                      bool
}

// has answers whether some customer of the week can have the field.
func (in *inputs) has(field string) bool {
	if s, ok := strings.CutPrefix(field, "signal."); ok {
		return in.signals[s]
	}
	if a, ok := strings.CutPrefix(field, "attr."); ok {
		return in.attrs[a]
	}
	switch field {
	case "stage":
		return in.stage
	case "days_to_renewal":
		return in.renewal
	case "tenure_days":
		return in.start
	case "mrr":
		return in.mrr
	case "segment":
		return in.segment
	case "effort.friction":
		return in.friction || in.signals[effort.SignalFriction]
	case "effort.fcr":
		return in.fcr || in.signals[effort.SignalFCRRate]
	case "effort.ces":
		return in.ces || in.signals[effort.SignalCES]
	case "event.case_closed":
		return in.cases
	case "tier", "community":
		return in.touch
	}
	// health.* is computed for every active customer; other events and
	// fields are the caller's and cannot be checked here.
	return true
}

// unread returns, once per item, the required reads the week cannot satisfy,
// in the order of reads.
func unread(reads []Read, in *inputs) []Unread {
	var out []Unread
	for _, r := range reads {
		if !r.Required || in.has(r.Field) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Kind == r.Kind && out[n-1].Item == r.Item {
			out[n-1].Fields = append(out[n-1].Fields, r.Field)
			continue
		}
		out = append(out, Unread{Kind: r.Kind, Item: r.Item, Fields: []string{r.Field}})
	}
	for i := range out {
		u := &out[i]
		words := make([]string, len(u.Fields))
		for k, f := range u.Fields {
			words[k] = fieldWords(f)
		}
		u.Message = u.Kind + " " + u.Item + " reads " + strings.Join(words, " and ") + ", which no customer has: " +
			Read{Kind: u.Kind}.consequence()
	}
	return out
}

// entering lists the fields the playbook reads inside "entering" conditions,
// which the previous situation must answer: signals and attributes by name.
type entering struct {
	any     bool
	signals []string
	attrs   []string
}

func enteringOf(pb *playbook.Playbook) entering {
	var e entering
	var walk func(x *playbook.Expr, under bool)
	walk = func(x *playbook.Expr, under bool) {
		if x == nil {
			return
		}
		for i := range x.All {
			walk(&x.All[i], under)
		}
		for i := range x.Any {
			walk(&x.Any[i], under)
		}
		walk(x.Not, under)
		if x.Entering != nil {
			e.any = true
			walk(x.Entering, true)
		}
		if under && x.Field != "" {
			if s, ok := strings.CutPrefix(x.Field, "signal."); ok {
				e.signals = append(e.signals, s)
			}
			if a, ok := strings.CutPrefix(x.Field, "attr."); ok {
				e.attrs = append(e.attrs, a)
			}
			// The previous situation's effort comes from the effort signals
			// its customer was stored with.
			switch x.Field {
			case "effort.friction":
				e.signals = append(e.signals, effort.SignalFriction)
			case "effort.fcr":
				e.signals = append(e.signals, effort.SignalFCRRate)
			case "effort.ces":
				e.signals = append(e.signals, effort.SignalCES)
			}
		}
	}
	for _, p := range pb.Plays() {
		walk(&p.When, false)
	}
	slices.Sort(e.signals)
	slices.Sort(e.attrs)
	e.signals = slices.Compact(e.signals)
	e.attrs = slices.Compact(e.attrs)
	return e
}
