package cs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

const exampleCSV = `id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.usage,signal.nps,attr.plan
c1,Acme,smb,adoption,2025-07-01,2026-07-01,1200.50,USD,0.82,9,growth
c2,Globex,enterprise,renewal,2024-08-01,2026-08-01,"12,00",USD,0.4,,enterprise
c3,Initech,mid_market,onboarding,2026-05-01,2027-05-01,300000,JPY,NaN,,starter
c4,Umbrella,smb,,,,,,,,
`

func ExampleReadCustomersCSV() {
	for c, err := range cs.ReadCustomersCSV(strings.NewReader(exampleCSV), "customers.csv") {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(c.ID, c.Stage, c.MRR, c.Signals.Names())
	}
	// Output:
	// c1 adoption 1200.50 USD [nps usage]
	// error: customers.csv:3: customer "c2": mrr: "12,00": not a decimal: a decimal comma? write 12.00
	// error: customers.csv:4: customer "c3": signal.usage: "NaN": not finite
	// c4  0 []
}

func ExampleCSVOptions_ReadCSV() {
	snapshots := "as_of,id,mrr,currency,signal.usage\n" +
		"2026-05-31,c1,100,EUR,0.7\n" +
		"2026-06-30,c1,120,EUR,0.75\n"
	opts := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	for rec, err := range opts.ReadCSV(strings.NewReader(snapshots), "snapshots.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		asOf := cs.MustParseDate(rec.Extra[0])
		fmt.Println(rec.Line, asOf, rec.Customer.ID, rec.Customer.MRR)
	}
	// Output:
	// 2 2026-05-31 c1 100.00 EUR
	// 3 2026-06-30 c1 120.00 EUR
}

func exampleBook() []cs.Customer {
	return []cs.Customer{
		{ID: "c1", Name: "Acme, Inc.", Segment: "smb", Stage: cs.StageAdoption,
			ContractStart: cs.MustParseDate("2025-07-01"), RenewalDate: cs.MustParseDate("2026-07-01"),
			MRR: cs.MustParseMoney("1200.5 USD"), Signals: cs.Signals{"usage": 0.82, "nps": 9},
			Attributes: cs.Attributes{"plan": "growth"}},
		{ID: "c2", MRR: cs.MustParseMoney("300000 JPY"), Signals: cs.Signals{"seats_used": 40}},
	}
}

