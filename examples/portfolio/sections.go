package main

import (
	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/touch"
)

// report is everything the program prints, in the order it prints it. The text
// and JSON forms are two renderings of this one value.
type report struct {
	Source    string            `json:"source"`
	AsOf      cs.Date           `json:"as_of"`
	Summary   summary           `json:"summary"`
	Health    *healthSection    `json:"health,omitempty"`
	Effort    *effortSection    `json:"effort,omitempty"`
	Touch     *touchSection     `json:"touch,omitempty"`
	Playbook  *playbookSection  `json:"playbook,omitempty"`
	Retention *retentionSection `json:"retention,omitempty"`
	Backtest  *backtestSection  `json:"backtest,omitempty"`
	Rejected  []string          `json:"rejected,omitempty"`

	rejectedN int // all the rows not read; Rejected holds the first ones
}

// summary is the portfolio at a glance: counts and MRR by segment, stage and
// currency, and the renewals coming up. MRR is never summed across currencies: each
// total is a list with one Money per currency.
type summary struct {
	Customers  int       `json:"customers"`
	Active     int       `json:"active"`
	Churned    int       `json:"churned"`
	NoMRR      int       `json:"without_mrr"`
	Currencies []string  `json:"currencies"`
	ByCurrency []group   `json:"by_currency"`
	BySegment  []group   `json:"by_segment"`
	ByStage    []group   `json:"by_stage"`
	Renewals   []renewal `json:"renewals"`
}

// group is a set of customers sharing a segment, stage or currency.
type group struct {
	Name      string     `json:"name"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"` // one total per currency present, sorted by code
}

// renewal counts the active customers whose renewal falls within Days of the
// report date (today included).
type renewal struct {
	Days      int        `json:"within_days"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

// healthSection is the book's health under the scorecard: the grade
// distribution with the MRR in each grade, the MRR at risk (the worst grade), the
// accounts pulling the book down and why, and the trend of the book's health.
type healthSection struct {
	Scorecard string       `json:"scorecard"`
	Grades    []gradeRow   `json:"grades"`
	AtRisk    []cs.Money   `json:"mrr_at_risk"`
	RiskGrade string       `json:"risk_grade"`
	Worst     []accountRow `json:"accounts_pulling_down"`
	Trend     []trendPoint `json:"trend,omitempty"`
	Errors    []string     `json:"errors,omitempty"`

	errorN int // all the errors; Errors holds the first ones
}

type gradeRow struct {
	Grade     string     `json:"grade"` // "unknown" when coverage was too low
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

type accountRow struct {
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	MRR     cs.Money `json:"mrr,omitzero"`
	Share   float64  `json:"share_of_currency_mrr"` // MRR ÷ the book's MRR in that currency
	Score   float64  `json:"score"`
	Grade   string   `json:"grade"`
	Weakest string   `json:"weakest,omitempty"` // the measure pulling the score down most
	Raw     float64  `json:"weakest_value"`
	Vetoes  []string `json:"vetoes,omitempty"`
	Reasons []string `json:"reasons"` // the first sentences of health's Result.Reasons
}

// trendPoint is the book's health at one month-end: mean score and the share of
// each grade among the scored customers.
type trendPoint struct {
	AsOf   cs.Date            `json:"as_of"`
	Scored int                `json:"scored"`
	Mean   float64            `json:"mean_score"`
	Shares map[string]float64 `json:"shares"`
}

// effortSection is what the effort package found: the customers with the most
// friction in their support cases and why, and the silently dissatisfied.
type effortSection struct {
	Cases     int             `json:"cases"`
	Customers int             `json:"customers_with_cases"`
	Answers   int             `json:"survey_answers"`
	MeanCES2  float64         `json:"mean_ces2,omitempty"`
	ShareEasy float64         `json:"share_easy"`
	HotSpots  []cycle.HotSpot `json:"hot_spots"`
	Silent    []cycle.Silent  `json:"silently_dissatisfied"`
	SilentN   int             `json:"silently_dissatisfied_count"`
	Errors    []string        `json:"errors,omitempty"`

	errorN int
}

// touchSection is the tier table, the CSM load and the tier changes.
type touchSection struct {
	Basis      string              `json:"basis"`
	Currency   cs.Currency         `json:"currency"`
	Rates      map[string]string   `json:"rates,omitempty"`
	Tiers      []touch.TierSummary `json:"tiers"`
	Community  int                 `json:"community_flagged"`
	Candidates []touch.Candidate   `json:"upgrade_candidates"`
	CandidateN int                 `json:"upgrade_candidates_count"`
	Errors     []string            `json:"errors,omitempty"`
	// PreviousAsOf is the month-end of the assignment carried into this one (zero
	// without snapshots); Changes the accounts whose tier changed since.
	PreviousAsOf cs.Date      `json:"previous_as_of,omitzero"`
	ChangeN      int          `json:"tier_changes_count"`
	Changes      []tierChange `json:"tier_changes,omitempty"`

	errorN int
}

type tierChange struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	To      string `json:"to"`
	Reasons string `json:"reasons"`
}

// playbookSection is this week's plan: the tasks to do within capacity, in
// order, the deferred ones and why, and each role's load.
type playbookSection struct {
	Currency  cs.Currency                  `json:"mrr_currency"` // task MRR is converted into it
	Fired     int                          `json:"tasks_fired"`
	ByPlay    map[string]int               `json:"tasks_by_play"`
	Do        []taskRow                    `json:"do"`
	DoN       int                          `json:"do_count"`
	Deferred  []deferredRow                `json:"deferred"`
	DeferredN int                          `json:"deferred_count"`
	Used      map[string]playbook.Usage    `json:"used"`
	Capacity  map[string]playbook.Capacity `json:"capacity"`
	Errors    []string                     `json:"errors,omitempty"`

	errorN int
}

type taskRow struct {
	Customer string   `json:"customer_id"`
	Name     string   `json:"name,omitempty"`
	Play     string   `json:"play_id"`
	Priority string   `json:"priority"`
	Owner    string   `json:"owner"`
	Title    string   `json:"title"`
	Due      cs.Date  `json:"due"`
	MRR      cs.Money `json:"mrr,omitzero"`
	Why      string   `json:"why"`
}

type deferredRow struct {
	Task taskRow `json:"task"`
	Why  string  `json:"why"`
}

// retentionSection is the book's recurring revenue over time: movements month by
// month, the last twelve months' GRR, NRR and churn, and the cohort table.
type retentionSection struct {
	Currency cs.Currency        `json:"currency"`
	Rates    map[string]string  `json:"rates,omitempty"` // standing rates into Currency
	First    retention.Month    `json:"first_month"`
	Last     retention.Month    `json:"last_month"`
	Monthly  []cycle.MonthMoves `json:"monthly"`
	Year     *cycle.YearSummary `json:"last_12_months,omitempty"`
	Cohorts  []cycle.CohortRow  `json:"cohorts"`
	Errors   []string           `json:"errors,omitempty"`

	errorN int
}
