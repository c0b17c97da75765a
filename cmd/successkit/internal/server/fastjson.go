package server

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/successkit/cs"
)

// Fast paths for batch scoring. The library's strict decoder
// (cs.Customer.UnmarshalJSON) is reflective and costs several times the score
// itself; a batch of plain customers should not. These functions decode only
// the common, plain form of a body (no escapes, no nulls, no empty strings,
// no unknown or repeated keys, nesting as the format has it) and say "not
// plain" for anything else; the caller then runs the strict decoder, so every
// error and every unusual input gets the library's own answer. Tests and a
// fuzz target check that both paths give the same customers and errors (the
// pattern of the cs package's CSV reader, which splits plain lines itself and
// gives the rest to encoding/csv).

// plainCustomer decodes one customer object in plain form into c (which
// must be the zero Customer), interning the text customers repeat in names.
// It reports false, with c in an unspecified state, when the text is not
// plain or the customer not valid: the caller decodes it strictly.
func plainCustomer(b []byte, c *cs.Customer, names map[string]string) bool {
	p := scanner{b: b}
	p.space()
	if !p.customer(c, names) {
		return false
	}
	p.space()
	return p.i == len(p.b)
}

// customer decodes the plain customer object at p.i, as plainCustomer does,
// leaving p.i after it.
func (p *scanner) customer(c *cs.Customer, names map[string]string) bool {
	if !p.eat('{') {
		return false
	}
	var seen uint16
	hasID := false
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			break
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return false
		}
		key, ok := p.str()
		if !ok || !p.colon() {
			return false
		}
		bit := uint16(0)
		switch string(key) {
		case "id":
			bit = 1
			s, ok := p.text()
			if !ok || cs.CheckID(s) != nil {
				return false
			}
			c.ID, hasID = s, true
		case "name":
			bit = 2
			if c.Name, ok = p.text(); !ok {
				return false
			}
		case "segment":
			bit = 4
			s, ok := p.str()
			if !ok || len(s) == 0 {
				return false
			}
			c.Segment = intern(names, s)
		case "stage":
			bit = 8
			s, ok := p.str()
			if !ok || len(s) == 0 {
				return false
			}
			// ParseStage on an interned string, unlike UnmarshalText,
			// allocates nothing; for non-empty text they are the same.
			var err error
			if c.Stage, err = cs.ParseStage(intern(names, s)); err != nil {
				return false
			}
		case "contract_start", "renewal_date":
			bit = 16
			d := &c.ContractStart
			if key[0] == 'r' {
				bit, d = 32, &c.RenewalDate
			}
			s, ok := p.str()
			if !ok {
				return false
			}
			if *d, ok = parseDate(s); !ok {
				return false
			}
		case "mrr":
			bit = 64
			s, ok := p.str()
			if !ok || len(s) == 0 || c.MRR.UnmarshalText(s) != nil || c.MRR.IsNegative() {
				return false
			}
		case "signals":
			bit = 128
			if !p.signals(c, names) {
				return false
			}
		case "attributes":
			bit = 256
			if !p.attributes(c, names) {
				return false
			}
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	if !hasID {
		return false
	}
	// What Customer.Validate checks was checked on the way: the ID by
	// CheckID, the amount and currency by ParseMoney and the sign, signals
	// finite (ParseFloat refuses what overflows), attributes non-empty; the
	// dates' order remains. A test checks Validate on every customer taken.
	return c.ContractStart.IsZero() || c.RenewalDate.IsZero() || !c.RenewalDate.Before(c.ContractStart)
}

func (p *scanner) signals(c *cs.Customer, names map[string]string) bool {
	p.space()
	if !p.eat('{') {
		return false
	}
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			return true
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return false
		}
		key, ok := p.str()
		if !ok || len(key) == 0 || !p.colon() {
			return false
		}
		f, ok := p.number()
		if !ok {
			return false
		}
		if c.Signals == nil {
			c.Signals = make(cs.Signals, 16)
		}
		name := intern(names, key)
		n := len(c.Signals)
		c.Signals[name] = f
		if len(c.Signals) == n { // a repeated name
			return false
		}
	}
}

func (p *scanner) attributes(c *cs.Customer, names map[string]string) bool {
	p.space()
	if !p.eat('{') {
		return false
	}
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			return true
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return false
		}
		key, ok := p.str()
		if !ok || len(key) == 0 || !p.colon() {
			return false
		}
		v, ok := p.str()
		if !ok || len(v) == 0 {
			return false
		}
		if c.Attributes == nil {
			c.Attributes = make(cs.Attributes, 8)
		}
		name := intern(names, key)
		n := len(c.Attributes)
		c.Attributes[name] = intern(names, v)
		if len(c.Attributes) == n {
			return false
		}
	}
}

