package retention

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// offeringJSON is the JSON form of an Offering: its amounts also take "0" for no
// amount, and its fee months are checked after decoding.
type offeringJSON struct {
	Name               string         `json:"name"`
	Pricing            Pricing        `json:"pricing"`
	UsesPerMonth       *float64       `json:"uses_per_month"`
	CancelAnyTime      *bool          `json:"cancel_any_time"`
	CancellationFee    *moneyText     `json:"cancellation_fee"`
	FeeMonths          *feeMonthsJSON `json:"fee_months"`
	NoticeDays         *int           `json:"notice_days"`
	SelfServeCancel    *bool          `json:"self_serve_cancel"`
	CancelEasyToFind   *bool          `json:"cancel_easy_to_find"`
	InitialCost        *moneyText     `json:"initial_cost"`
	RecurringCharge    *moneyText     `json:"recurring_charge"`
	LastRelease        *cs.Date       `json:"last_release"`
	ReleasesPerYear    *float64       `json:"releases_per_year"`
	DataCollected      *bool          `json:"data_collected"`
	DataConsented      *bool          `json:"data_consented"`
	DataTailorsProduct *bool          `json:"data_tailors_product"`
}

type feeMonthsJSON struct {
	Cycle *int  `json:"cycle"`
	Free  []int `json:"free"`
}

// moneyText is an amount as "<amount> <currency>", or "0" for none.
type moneyText struct{ m cs.Money }

func (t *moneyText) UnmarshalText(b []byte) error {
	if string(b) == "0" {
		t.m = cs.Money{}
		return nil
	}
	m, err := cs.ParseMoney(string(b))
	if err != nil {
		cause := cs.ErrNotDecimal
		if errors.Is(err, cs.ErrUnknownCurrency) {
			cause = cs.ErrUnknownCurrency
		}
		return fmt.Errorf("%w: want \"<amount> <currency>\" or \"0\"", cause)
	}
	t.m = m
	return nil
}

func (t *moneyText) money() *cs.Money {
	if t == nil {
		return nil
	}
	m := t.m
	return &m
}

// DecodeOffering reads one Offering as a JSON object with the library's strict
// JSON rules: an unknown or repeated key, a value of the wrong JSON kind, a
// malformed amount ("29.00 USD", or "0" for none) or date (YYYY-MM-DD),
// trailing data, nesting deeper than 64, or a value Validate refuses is an error
// that names the JSON path (fee_months.free[1]); a leading byte-order mark is
// accepted, and null, like a key left out, means the description does not say.
// Each problem is a *cs.FieldError (wrapped as "retention: …") whose cause is a
// sentinel of package cs (cs.ErrUnknownField, cs.ErrDuplicateKey,
// cs.ErrWrongType, cs.ErrSyntax, cs.ErrNegative, ...) or ErrOption; the list is
// bounded (errs.MaxProblems, then a count).
func DecodeOffering(r io.Reader) (Offering, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Offering{}, fmt.Errorf("retention: offering: %w", err)
	}
	var j *offeringJSON
	if err := csio.DecodeJSON(data, &j); err != nil {
		return Offering{}, fmt.Errorf("retention: %w", err)
	}
	if j == nil {
		return Offering{}, fmt.Errorf("retention: %w", &cs.FieldError{Field: "$", Err: fmt.Errorf("%w: want an object, got null", cs.ErrWrongType)})
	}
	var list errs.List
	o := j.offering("", &list)
	if err := list.Err(); err != nil {
		return Offering{}, fmt.Errorf("retention: %w", err)
	}
	return o, nil
}

// DecodeOfferings reads a JSON array of Offerings with the rules of
// DecodeOffering; paths start with the element's index ([2].fee_months.cycle).
// Input that is not a JSON array (null included) is an error and no offering is
// returned. A bad offering does not stop the others: the result holds every good
// offering in input order, and the error lists the problems of the bad ones,
// bounded as DecodeOffering's, nil when all are good.
func DecodeOfferings(r io.Reader) ([]Offering, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("retention: offerings: %w", err)
	}
	var raws *[]json.RawMessage
	if err := csio.DecodeJSON(data, &raws); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	if raws == nil {
		return nil, fmt.Errorf("retention: %w", &cs.FieldError{Field: "$", Err: fmt.Errorf("%w: want an array of offerings, got null", cs.ErrWrongType)})
	}
	out := make([]Offering, 0, len(*raws))
	var list errs.List
	for i, raw := range *raws {
		at := "[" + strconv.Itoa(i) + "]"
		var j *offeringJSON
		before := list.Len()
		jsonx.DecodeTo(&list, raw, &j, func(path, value string, err error) error {
			fe := csio.LocateJSON(path, value, err).(*cs.FieldError)
			fe.Field = joinPath(at, fe.Field)
			return fe
		})
		if list.Len() > before {
			continue
		}
		if j == nil {
			list.Add(&cs.FieldError{Field: at, Err: fmt.Errorf("%w: want an object, got null", cs.ErrWrongType)})
			continue
		}
		if o := j.offering(at, &list); list.Len() == before {
			out = append(out, o)
		}
	}
	if err := list.Err(); err != nil {
		return out, fmt.Errorf("retention: %w", err)
	}
	return out, nil
}

// joinPath appends a JSON path relative to an element ("$" for the element
// itself) to the element's own path.
func joinPath(at, path string) string {
	switch {
	case at == "":
		return path
	case path == "$" || path == "":
		return at
	case path[0] == '[':
		return at + path
	}
	return at + "." + path
}

// offering converts and checks the decoded form; problems go to list, located
// under path.
func (j *offeringJSON) offering(path string, list *errs.List) Offering {
	o := Offering{
		Name: j.Name, Pricing: j.Pricing, UsesPerMonth: j.UsesPerMonth, CancelAnyTime: j.CancelAnyTime,
		CancellationFee: j.CancellationFee.money(), NoticeDays: j.NoticeDays, SelfServeCancel: j.SelfServeCancel,
		CancelEasyToFind: j.CancelEasyToFind, InitialCost: j.InitialCost.money(), RecurringCharge: j.RecurringCharge.money(),
		LastRelease: j.LastRelease, ReleasesPerYear: j.ReleasesPerYear,
		DataCollected: j.DataCollected, DataConsented: j.DataConsented, DataTailorsProduct: j.DataTailorsProduct,
	}
	if fm := j.FeeMonths; fm != nil {
		at := joinPath(path, "fee_months")
		switch {
		case fm.Cycle == nil:
			list.Add(offeringErr(joinPath(at, "cycle"), "", cs.ErrMissing))
		case *fm.Cycle < 1:
			list.Add(offeringErr(joinPath(at, "cycle"), strconv.Itoa(*fm.Cycle), fmt.Errorf("%w: want ≥ 1", ErrOption)))
		default:
			o.FeeMonths = &FeeMonths{Cycle: *fm.Cycle, Free: fm.Free}
		}
	}
	if err := o.validate(path); err != nil {
		list.Add(err)
	}
	return o
}

// offeringErr locates a problem of an Offering at path.
func offeringErr(path, value string, err error) error {
	return &cs.FieldError{Field: path, Value: errs.Clip(value), Err: err}
}