func ExampleWriteCustomersCSV() {
	if err := cs.WriteCustomersCSV(os.Stdout, exampleBook()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.nps,signal.seats_used,signal.usage,attr.plan
	// c1,"Acme, Inc.",smb,adoption,2025-07-01,2026-07-01,1200.50,USD,9,,0.82,growth
	// c2,,,,,,300000,JPY,,40,,
}

func ExampleLayoutOf() {
	l := cs.LayoutOf(exampleBook())
	fmt.Println(l.Signals, l.Attributes)
	// Output: [nps seats_used usage] [plan]
}

func ExampleBaseColumns() {
	fmt.Println(strings.Join(cs.BaseColumns(), ","))
	// Output: id,name,segment,stage,contract_start,renewal_date,mrr,currency
}

func ExampleCSVLayout_Header() {
	l := cs.CSVLayout{Extra: []string{"as_of"}, Signals: []string{"usage"}, Attributes: []string{"plan"}}
	fmt.Println(strings.Join(l.Header(), ","))
	// Output: as_of,id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.usage,attr.plan
}

func ExampleNewCSVWriter() {
	// A snapshots.csv writer: one row per customer and snapshot date.
	w := cs.NewCSVWriter(os.Stdout, cs.CSVLayout{Extra: []string{"as_of"}, Signals: []string{"usage"}})
	c := cs.Customer{ID: "c1", Signals: cs.Signals{"usage": 0.5}}
	for _, asOf := range []string{"2026-05-31", "2026-06-30"} {
		if err := w.Write(&c, asOf); err != nil {
			fmt.Println(err)
		}
	}
	bad := cs.Customer{ID: "c2", Signals: cs.Signals{"logins_30d": 3}}
	fmt.Println(w.Write(&bad, "2026-06-30"))
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// cs: customer "c2": signal.logins_30d: unknown field: the CSV layout has no such column
	// as_of,id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.usage
	// 2026-05-31,c1,,,,,,,,0.5
	// 2026-06-30,c1,,,,,,,,0.5
}

func ExampleCSVWriter_Write() {
	w := cs.NewCSVWriter(os.Stdout, cs.CSVLayout{})
	err := w.Write(&cs.Customer{ID: "c1", MRR: cs.MustParseMoney("-5 USD")})
	fmt.Println(err, errors.Is(err, cs.ErrNegative))
	// Output: cs: customer "c1": mrr: "-5.00 USD": negative true
}

func ExampleCSVWriter_Flush() {
	// With no row written, Flush still writes the header.
	w := cs.NewCSVWriter(os.Stdout, cs.CSVLayout{Attributes: []string{"plan"}})
	fmt.Println(w.Flush())
	// Output:
	// id,name,segment,stage,contract_start,renewal_date,mrr,currency,attr.plan
	// <nil>
}

func ExampleReadCustomersJSONL() {
	lines := `{"id":"c1","stage":"adoption","mrr":"99.90 EUR","signals":{"usage":0.5}}
{"id":"c2","mrr":"10 USD","plan":"growth"}
`
	for c, err := range cs.ReadCustomersJSONL(strings.NewReader(lines), "customers.jsonl") {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(c.ID, c.Stage, c.MRR, c.Signals["usage"])
	}
	// Output:
	// c1 adoption 99.90 EUR 0.5
	// error: customers.jsonl:2: customer "c2": plan: unknown field
}

func ExampleWriteCustomersJSONL() {
	if err := cs.WriteCustomersJSONL(os.Stdout, exampleBook()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"id":"c1","name":"Acme, Inc.","segment":"smb","stage":"adoption","contract_start":"2025-07-01","renewal_date":"2026-07-01","mrr":"1200.50 USD","signals":{"nps":9,"usage":0.82},"attributes":{"plan":"growth"}}
	// {"id":"c2","mrr":"300000 JPY","signals":{"seats_used":40}}
}

func ExampleNewJSONLWriter() {
	var buf bytes.Buffer
	w := cs.NewJSONLWriter(&buf)
	for _, c := range exampleBook() {
		if err := w.Write(&c); err != nil {
			fmt.Println(err)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(strings.Count(buf.String(), "\n"), "lines")
	// Output: 2 lines
}

func ExampleJSONLWriter_Write() {
	w := cs.NewJSONLWriter(os.Stdout)
	fmt.Println(w.Write(&cs.Customer{Name: "no id"}))
	// Output: cs: id: missing
}

func ExampleJSONLWriter_Flush() {
	w := cs.NewJSONLWriter(os.Stdout)
	_ = w.Write(&cs.Customer{ID: "c1"})
	fmt.Println(w.Flush())
	// Output:
	// {"id":"c1"}
	// <nil>
}

func ExampleCustomer_MarshalJSON() {
	// A known zero MRR is kept; a missing one is left out.
	b, _ := json.Marshal([]cs.Customer{{ID: "a", MRR: cs.MustParseMoney("0 USD")}, {ID: "b"}})
	fmt.Println(string(b))
	// Output: [{"id":"a","mrr":"0.00 USD"},{"id":"b"}]
}

func ExampleCustomer_UnmarshalJSON() {
	var c cs.Customer
	err := json.Unmarshal([]byte(`{"id":"c1","mrr":"-5 USD","signals":{"usage":"high"}}`), &c)
	fmt.Println(err)
	// Output:
	// cs: customer "c1": signals.usage: "high": wrong type: want a number, got a string
	// customer "c1": mrr: "-5.00 USD": negative
}

func ExampleCustomer_Validate() {
	c := cs.Customer{ID: "c1", ContractStart: cs.MustParseDate("2026-06-01"), RenewalDate: cs.MustParseDate("2026-05-01")}
	err := c.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, cs.ErrDateOrder))
	// Output:
	// cs: customer "c1": renewal_date: "2026-05-01": date out of order: before contract_start 2026-06-01
	// true
}

func ExampleCustomer_DaysToRenewal() {
	c := cs.Customer{ID: "c1", RenewalDate: cs.MustParseDate("2026-03-09")}
	// "Today" is an argument: the civil day of now in the location that counts.
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 3, 7, 9, 0, 0, 0, ny) // 47 hours before the renewal's midnight
	days, ok := c.DaysToRenewal(cs.DateOf(now))
	fmt.Println(days, ok)
	// Output: 2 true
}

