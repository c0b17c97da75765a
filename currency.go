package cs

import (
	"fmt"

	"github.com/successkit/cs/internal/errs"
)

// Currency is an ISO 4217 alphabetic currency code such as "USD" or "JPY". The zero
// value, "", means no currency. Use ParseCurrency to check a code from input.
type Currency string

// iso4217 maps every active ISO 4217 code with a defined minor unit to the code
// as a constant string and its number of decimal digits (ISO 4217 list one, 2025
// edition). Codes without a minor unit (precious metals, testing and SDR codes)
// are left out on purpose: an amount in them cannot be rounded to a minor unit.
var iso4217 = func() map[Currency]currencyInfo {
	m := make(map[Currency]currencyInfo, 180)
	for digits, codes := range [...]string{
		0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
		2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD " +
			"BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP " +
			"ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR " +
			"JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU " +
			"MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR " +
			"RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS " +
			"TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES XCD XCG YER ZAR ZMW ZWG",
		3: "BHD IQD JOD KWD LYD OMR TND",
		4: "CLF UYW",
	} {
		for i := 0; i+3 <= len(codes); i += 4 {
			c := Currency(codes[i : i+3])
			m[c] = currencyInfo{code: c, digits: int8(digits)}
		}
	}
	return m
}()

type currencyInfo struct {
	code   Currency
	digits int8
}

// ParseCurrency returns the currency for an ISO 4217 code. The code must be three
// upper-case letters and an active currency with a minor unit; otherwise the error
// wraps ErrUnknownCurrency. The Currency returned never shares memory with code,
// so an amount kept from a row of input does not keep the row.
func ParseCurrency(code string) (Currency, error) {
	info, ok := iso4217[Currency(code)]
	if !ok {
		return "", fmt.Errorf("cs: %w", &FieldError{Field: "currency", Value: errs.Clip(code), Err: ErrUnknownCurrency})
	}
	return info.code, nil
}

// Known reports whether c is an active ISO 4217 code with a minor unit.
func (c Currency) Known() bool {
	_, ok := iso4217[c]
	return ok
}

// Digits returns the number of decimal digits of the currency's minor unit: 2 for
// USD (cents), 0 for JPY, 3 for KWD. It returns -1 for an unknown currency.
func (c Currency) Digits() int {
	d, ok := iso4217[c]
	if !ok {
		return -1
	}
	return int(d.digits)
}

// String returns the code.
func (c Currency) String() string { return string(c) }
