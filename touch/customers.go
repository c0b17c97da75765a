package touch

import (
	"fmt"
	"strconv"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// ValueFunc returns a customer's value in a policy's Basis. It returns the zero
// Money (no currency) when the value is unknown, and an error when it cannot be
// computed; FromCustomers records either against the customer.
type ValueFunc func(c *cs.Customer) (cs.Money, error)

// Precomputed returns a ValueFunc that looks a customer's value up by ID, for
// values computed elsewhere, such as LTVs from the retention package
// (retention.LTV). A customer absent from values has an unknown value. The map is
// read, never modified, and must not be modified while the ValueFunc is in use.
func Precomputed(values map[string]cs.Money) ValueFunc {
	return func(c *cs.Customer) (cs.Money, error) { return values[c.ID], nil }
}

// FromCustomers returns one Account per customer, in the order given, for Assign:
// ID, Signals (shared, not copied) and ARR (MRR × 12) from the customer, and Value
// in the basis:
//
//   - LTV: value must be given (Precomputed for LTVs computed elsewhere): the
//     community-touch column (2024) sizes tiers by LTV, which the customer
//     record does not hold;
//   - ARR: value, or c.ARR() when value is nil;
//   - MRR: value, or c.MRR when value is nil.
//
// PreviousValue, Health and State are left for the caller (Result.Carry sets
// State). A customer whose value is unknown or fails keeps the zero Value, so
// that Assign rejects it and still assigns the others; FromCustomers reports it
// in the returned error, which wraps one *cs.FieldError per such customer (at
// most ten listed, the others counted), naming customers[i].value. The only other error is an LTV basis with a nil value, or
// an undefined basis, for which no accounts are returned.
func FromCustomers(customers []cs.Customer, basis Basis, value ValueFunc) ([]Account, error) {
	if value == nil {
		switch basis {
		case LTV:
			return nil, fmt.Errorf("touch: %w", fieldErr("basis", basis.String(), fmt.Errorf("an LTV basis needs a ValueFunc, such as Precomputed: %w", cs.ErrMissing)))
		case ARR:
			value = func(c *cs.Customer) (cs.Money, error) { return c.ARR(), nil }
		case MRR:
			value = func(c *cs.Customer) (cs.Money, error) { return c.MRR, nil }
		default:
			return nil, fmt.Errorf("touch: %w", fieldErr("basis", basis.String(), cs.ErrUnknownField))
		}
	}
	accounts := make([]Account, len(customers))
	var list errs.List
	for i := range customers {
		c := &customers[i]
		acc := &accounts[i]
		acc.ID, acc.Signals, acc.ARR = c.ID, c.Signals, c.ARR()
		v, err := value(c)
		switch {
		case err != nil:
			list.Add(&cs.FieldError{Field: "customers[" + strconv.Itoa(i) + "].value", Record: errs.Clip(c.ID), Err: err})
		case v.Currency() == "":
			list.Add(&cs.FieldError{Field: "customers[" + strconv.Itoa(i) + "].value", Record: errs.Clip(c.ID), Err: fmt.Errorf("unknown %s: %w", basis, cs.ErrMissing)})
		default:
			acc.Value = v
		}
	}
	if list.Len() > 0 {
		return accounts, fmt.Errorf("touch: %w", list.Err())
	}
	return accounts, nil
}