func ExampleCustomer_TenureDays() {
	c := cs.Customer{ID: "c1", ContractStart: cs.MustParseDate("2024-02-29")}
	days, ok := c.TenureDays(cs.MustParseDate("2025-02-28"))
	fmt.Println(days, ok)
	// Output: 365 true
}

func ExampleCustomer_ARR() {
	c := cs.Customer{ID: "c1", MRR: cs.MustParseMoney("1200.50 USD")}
	fmt.Println(c.ARR())
	// Output: 14406.00 USD
}

func ExampleCustomer_HasMRR() {
	known := cs.Customer{ID: "a", MRR: cs.MustParseMoney("0 EUR")}
	missing := cs.Customer{ID: "b"}
	fmt.Println(known.HasMRR(), missing.HasMRR())
	// Output: true false
}

func ExampleSignals_Get() {
	s := cs.Signals{"nps": 0}
	v, ok := s.Get("nps")
	_, has := s.Get("ces")
	fmt.Println(v, ok, has)
	// Output: 0 true false
}

func ExampleSignals_Names() {
	fmt.Println(cs.Signals{"usage": 1, "nps": 8, "logins_30d": 3}.Names())
	// Output: [logins_30d nps usage]
}

func ExampleAttributes_Get() {
	plan, ok := cs.Attributes{"plan": "growth"}.Get("plan")
	fmt.Println(plan, ok)
	// Output: growth true
}

func ExampleAttributes_Names() {
	fmt.Println(cs.Attributes{"region": "emea", "plan": "growth"}.Names())
	// Output: [plan region]
}

func ExampleParseStage() {
	s, err := cs.ParseStage("renewal")
	fmt.Println(s, err)
	_, err = cs.ParseStage("Renewal")
	fmt.Println(err)
	// Output:
	// renewal <nil>
	// cs: stage: "Renewal": unknown lifecycle stage
}

func ExampleStages() {
	fmt.Println(cs.Stages())
	// Output: [onboarding adoption expansion renewal churned]
}

func ExampleStage_String() {
	fmt.Printf("%q %q\n", cs.StageExpansion.String(), cs.StageUnknown.String())
	// Output: "expansion" ""
}

func ExampleStage_MarshalText() {
	b, _ := json.Marshal(map[string]cs.Stage{"stage": cs.StageChurned})
	fmt.Println(string(b))
	// Output: {"stage":"churned"}
}

func ExampleStage_UnmarshalText() {
	var s cs.Stage
	err := json.Unmarshal([]byte(`"onboarding"`), &s)
	fmt.Println(s, err)
	// Output: onboarding <nil>
}

func ExampleParseMoney() {
	m, err := cs.ParseMoney("1200.5 USD")
	fmt.Println(m, err)
	_, err = cs.ParseMoney("12,00 USD")
	fmt.Println(err)
	// Output:
	// 1200.50 USD <nil>
	// cs: money: "12,00 USD": not a decimal: a decimal comma? write 12.00
}

func ExampleMustParseMoney() {
	fmt.Println(cs.MustParseMoney("1500 JPY"))
	// Output: 1500 JPY
}

