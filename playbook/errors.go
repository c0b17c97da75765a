package playbook

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	cs "github.com/successkit/cs"
)

// maxProblems is the number of problems a joined error lists before it counts
// the rest.
const maxProblems = 10

// problems collects errors: it keeps the first maxProblems and counts the rest,
// so no message grows with the input.
type problems struct {
	first []error
	n     int
}

func (p *problems) add(err error) {
	if err == nil {
		return
	}
	p.n++
	if len(p.first) < maxProblems {
		p.first = append(p.first, err)
	}
}

func (p *problems) err() error {
	switch {
	case p.n == 0:
		return nil
	case p.n == 1:
		return p.first[0]
	case p.n > len(p.first):
		return errors.Join(append(p.first, fmt.Errorf("and %d more problems", p.n-len(p.first)))...)
	}
	return errors.Join(p.first...)
}

// maxValue is the number of bytes of an input value an error quotes.
const maxValue = 64

// clip cuts s to maxValue bytes (on a rune boundary) plus "…".
func clip(s string) string {
	if len(s) <= maxValue {
		return s
	}
	i := maxValue
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// checkID reports whether id can name a customer, play, task or author: not
// empty, valid UTF-8, and no control characters.
func checkID(id string) error {
	if strings.TrimSpace(id) == "" {
		return errMissing
	}
	if !utf8.ValidString(id) {
		return errInvalidID
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return errInvalidID
		}
	}
	return nil
}

var (
	errMissing   = cs.ErrMissing
	errInvalidID = fmt.Errorf("%w: an ID with a control character or invalid UTF-8", ErrSyntax)
)
