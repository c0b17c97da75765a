package touch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	cs "github.com/successkit/cs"
)

// Tier is a touch model tier (S-cubism; the community-touch column, 2024): how much human
// attention an account gets. The zero Tier, None, means "no tier": an account that
// was never assigned. Tiers are ordered by attention, so Tech < Low < High and a
// comparison such as t >= Low means "served by a human".
//
// A Tier marshals to and from the words "high", "low" and "tech" (the names the
// playbook package's tier field uses); None marshals to the empty text.
//
// Community touch is not a Tier: it overlays the three (see CommunityReason).
type Tier uint8

// The tiers, in ascending order of human attention.
const (
	None Tier = iota // no tier: never assigned
	Tech             // tech touch: no human in the loop (email, in-app, FAQ)
	Low              // low touch (mid touch): pooled CSMs, one-to-many
	High             // high touch: a named CSM, one-to-one
)

var tierNames = [...]string{None: "", Tech: "tech", Low: "low", High: "high"}

// Tiers returns the three tiers from the most attention to the least: High, Low,
// Tech. It is the order in which accounts are filled and summaries are listed.
func Tiers() []Tier { return []Tier{High, Low, Tech} }

// ParseTier returns the tier named by one of the words "high", "low" or "tech".
// The empty string gives None. The error wraps ErrUnknownTier.
func ParseTier(s string) (Tier, error) {
	for t, name := range tierNames {
		if name == s {
			return Tier(t), nil
		}
	}
	return None, wordErr("tier", s, fmt.Errorf("want high, low or tech: %w", ErrUnknownTier))
}

// String returns the tier's word, "" for None, or "Tier(n)" for an undefined value.
func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", uint8(t))
}

// Valid reports whether t is None, Tech, Low or High.
func (t Tier) Valid() bool { return int(t) < len(tierNames) }

// MarshalText encodes the tier's word; an undefined Tier is an error wrapping
// ErrUnknownTier.
func (t Tier) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, wordErr("tier", strconv.Itoa(int(t)), ErrUnknownTier)
	}
	return []byte(tierNames[t]), nil
}

// UnmarshalText decodes the form of ParseTier.
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := ParseTier(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Basis is the measure of an account's value that thresholds, capacity order and
// the cost gate compare. The zero Basis is LTV, as the community-touch column
// (2024) sizes the tiers by LTV, "how much may be spent to retain a customer". It marshals as
// "ltv", "arr" or "mrr".
type Basis uint8

// The value bases.
const (
	LTV Basis = iota // lifetime value, supplied by the caller (for example from retention)
	ARR              // annual recurring revenue: the customer's MRR × 12
	MRR              // monthly recurring revenue
)

var basisNames = [...]string{LTV: "ltv", ARR: "arr", MRR: "mrr"}

// String returns "ltv", "arr" or "mrr", or "Basis(n)" for an undefined value.
func (b Basis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return fmt.Sprintf("Basis(%d)", uint8(b))
}

// MarshalText encodes the basis's word.
func (b Basis) MarshalText() ([]byte, error) {
	if int(b) >= len(basisNames) {
		return nil, wordErr("basis", strconv.Itoa(int(b)), cs.ErrUnknownField)
	}
	return []byte(basisNames[b]), nil
}

// UnmarshalText decodes "ltv", "arr" or "mrr"; the empty text gives LTV.
func (b *Basis) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*b = LTV
		return nil
	}
	for i, name := range basisNames {
		if name == string(text) {
			*b = Basis(i)
			return nil
		}
	}
	return wordErr("basis", string(text), fmt.Errorf("want ltv, arr or mrr: %w", cs.ErrUnknownField))
}

// Method chooses the CSM of an account inside a tier with named CSMs when its
// current owner cannot keep it. Every method is sticky first: an account keeps its
// owner while that CSM serves the tier and has room. The zero Method is
// LeastAccounts.
type Method uint8

// The assignment methods.
const (
	LeastAccounts Method = iota // the CSM with the fewest accounts, ties by CSM order
	LeastARR                    // the CSM with the least ARR, ties by CSM order
	RoundRobin                  // the CSMs in turn, in CSM order, skipping full ones
)