func ExampleNewMoney() {
	m, err := cs.NewMoney(decimal.RequireFromString("0.125"), "USD")
	fmt.Println(m, err)
	_, err = cs.NewMoney(decimal.NewFromInt(1), "ABC")
	fmt.Println(errors.Is(err, cs.ErrUnknownCurrency))
	// Output:
	// 0.125 USD <nil>
	// true
}

func ExampleMoneyFromMinor() {
	m, _ := cs.MoneyFromMinor(120050, "USD")
	k, _ := cs.MoneyFromMinor(1500, "KWD")
	fmt.Println(m, k)
	// Output: 1200.50 USD 1.500 KWD
}

func ExampleParseDecimal() {
	d, err := cs.ParseDecimal("-0.50")
	fmt.Println(d, err)
	_, err = cs.ParseDecimal("1e3")
	fmt.Println(err)
	// Output:
	// -0.5 <nil>
	// not a decimal
}

func ExampleSum() {
	total, err := cs.Sum(cs.MustParseMoney("10 USD"), cs.MustParseMoney("0.05 USD"))
	fmt.Println(total, err)
	_, err = cs.Sum(cs.MustParseMoney("10 USD"), cs.MustParseMoney("10 EUR"))
	fmt.Println(errors.Is(err, cs.ErrCurrencyMismatch))
	// Output:
	// 10.05 USD <nil>
	// true
}

func ExampleMoney_Add() {
	var total cs.Money // the zero Money is the identity
	for _, s := range []string{"1.10 EUR", "2.20 EUR"} {
		total, _ = total.Add(cs.MustParseMoney(s))
	}
	fmt.Println(total)
	_, err := total.Add(cs.MustParseMoney("1 USD"))
	fmt.Println(err)
	// Output:
	// 3.30 EUR
	// cs: add 3.30 EUR and 1.00 USD: currency mismatch
}

func ExampleMoney_Sub() {
	d, _ := cs.MustParseMoney("100 USD").Sub(cs.MustParseMoney("120 USD"))
	fmt.Println(d, d.IsNegative(), d.Sign())
	// Output: -20.00 USD true -1
}

func ExampleMoney_Cmp() {
	c, err := cs.MustParseMoney("1.5 USD").Cmp(cs.MustParseMoney("1.49 USD"))
	fmt.Println(c, err)
	// Output: 1 <nil>
}

func ExampleMoney_Equal() {
	fmt.Println(cs.MustParseMoney("1.5 USD").Equal(cs.MustParseMoney("1.50 USD")),
		cs.MustParseMoney("1 USD").Equal(cs.MustParseMoney("1 EUR")))
	// Output: true false
}

func ExampleMoney_Round() {
	m := cs.MustParseMoney("1.005 USD")
	fmt.Println(m.Round(), m.RoundBank())
	// Output: 1.01 USD 1.00 USD
}

func ExampleMoney_RoundBank() {
	fmt.Println(cs.MustParseMoney("1.015 USD").RoundBank(), cs.MustParseMoney("2.5 JPY").RoundBank())
	// Output: 1.02 USD 2 JPY
}

func ExampleMoney_Minor() {
	n, ok := cs.MustParseMoney("1200.50 USD").Minor()
	fmt.Println(n, ok)
	_, ok = cs.MustParseMoney("0.125 USD").Minor()
	fmt.Println(ok)
	// Output:
	// 120050 true
	// false
}

func ExampleMoney_Convert() {
	eur, err := cs.MustParseMoney("100 USD").Convert("EUR", decimal.RequireFromString("0.9213"))
	fmt.Println(eur, err)
	// Output: 92.13 EUR <nil>
}

func ExampleMoney_Mul() {
	fmt.Println(cs.MustParseMoney("100 USD").Mul(decimal.RequireFromString("0.015")))
	// Output: 1.50 USD
}

