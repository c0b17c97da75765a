package health

import (
	"fmt"

	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// ParseConfig decodes a JSON configuration strictly and validates it, with the
// module's one JSON decoder: an unknown key (cs.ErrUnknownField), a repeated key
// (cs.ErrDuplicateKey), a value of the wrong JSON kind (cs.ErrWrongType),
// malformed JSON, data after the document or nesting deeper than 64 levels
// (cs.ErrSyntax) are errors; a leading UTF-8 byte-order mark is accepted. Every
// problem is a *cs.FieldError naming its JSON path, all of them (up to ten, then
// how many more) in one error wrapping ErrInvalidConfig:
//
//	health: invalid configuration: profiles[0].groups[0].weight: "heavy": wrong type: want a number, got a string
//
// Decoding takes time linear in the input. MarshalConfig writes a Config that
// ParseConfig reads back equal.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	var list errs.List
	// Validation runs only on a configuration that decoded cleanly: a value that
	// did not decode would be reported twice.
	if jsonx.DecodeTo(&list, data, &c, csio.LocateJSON) && list.Len() == 0 {
		c.validate(&list)
	}
	if err := list.Err(); err != nil {
		return Config{}, fmt.Errorf("health: %w: %w", ErrInvalidConfig, err)
	}
	return c, nil
}