// intern returns b as a string, shared with earlier equal text (signal and
// attribute names and values, segments and stages repeat from customer to
// customer); a nil names interns nothing. Only short text is kept, and at
// most maxNames of it: names outlives its batch.
func intern(names map[string]string, b []byte) string {
	if s, ok := names[string(b)]; ok {
		return s
	}
	s := string(b)
	if names != nil && len(s) <= 64 {
		if len(names) >= maxNames {
			clear(names)
		}
		names[s] = s
	}
	return s
}

const maxNames = 4096

// parseDate parses YYYY-MM-DD as cs.ParseDate does, without making a string
// of it, and reports false for any text ParseDate refuses.
func parseDate(b []byte) (cs.Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return cs.Date{}, false
	}
	n := 0
	for i, c := range b {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return cs.Date{}, false
		}
		n = n*10 + int(c-'0')
	}
	d := cs.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}
	return d, d.Valid()
}

// scanner reads the plain subset of JSON.
type scanner struct {
	b []byte
	i int
}

func (p *scanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// spaceThen skips space and reports whether input remains.
func (p *scanner) spaceThen() bool {
	p.space()
	return p.i < len(p.b)
}

func (p *scanner) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *scanner) colon() bool {
	p.space()
	if !p.eat(':') {
		return false
	}
	p.space()
	return true
}

// str reads a string with no escape, no control character and valid UTF-8,
// and returns its bytes (aliasing the input).
func (p *scanner) str() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start := p.i
	ascii := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		if !special[c] {
			p.i++
			continue
		}
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		ascii = false // c ≥ 0x80
		p.i++
	}
	return nil, false
}

// special marks the bytes str must look at: the closing quote, escapes,
// control characters and non-ASCII.
var special = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// text reads a non-empty plain string. It copies only the string: a
// customer's strings are a small part of its text.
func (p *scanner) text() (string, bool) {
	s, ok := p.str()
	if !ok || len(s) == 0 {
		return "", false
	}
	return string(s), true
}

// number reads a JSON number (RFC 8259 grammar) that fits a float64.
func (p *scanner) number() (float64, bool) {
	start := p.i
	if !p.skipNumber() {
		return 0, false
	}
	text := p.b[start:p.i]
	if n, ok := smallInt(text); ok {
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(text), 64)
	return f, err == nil
}

// skipNumber skips a JSON number.
func (p *scanner) skipNumber() bool {
	p.eat('-')
	switch {
	case p.eat('0'):
	case p.i < len(p.b) && '1' <= p.b[p.i] && p.b[p.i] <= '9':
		p.digits()
	default:
		return false
	}
	if p.eat('.') && !p.digits() {
		return false
	}
	if p.eat('e') || p.eat('E') {
		if !p.eat('+') {
			p.eat('-')
		}
		if !p.digits() {
			return false
		}
	}
	return true
}

// smallInt parses a plain integer of up to 15 digits, exactly representable
// as a float64, without strconv.
func smallInt(text []byte) (int64, bool) {
	neg := len(text) > 0 && text[0] == '-'
	if neg {
		text = text[1:]
	}
	if len(text) == 0 || len(text) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range text {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		if n == 0 {
			return 0, false // -0 is a float; leave it to ParseFloat
		}
		n = -n
	}
	return n, true
}

func (p *scanner) digits() bool {
	start := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// splitBatch splits a plain batch body {"as_of": "...", "customers": [...]}
// (keys in either order, as_of optional) into its date and the raw customer
// objects, without checking inside them. It reports false for anything
// else, which the strict envelope decoder then answers. Nesting is bounded
// by the plain customer form (objects two deep inside the array).
func splitBatch(b []byte) (asOf cs.Date, raws []json.RawMessage, ok bool) {
	p := scanner{b: b}
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return asOf, nil, false
	}
	p.space()
	if !p.eat('{') {
		return asOf, nil, false
	}
	var seenDate, seenCustomers bool
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			break
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return asOf, nil, false
		}
		key, ok := p.str()
		if !ok || !p.colon() {
			return asOf, nil, false
		}
		switch string(key) {
		case "as_of":
			s, ok := p.str()
			if seenDate || !ok || len(s) == 0 || asOf.UnmarshalText(s) != nil {
				return asOf, nil, false
			}
			seenDate = true
		case "customers":
			if seenCustomers || !p.eat('[') {
				return asOf, nil, false
			}
			seenCustomers = true
			raws = make([]json.RawMessage, 0, 1024)
			for n := 0; ; n++ {
				p.space()
				if p.eat(']') {
					break
				}
				if n > 0 && (!p.eat(',') || !p.spaceThen()) {
					return asOf, nil, false
				}
				p.space()
				start := p.i
				if !p.skipObject(2) {
					return asOf, nil, false
				}
				raws = append(raws, p.b[start:p.i])
			}
		default:
			return asOf, nil, false
		}
	}
	p.space()
	return asOf, raws, seenCustomers && p.i == len(p.b)
}