func ExampleMoney_MulInt() {
	fmt.Println(cs.MustParseMoney("99.99 USD").MulInt(12))
	// Output: 1199.88 USD
}

func ExampleMoney_Neg() {
	fmt.Println(cs.MustParseMoney("5 EUR").Neg())
	// Output: -5.00 EUR
}

func ExampleMoney_Abs() {
	fmt.Println(cs.MustParseMoney("-5 EUR").Abs())
	// Output: 5.00 EUR
}

func ExampleMoney_Amount() {
	m := cs.MustParseMoney("1200.50 USD")
	fmt.Println(m.Amount(), m.Currency())
	// Output: 1200.5 USD
}

func ExampleMoney_Currency() {
	fmt.Printf("%q %q\n", cs.MustParseMoney("1 JPY").Currency(), cs.Money{}.Currency())
	// Output: "JPY" ""
}

func ExampleMoney_IsZero() {
	// IsZero looks at the amount only: a known zero MRR is zero too.
	fmt.Println(cs.Money{}.IsZero(), cs.MustParseMoney("0 USD").IsZero())
	// Output: true true
}

func ExampleMoney_IsNegative() {
	fmt.Println(cs.MustParseMoney("-0.01 USD").IsNegative())
	// Output: true
}

func ExampleMoney_Sign() {
	fmt.Println(cs.MustParseMoney("0 USD").Sign(), cs.MustParseMoney("3 USD").Sign())
	// Output: 0 1
}

func ExampleMoney_Float64() {
	fmt.Println(cs.MustParseMoney("1200.50 USD").Float64())
	// Output: 1200.5
}

func ExampleMoney_String() {
	fmt.Println(cs.MustParseMoney("1.500 USD"), cs.MustParseMoney("0.125 USD"), cs.Money{})
	// Output: 1.50 USD 0.125 USD 0
}

func ExampleMoney_MarshalText() {
	b, _ := json.Marshal(struct{ MRR cs.Money }{cs.MustParseMoney("12 EUR")})
	fmt.Println(string(b))
	// Output: {"MRR":"12.00 EUR"}
}

func ExampleMoney_UnmarshalText() {
	var m cs.Money
	err := json.Unmarshal([]byte(`"99.5 GBP"`), &m)
	fmt.Println(m, err)
	// Output: 99.50 GBP <nil>
}

func ExampleParseCurrency() {
	c, err := cs.ParseCurrency("KWD")
	fmt.Println(c, c.Digits(), err)
	_, err = cs.ParseCurrency("usd")
	fmt.Println(err)
	// Output:
	// KWD 3 <nil>
	// cs: currency: "usd": unknown currency
}

func ExampleCurrency_Digits() {
	fmt.Println(cs.Currency("USD").Digits(), cs.Currency("JPY").Digits(), cs.Currency("XAU").Digits())
	// Output: 2 0 -1
}

func ExampleCurrency_Known() {
	fmt.Println(cs.Currency("EUR").Known(), cs.Currency("EURO").Known())
	// Output: true false
}

func ExampleCurrency_String() {
	fmt.Println(cs.Currency("CHF").String())
	// Output: CHF
}

func ExampleParseDate() {
	d, err := cs.ParseDate("2028-02-29")
	fmt.Println(d, err)
	_, err = cs.ParseDate("2026-02-29")
	fmt.Println(err)
	// Output:
	// 2028-02-29 <nil>
	// not a date (want YYYY-MM-DD)
}

func ExampleMustParseDate() {
	fmt.Println(cs.MustParseDate("2026-06-30").Month)
	// Output: June
}

func ExampleNewDate() {
	fmt.Println(cs.NewDate(2026, time.February, 30).Valid(), cs.NewDate(2028, time.February, 29).Valid())
	// Output: false true
}

func ExampleDateOf() {
	// 23:30 UTC on June 30 is already July 1 in Tokyo.
	t := time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	fmt.Println(cs.DateOf(t), cs.DateOf(t.In(tokyo)))
	// Output: 2026-06-30 2026-07-01
}

