package health

import (
	_ "embed" // the sample scorecard
)

//go:embed testdata/sample.json
var sampleJSON []byte

// SampleJSON returns a copy of the sample scorecard's JSON (testdata/sample.json):
// the scorecard the examples, the backtest and the portfolio use for the sample
// book. It reads the shared signal names (usage, usage_trend, seat_utilization,
// logins_30d, days_since_login, feature_adoption, nps, ces, tickets_90d,
// friction) in four groups — Adoption, Engagement, Sentiment, Support — with an
// "onboarding" profile for customers in their first 90 days and a "default"
// profile for the others.
func SampleJSON() []byte { return append([]byte(nil), sampleJSON...) }

// SampleConfig returns the sample scorecard decoded (see SampleJSON). The
// embedded file is checked by this package's tests, so SampleConfig panics only
// if the package itself was built from a broken file.
func SampleConfig() Config {
	c, err := ParseConfig(sampleJSON)
	if err != nil {
		panic("health: the embedded sample configuration is invalid: " + err.Error())
	}
	return c
}