// batchHead reads the start of a plain batch body that the one-pass batch
// scoring takes, {"as_of": "...", "customers": [...]} with the date, if any,
// first and the customers array last, and returns the date and the offset
// just after the array's '['. It reports false for any other body, which
// splitBatch then takes: a date after the customers must be known before
// they are scored.
func batchHead(b []byte) (asOf cs.Date, start int, ok bool) {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return asOf, 0, false
	}
	end := bytes.TrimRight(b, " \t\r\n")
	if !bytes.HasSuffix(end, []byte("}")) || !bytes.HasSuffix(bytes.TrimRight(end[:len(end)-1], " \t\r\n"), []byte("]")) {
		return asOf, 0, false
	}
	p := scanner{b: b}
	p.space()
	if !p.eat('{') {
		return asOf, 0, false
	}
	p.space()
	key, ok := p.str()
	if ok && string(key) == "as_of" {
		if !p.colon() {
			return asOf, 0, false
		}
		date, dok := p.str()
		if !dok || len(date) == 0 || asOf.UnmarshalText(date) != nil {
			return asOf, 0, false
		}
		p.space()
		if !p.eat(',') {
			return asOf, 0, false
		}
		p.space()
		key, ok = p.str()
	}
	if !ok || string(key) != "customers" || !p.colon() || !p.eat('[') {
		return asOf, 0, false
	}
	return asOf, p.i, true
}

// batchTail reports whether the text from i, just after the customers
// array, closes a plain batch body.
func batchTail(b []byte, i int) bool {
	p := scanner{b: b, i: i}
	p.space()
	if !p.eat('}') {
		return false
	}
	p.space()
	return p.i == len(p.b)
}

// elementAfter guesses where an element of the customers array starts at
// or after from: the first '{' that follows "}," (white space allowed). The
// guess may fall inside a string; the worker scanning the elements before
// it confirms it. It returns -1 when there is none.
func elementAfter(b []byte, from int) int {
	for from < len(b) {
		i := bytes.IndexByte(b[from:], '}')
		if i < 0 {
			return -1
		}
		p := scanner{b: b, i: from + i + 1}
		p.space()
		if p.eat(',') {
			p.space()
			if p.i < len(b) && b[p.i] == '{' {
				return p.i
			}
		}
		from += i + 1
	}
	return -1
}

// skipObject skips an object holding strings, numbers, true, false and
// objects at most depth-1 deeper, with plain strings.
func (p *scanner) skipObject(depth int) bool {
	if depth < 0 || !p.eat('{') {
		return false
	}
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			return true
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return false
		}
		if _, ok := p.str(); !ok || !p.colon() {
			return false
		}
		if p.i >= len(p.b) {
			return false
		}
		switch c := p.b[p.i]; {
		case c == '"':
			if _, ok := p.str(); !ok {
				return false
			}
		case c == '{':
			if !p.skipObject(depth - 1) {
				return false
			}
		case c == '-' || '0' <= c && c <= '9':
			if !p.skipNumber() {
				return false
			}
		default:
			return false
		}
	}
}

// splitScore splits a plain single scoring body {"as_of": "...",
// "customer": {...}} (keys in either order, as_of optional) into its date and
// the raw customer, or reports false for anything else.
func splitScore(b []byte) (asOf cs.Date, raw []byte, ok bool) {
	p := scanner{b: b}
	p.space()
	if !p.eat('{') {
		return asOf, nil, false
	}
	var seenDate bool
	for first := true; ; first = false {
		p.space()
		if p.eat('}') {
			break
		}
		if !first && (!p.eat(',') || !p.spaceThen()) {
			return asOf, nil, false
		}
		key, ok := p.str()
		if !ok || !p.colon() {
			return asOf, nil, false
		}
		switch string(key) {
		case "as_of":
			s, ok := p.str()
			if seenDate || !ok || len(s) == 0 || asOf.UnmarshalText(s) != nil {
				return asOf, nil, false
			}
			seenDate = true
		case "customer":
			start := p.i
			if raw != nil || !p.skipObject(2) {
				return asOf, nil, false
			}
			raw = p.b[start:p.i]
		default:
			return asOf, nil, false
		}
	}
	p.space()
	return asOf, raw, raw != nil && p.i == len(p.b)
}
