package retention

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/successkit/cs"
)

// offeringFields are the JSON keys of an Offering.
var offeringFields = []string{
	"name", "pricing", "uses_per_month", "cancel_any_time", "cancellation_fee", "fee_months",
	"notice_days", "self_serve_cancel", "cancel_easy_to_find", "initial_cost", "recurring_charge",
	"last_release", "releases_per_year", "data_collected", "data_consented", "data_tailors_product",
}

// DecodeOffering reads one Offering as a JSON object, strictly: an unknown or
// repeated key, a value of the wrong type, a malformed amount ("29.00 USD") or date
// (YYYY-MM-DD), null, trailing data, or a value Validate refuses is an error that
// names the JSON path (offering.fee_months.free[1]) and wraps cs.ErrUnknownField,
// cs.ErrDuplicate, ErrOption or the root sentinel of the fault.
func DecodeOffering(r io.Reader) (Offering, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Offering{}, fmt.Errorf("retention: offering: %w", err)
	}
	var raw json.RawMessage
	if err := decodeOne(data, &raw); err != nil {
		return Offering{}, fmt.Errorf("retention: offering: %w", err)
	}
	return decodeOffering(raw, "offering")
}

// DecodeOfferings reads a JSON array of Offerings with the rules of DecodeOffering;
// paths read offerings[i].field. Input that is not a JSON array of values is an
// error and no offering is returned. A bad offering does not stop the others: the
// result holds every good offering in input order, and the error joins one error
// per bad offering (each naming offerings[i]), nil when all are good.
func DecodeOfferings(r io.Reader) ([]Offering, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("retention: offerings: %w", err)
	}
	var raws []json.RawMessage
	if err := decodeOne(data, &raws); err != nil {
		return nil, fmt.Errorf("retention: offerings: want an array of objects: %w", err)
	}
	if raws == nil { // JSON null decodes without error into a nil slice
		return nil, fmt.Errorf("retention: offerings: null: want an array of objects: %w", ErrJSON)
	}
	out := make([]Offering, 0, len(raws))
	var errs []error
	for i, raw := range raws {
		o, err := decodeOffering(raw, "offerings["+strconv.Itoa(i)+"]")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, o)
	}
	return out, errors.Join(errs...)
}

// decodeOne decodes exactly one JSON value from data into v.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%v: %w", err, ErrJSON)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data: %w", ErrJSON)
	}
	return nil
}

// objectKeys splits a JSON object into its members, refusing null, a non-object,
// and repeated or unknown keys.
func objectKeys(raw json.RawMessage, path string, known []string) (map[string]json.RawMessage, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, fmt.Errorf("retention: %s: null: %w", path, cs.ErrMissing)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return nil, fmt.Errorf("retention: %s: want an object: %w", path, ErrOption)
	}
	out := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("retention: %s: %v: %w", path, err, ErrOption)
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("retention: %s.%s: %v: %w", path, key, err, ErrOption)
		}
		if !slices.Contains(known, key) {
			return nil, fmt.Errorf("retention: %s.%s: %w", path, key, cs.ErrUnknownField)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("retention: %s.%s: repeated key: %w", path, key, cs.ErrDuplicate)
		}
		out[key] = v
	}
	return out, nil
}

// field decodes one member into v, naming its path on error.
func field(raw json.RawMessage, path string, v any) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return fmt.Errorf("retention: %s: null (leave the key out when unknown): %w", path, cs.ErrMissing)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return fmt.Errorf("retention: %s: %s where %s was expected: %w", path, te.Value, te.Type, ErrOption)
		case errors.Is(err, cs.ErrNotDecimal), errors.Is(err, cs.ErrUnknownCurrency), errors.Is(err, cs.ErrInvalidDate):
			return fmt.Errorf("retention: %s: %s: %w", path, raw, err)
		}
		return fmt.Errorf("retention: %s: %s: %v: %w", path, raw, err, ErrOption)
	}
	return nil
}