var methodNames = [...]string{LeastAccounts: "least_accounts", LeastARR: "least_arr", RoundRobin: "round_robin"}

// String returns "least_accounts", "least_arr" or "round_robin".
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", uint8(m))
}

// MarshalText encodes the method's word.
func (m Method) MarshalText() ([]byte, error) {
	if int(m) >= len(methodNames) {
		return nil, wordErr("method", strconv.Itoa(int(m)), cs.ErrUnknownField)
	}
	return []byte(methodNames[m]), nil
}

// UnmarshalText decodes the words of String; the empty text gives LeastAccounts.
func (m *Method) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*m = LeastAccounts
		return nil
	}
	for i, name := range methodNames {
		if name == string(text) {
			*m = Method(i)
			return nil
		}
	}
	return wordErr("method", string(text), fmt.Errorf("want least_accounts, least_arr or round_robin: %w", cs.ErrUnknownField))
}

// flagWords writes the words of the set bits of v, in bit order, joined by ",".
func flagWords(v uint32, words []string) string {
	var b strings.Builder
	for i, w := range words {
		if v&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// Reasons is the set of reasons an account got its tier, recorded on every
// Assignment. It marshals to JSON as a list of words in the order of the
// constants below, such as ["threshold","capacity"].
type Reasons uint32

// The reasons.
const (
	// ReasonThreshold: the account's value lies in the tier's threshold band.
	ReasonThreshold Reasons = 1 << iota
	// ReasonNew: the account had no previous tier, so hysteresis did not apply.
	ReasonNew
	// ReasonHeld: the value left the band of the tier it earned last period
	// (State.Due), but not by the margin nor for enough periods, so the account
	// kept that tier.
	ReasonHeld
	// ReasonMargin: the value crossed a threshold by the hysteresis margin.
	ReasonMargin
	// ReasonPeriods: the value stayed across a threshold for the policy's number
	// of consecutive periods.
	ReasonPeriods
	// ReasonCapacity: a higher tier was full, so the account spilled to this one.
	ReasonCapacity
	// ReasonCost: a higher tier costs more to serve than the policy's maximum
	// share of the account's value.
	ReasonCost
	// ReasonPoorFit: the fit gate marked the account as one the company cannot
	// make successful (Razavi, 2019); it gets no human capacity.
	ReasonPoorFit
	// ReasonUnserved: the tech tier's own capacity was full; the account stays in
	// tech touch without an owner and counts as the tier's overflow.
	ReasonUnserved
)

var reasonWords = []string{"threshold", "new", "held", "margin", "periods", "capacity", "cost", "poor_fit", "unserved"}

// Has reports whether every reason of q is in r.
func (r Reasons) Has(q Reasons) bool { return r&q == q }

// String returns the reasons' words joined by commas, "" for none.
func (r Reasons) String() string { return flagWords(uint32(r), reasonWords) }

// MarshalText encodes the reasons as String does: words joined by commas.
func (r Reasons) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes the form of MarshalText; the empty text is no reason. An
// unknown word wraps cs.ErrUnknownField, a repeated one cs.ErrDuplicate.
func (r *Reasons) UnmarshalText(b []byte) error {
	v, err := parseWords(b, reasonWords, "reason")
	if err != nil {
		return err
	}
	*r = Reasons(v)
	return nil
}

// MarshalJSON encodes the reasons as a list of words.
func (r Reasons) MarshalJSON() ([]byte, error) { return marshalWords(uint32(r), reasonWords), nil }

// UnmarshalJSON decodes a list of words; an unknown word wraps cs.ErrUnknownField,
// a repeated one cs.ErrDuplicate.
func (r *Reasons) UnmarshalJSON(b []byte) error {
	v, err := unmarshalWords(b, reasonWords, "reason")
	if err != nil {
		return err
	}
	*r = Reasons(v)
	return nil
}

// Community is the community-touch overlay of an account: the set of reasons it
// is invited to the community (members' site, user groups, meet-ups). Community
// touch crosses all three tiers and is never a tier of its own (the
// community-touch column, 2024). The zero value means "not flagged". It marshals to JSON as a list of
// words.
type Community uint8

// The community reasons.
const (
	// CommunityAdvocate: a healthy, engaged account, invited to share its
	// know-how: high-touch customers who share know-how lift the others (the
	// community-touch column, 2024).
	CommunityAdvocate Community = 1 << iota
	// CommunityPromoter: an NPS promoter (9 or 10), a natural speaker at user
	// meet-ups.
	CommunityPromoter
	// CommunityPeerHelp: an account asking many support questions that peers
	// could answer, pointed to the community instead of (or beside) support.
	CommunityPeerHelp
)

var communityWords = []string{"advocate", "promoter", "peer_help"}

// Flagged reports whether any community reason is set.
func (c Community) Flagged() bool { return c != 0 }

// Has reports whether every reason of q is in c.
func (c Community) Has(q Community) bool { return c&q == q }

// String returns the reasons' words joined by commas, "" for none.
func (c Community) String() string { return flagWords(uint32(c), communityWords) }

// MarshalText encodes the reasons as String does: words joined by commas.
func (c Community) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes the form of MarshalText; the empty text is not flagged.
// An unknown word wraps cs.ErrUnknownField, a repeated one cs.ErrDuplicate.
func (c *Community) UnmarshalText(b []byte) error {
	v, err := parseWords(b, communityWords, "community")
	if err != nil {
		return err
	}
	*c = Community(v)
	return nil
}

// MarshalJSON encodes the reasons as a list of words.
func (c Community) MarshalJSON() ([]byte, error) {
	return marshalWords(uint32(c), communityWords), nil
}

// UnmarshalJSON decodes a list of words; an unknown word wraps cs.ErrUnknownField,
// a repeated one cs.ErrDuplicate.
func (c *Community) UnmarshalJSON(b []byte) error {
	v, err := unmarshalWords(b, communityWords, "community")
	if err != nil {
		return err
	}
	*c = Community(v)
	return nil
}

func marshalWords(v uint32, words []string) []byte {
	b := []byte{'['}
	for i, w := range words {
		if v&(1<<i) != 0 {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, w...)
			b = append(b, '"')
		}
	}
	return append(b, ']')
}

// unmarshalWords decodes a JSON list of words into a bit set.
func unmarshalWords(b []byte, words []string, what string) (uint32, error) {
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return 0, wordErr(what+"s", "", fmt.Errorf("want a list of words: %w", cs.ErrWrongType))
	}
	var v uint32
	for _, s := range list {
		bit, err := wordBit(s, words, what, v)
		if err != nil {
			return 0, err
		}
		v |= bit
	}
	return v, nil
}

// parseWords decodes words joined by commas into a bit set.
func parseWords(b []byte, words []string, what string) (uint32, error) {
	var v uint32
	if len(b) == 0 {
		return 0, nil
	}
	for s := range strings.SplitSeq(string(b), ",") {
		bit, err := wordBit(s, words, what, v)
		if err != nil {
			return 0, err
		}
		v |= bit
	}
	return v, nil
}

// wordBit returns the bit of word s, refusing an unknown word and one already
// in the set v.
func wordBit(s string, words []string, what string, v uint32) (uint32, error) {
	i := slices.Index(words, s)
	if i < 0 {
		return 0, wordErr(what, s, cs.ErrUnknownField)
	}
	if v&(1<<i) != 0 {
		return 0, wordErr(what, s, fmt.Errorf("repeated: %w", cs.ErrDuplicate))
	}
	return 1 << i, nil
}

// wordErr is the error of a word a decoder refused: a *cs.FieldError naming
// what it is, quoting at most errs.MaxValue bytes of the word, with the
// package's prefix. The strict JSON decoder keeps its value and cause and
// locates them at the value's path.
func wordErr(what, word string, err error) error {
	return fmt.Errorf("touch: %w", fieldErr(what, word, err))
}
