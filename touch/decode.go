package touch

import (
	"encoding/json"
	"fmt"

	"github.com/successkit/cs/internal/csio"
)

// ParsePolicy decodes a Policy from JSON, with the field names of the Policy's
// tags, matched exactly, under the library's strict JSON rules: an unknown key
// (cs.ErrUnknownField), a repeated key (cs.ErrDuplicateKey), a value of the wrong
// JSON kind (cs.ErrWrongType), malformed JSON, data after the policy and nesting
// deeper than 64 levels (cs.ErrSyntax), and a malformed amount or word are
// errors; a leading UTF-8 byte-order mark is accepted. The error wraps
// ErrInvalidPolicy and one *cs.FieldError per problem naming its JSON path, such
// as "high.max_accounts" or "rates.EUR"; it lists at most ten problems and counts
// the others, so it stays short whatever the input. ParsePolicy only decodes;
// Compile validates.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	if err := csio.DecodeJSON(data, &p); err != nil {
		return Policy{}, fmt.Errorf("touch: %w: %w", ErrInvalidPolicy, err)
	}
	return p, nil
}

// MarshalPolicy is json.Marshal of the policy; it exists so that ParsePolicy and
// its inverse read side by side. PoorFit has no JSON form and is left out.
func MarshalPolicy(p Policy) ([]byte, error) { return json.Marshal(p) }