func decodeOffering(raw json.RawMessage, path string) (Offering, error) {
	m, err := objectKeys(raw, path, offeringFields)
	if err != nil {
		return Offering{}, err
	}
	var o Offering
	for _, key := range offeringFields {
		v, ok := m[key]
		if !ok {
			continue
		}
		p := path + "." + key
		switch key {
		case "name":
			err = field(v, p, &o.Name)
		case "pricing":
			err = field(v, p, &o.Pricing)
			if err == nil && !o.Pricing.valid() {
				err = fmt.Errorf("retention: %s: %q: want outcome, usage, subscription or ownership: %w", p, string(o.Pricing), ErrOption)
			}
		case "uses_per_month":
			err = field(v, p, &o.UsesPerMonth)
		case "releases_per_year":
			err = field(v, p, &o.ReleasesPerYear)
		case "notice_days":
			err = field(v, p, &o.NoticeDays)
		case "cancel_any_time":
			err = field(v, p, &o.CancelAnyTime)
		case "self_serve_cancel":
			err = field(v, p, &o.SelfServeCancel)
		case "cancel_easy_to_find":
			err = field(v, p, &o.CancelEasyToFind)
		case "data_collected":
			err = field(v, p, &o.DataCollected)
		case "data_consented":
			err = field(v, p, &o.DataConsented)
		case "data_tailors_product":
			err = field(v, p, &o.DataTailorsProduct)
		case "cancellation_fee":
			err = decodeMoney(v, p, &o.CancellationFee)
		case "initial_cost":
			err = decodeMoney(v, p, &o.InitialCost)
		case "recurring_charge":
			err = decodeMoney(v, p, &o.RecurringCharge)
		case "last_release":
			var s string
			if err = field(v, p, &s); err == nil {
				var d cs.Date
				if d, err = cs.ParseDate(s); err != nil {
					err = fmt.Errorf("retention: %s: %q: %w", p, s, err)
				} else {
					o.LastRelease = &d
				}
			}
		case "fee_months":
			o.FeeMonths, err = decodeFeeMonths(v, p)
		}
		if err != nil {
			return Offering{}, err
		}
	}
	if err := o.validate(path); err != nil {
		return Offering{}, err
	}
	return o, nil
}

func decodeMoney(raw json.RawMessage, path string, dst **cs.Money) error {
	var s string
	if err := field(raw, path, &s); err != nil {
		return err
	}
	if s == "0" {
		*dst = &cs.Money{}
		return nil
	}
	m, err := cs.ParseMoney(s)
	if err != nil {
		return fmt.Errorf("retention: %s: %q: want \"<amount> <currency>\" or \"0\": %w", path, s, errors.Unwrap(err))
	}
	*dst = &m
	return nil
}

func decodeFeeMonths(raw json.RawMessage, path string) (*FeeMonths, error) {
	m, err := objectKeys(raw, path, []string{"cycle", "free"})
	if err != nil {
		return nil, err
	}
	var fm FeeMonths
	v, ok := m["cycle"]
	if !ok {
		return nil, fmt.Errorf("retention: %s.cycle: %w", path, cs.ErrMissing)
	}
	if err := field(v, path+".cycle", &fm.Cycle); err != nil {
		return nil, err
	}
	if v, ok := m["free"]; ok {
		if err := field(v, path+".free", &fm.Free); err != nil {
			return nil, err
		}
	}
	if fm.Cycle < 1 {
		return nil, fmt.Errorf("retention: %s.cycle: %d: want ≥ 1: %w", path, fm.Cycle, ErrOption)
	}
	for i, f := range fm.Free {
		if f < 1 || f > fm.Cycle {
			return nil, fmt.Errorf("retention: %s.free[%d]: %d: want 1..%d: %w", path, i, f, fm.Cycle, ErrOption)
		}
	}
	return &fm, nil
}