func ExampleDateFromUnix() {
	fmt.Println(cs.DateFromUnix(0), cs.DateFromUnix(20634))
	// Output: 1970-01-01 2026-06-30
}

func ExampleDate_Unix() {
	fmt.Println(cs.MustParseDate("2026-06-30").Unix())
	// Output: 20634
}

func ExampleDate_DaysUntil() {
	fmt.Println(cs.MustParseDate("2028-02-28").DaysUntil(cs.MustParseDate("2028-03-01")))
	// Output: 2
}

func ExampleDate_AddDays() {
	fmt.Println(cs.MustParseDate("2026-12-31").AddDays(1))
	// Output: 2027-01-01
}

func ExampleDate_AddMonths() {
	start := cs.MustParseDate("2026-01-31")
	fmt.Println(start.AddMonths(1), start.AddMonths(13))
	// Output: 2026-02-28 2027-02-28
}

func ExampleDate_StartOfMonth() {
	fmt.Println(cs.MustParseDate("2026-06-30").StartOfMonth())
	// Output: 2026-06-01
}

func ExampleDate_Compare() {
	a, b := cs.MustParseDate("2026-01-31"), cs.MustParseDate("2026-02-01")
	fmt.Println(a.Compare(b), b.Compare(a), a.Compare(a))
	// Output: -1 1 0
}

func ExampleDate_Before() {
	fmt.Println(cs.MustParseDate("2026-01-31").Before(cs.MustParseDate("2026-02-01")))
	// Output: true
}

func ExampleDate_After() {
	fmt.Println(cs.MustParseDate("2026-01-31").After(cs.MustParseDate("2026-02-01")))
	// Output: false
}

func ExampleDate_In() {
	// Sao Paulo skipped midnight on 2011-10-16: the day began at 01:00.
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	fmt.Println(cs.MustParseDate("2011-10-16").In(sp))
	// Output: 2011-10-16 01:00:00 -0200 -02
}

func ExampleDate_IsZero() {
	var c cs.Customer
	fmt.Println(c.RenewalDate.IsZero())
	// Output: true
}

func ExampleDate_Valid() {
	fmt.Println(cs.NewDate(1900, time.February, 29).Valid(), cs.NewDate(2000, time.February, 29).Valid())
	// Output: false true
}

func ExampleDate_String() {
	fmt.Printf("%q %q\n", cs.MustParseDate("0099-01-02").String(), cs.Date{}.String())
	// Output: "0099-01-02" ""
}

func ExampleDate_MarshalText() {
	b, _ := json.Marshal(cs.MustParseDate("2026-06-30"))
	fmt.Println(string(b))
	// Output: "2026-06-30"
}

func ExampleDate_UnmarshalText() {
	var d cs.Date
	fmt.Println(json.Unmarshal([]byte(`"2026-13-01"`), &d))
	// Output: cs: date: "2026-13-01": not a date (want YYYY-MM-DD)
}

func ExampleFieldError() {
	err := error(&cs.FieldError{File: "customers.csv", Line: 17, Field: "mrr", Value: "12,00", Err: cs.ErrNotDecimal})
	fmt.Println(err)
	var fe *cs.FieldError
	fmt.Println(errors.As(err, &fe), fe.Line, errors.Is(err, cs.ErrNotDecimal))
	// Output:
	// customers.csv:17: mrr: "12,00": not a decimal
	// true 17 true
}

func ExampleFieldError_Error() {
	fmt.Println((&cs.FieldError{Record: "c1", Field: "signal.nps", Value: "NaN", Err: cs.ErrNotFinite}).Error())
	// Output: customer "c1": signal.nps: "NaN": not finite
}

func ExampleFieldError_Unwrap() {
	fe := &cs.FieldError{Field: "currency", Err: cs.ErrMissing}
	fmt.Println(fe.Unwrap() == cs.ErrMissing)
	// Output: true
}
