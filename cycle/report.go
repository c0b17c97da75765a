package cycle

import (
	"math"
	"slices"
	"sort"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/touch"
)

// Report is the week in a form people read and programs store: the book at a
// glance, each step's summary, and what changed since the previous run. Every
// list holds at most Config.Top items (the worst, largest or most urgent
// first, ties by customer ID) beside a complete count, so a report's size does
// not grow with the book. It marshals to JSON with the field names shown.
type Report struct {
	AsOf      cs.Date          `json:"as_of"`
	Previous  cs.Date          `json:"previous,omitzero"` // the previous run; zero for the first
	Book      Book             `json:"book"`
	Effort    *EffortReport    `json:"effort,omitempty"`
	Health    HealthReport     `json:"health"`
	Touch     *TouchReport     `json:"touch,omitempty"`
	Playbook  *PlaybookReport  `json:"playbook,omitempty"`
	Retention *RetentionReport `json:"retention,omitempty"`
	Changes   Changes          `json:"changes"`
	// Unread lists the inputs a measure, rule or play needs that no customer
	// of the week has.
	Unread []Unread `json:"unread,omitempty"`
	// Rejected are the customer records that could not be read.
	Rejected Problems `json:"rejected"`
}

// Problems are error messages: the first Config.Top of them and how many
// there were.
type Problems struct {
	Count int      `json:"count"`
	First []string `json:"first,omitempty"`
}

func (p *Problems) add(top int, err error) {
	p.Count++
	if len(p.First) < top {
		p.First = append(p.First, err.Error())
	}
}

// List is a bounded list: the first Items in the list's order and the Count of
// all.
type List[T any] struct {
	Count int `json:"count"`
	Items []T `json:"items"`
}

// Book is the portfolio at a glance: customers and MRR by currency, segment
// and stage, and the renewals coming up. MRR is never summed across
// currencies: each total is a list with one amount per currency, by code.
type Book struct {
	Customers  int       `json:"customers"`
	Active     int       `json:"active"`
	Churned    int       `json:"churned"`
	NoMRR      int       `json:"without_mrr"`
	Currencies []string  `json:"currencies"`
	ByCurrency []Group   `json:"by_currency"`
	BySegment  []Group   `json:"by_segment"` // most customers first, ties by name
	ByStage    []Group   `json:"by_stage"`   // in lifecycle order
	Renewals   []Renewal `json:"renewals"`
}

// Group is the customers sharing a currency, segment or stage.
type Group struct {
	Name      string     `json:"name"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

// Renewal counts the active customers renewing within Days of the run (today
// included).
type Renewal struct {
	Days      int        `json:"within_days"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

// EffortReport is what the effort step found: the customers whose support cases
// cost them most effort, and the silently dissatisfied.
type EffortReport struct {
	Cases     int          `json:"cases"`
	Customers int          `json:"customers_with_cases"`
	Answers   int          `json:"survey_answers"` // CES answers of the last 90 days
	MeanCES2  float64      `json:"mean_ces2,omitempty"`
	ShareEasy float64      `json:"share_easy"`
	HotSpots  []HotSpot    `json:"hot_spots"` // most friction first
	Silent    List[Silent] `json:"silently_dissatisfied"`
	Errors    Problems     `json:"errors"`
}

// HotSpot is a customer with much friction in its support cases.
type HotSpot struct {
	ID       string          `json:"id"`
	Name     string          `json:"name,omitempty"`
	Friction float64         `json:"friction"`
	Cases    int             `json:"cases"`
	FCRRate  float64         `json:"fcr_rate"`
	Drivers  []effort.Driver `json:"drivers"` // the two heaviest
}

// Silent is a customer whose data shows trouble but who has not spoken up.
type Silent struct {
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	MRR      cs.Money   `json:"mrr,omitzero"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is one trouble sign with the value seen and its threshold.
type Evidence struct {
	Sign      string  `json:"sign"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
}

// HealthReport is the book's health: the grades with their MRR, the MRR in the
// lowest grade, and the accounts pulling the book down.
type HealthReport struct {
	Scorecard   string     `json:"scorecard"` // the scorecard's version label
	Fingerprint string     `json:"fingerprint"`
	Scored      int        `json:"scored"`
	MeanScore   float64    `json:"mean_score"` // over the known scores, 2 decimals
	Grades      []GradeRow `json:"grades"`     // lowest band first, unknown last
	RiskGrade   string     `json:"risk_grade"` // the lowest band's label
	AtRisk      []cs.Money `json:"mrr_at_risk"`
	// Worst are the accounts of the lowest band, by their share of the book's
	// MRR in their own currency (which compares accounts across currencies
	// without an exchange rate), then score.
	Worst  List[Account] `json:"accounts_pulling_down"`
	Errors Problems      `json:"errors"`
}

// UnknownGrade names the grade row of the Unknown results.
const UnknownGrade = "unknown"

// GradeRow is one grade: its customers and their MRR.
type GradeRow struct {
	Grade     string     `json:"grade"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

// Account is a customer in a list of the report, with its health and why.
type Account struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	MRR      cs.Money `json:"mrr,omitzero"`
	Share    float64  `json:"share_of_currency_mrr"` // MRR ÷ the book's MRR in that currency, 6 decimals
	Score    float64  `json:"score"`
	Grade    string   `json:"grade"`
	Previous *Score   `json:"previous,omitempty"` // the last stored score, in change lists
	Weakest  string   `json:"weakest,omitempty"`  // the measure pulling the score down most
	Raw      float64  `json:"weakest_value"`
	Vetoes   []string `json:"vetoes,omitempty"`
	Reasons  []string `json:"reasons"` // the first two of health's Result.Reasons
}

// Score is a past score.
type Score struct {
	AsOf  cs.Date `json:"as_of"`
	Score float64 `json:"score"`
	Grade string  `json:"grade"` // under today's grade scheme
}

// TouchReport is the tier table, the CSM load and the tier moves.
type TouchReport struct {
	Basis      string                `json:"basis"`
	Currency   cs.Currency           `json:"currency"`
	Rates      map[string]string     `json:"rates,omitempty"`
	Tiers      []touch.TierSummary   `json:"tiers"`
	Community  int                   `json:"community_flagged"`
	Candidates List[touch.Candidate] `json:"upgrade_candidates"` // in the order of value
	// PreviousAsOf is the date of the touch states carried into this
	// assignment (zero: none).
	PreviousAsOf cs.Date  `json:"previous_as_of,omitzero"`
	Errors       Problems `json:"errors"`
}

// TierMove is an account whose tier changed since the last period.
type TierMove struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	From    string `json:"from"`
	To      string `json:"to"`
	Reasons string `json:"reasons"`
}

// PlaybookReport is the week's plan: the tasks to do within capacity, the
// deferred ones and why, and each role's load.
type PlaybookReport struct {
	Currency cs.Currency    `json:"mrr_currency"` // task MRR is converted into it
	Fired    int            `json:"tasks_fired"`  // tasks the plays fired today
	ByPlay   map[string]int `json:"tasks_by_play"`
	Open     int            `json:"open"` // open tasks after the run, carried ones included
	// Do are the tasks planned this week in the plan's order; Deferred the
	// open ones left out, with why.
	Do       List[Task]                   `json:"do"`
	Deferred List[Task]                   `json:"deferred"`
	Used     map[string]playbook.Usage    `json:"used"`
	Capacity map[string]playbook.Capacity `json:"capacity"`
	Errors   Problems                     `json:"errors"`
}

// Task is a task in a list of the report.
type Task struct {
	Key      string   `json:"key"`
	Customer string   `json:"customer_id"`
	Name     string   `json:"name,omitempty"`
	Play     string   `json:"play_id"`
	Priority string   `json:"priority"`
	Owner    string   `json:"owner"`
	Title    string   `json:"title"`
	Opened   cs.Date  `json:"opened,omitzero"`
	Due      cs.Date  `json:"due"`
	MRR      cs.Money `json:"mrr,omitzero"`
	Why      string   `json:"why"`                // the comparisons that fired it
	Carried  bool     `json:"carried,omitempty"`  // opened before this week
	Deferred int      `json:"deferred,omitempty"` // weeks it was deferred
	Note     string   `json:"note,omitempty"`     // why deferred, or expired
}

// Changes is what changed since the previous run.
type Changes struct {
	Since cs.Date `json:"since,omitzero"`
	// NewRed are the customers who entered the lowest grade band (red under
	// the default grades): scored higher at their last stored score, or new
	// to a book that had a run before. Recovered left it. Both are ranked as
	// HealthReport.Worst.
	NewRed    List[Account]  `json:"new_red"`
	Recovered List[Account]  `json:"recovered"`
	TierMoves List[TierMove] `json:"tier_moves"` // by ID
	// Opened counts the tasks opened today; Due lists the open tasks due in
	// the next 7 days, Overdue those past due, Deferred those the plan left
	// for later, Expired those that expired today.
	Opened   int        `json:"opened"`
	Due      List[Task] `json:"due"`
	Overdue  List[Task] `json:"overdue"`
	Deferred List[Task] `json:"deferred"`
	Expired  List[Task] `json:"expired"`
}

// RetentionReport is the book's recurring revenue over time: the movements of
// the last twelve months, the twelve months' GRR, NRR and churn, and the
// cohort table.
type RetentionReport struct {
	Currency cs.Currency       `json:"currency"`
	Rates    map[string]string `json:"rates,omitempty"` // standing rates into Currency
	First    retention.Month   `json:"first_month"`
	Last     retention.Month   `json:"last_month"`
	Monthly  []MonthMoves      `json:"monthly"`
	Year     *YearSummary      `json:"last_12_months,omitempty"`
	Cohorts  []CohortRow       `json:"cohorts"`
	Errors   Problems          `json:"errors"`
}

// MonthMoves are one month's MRR movements (ChartMogul's classes).
type MonthMoves struct {
	Month        retention.Month `json:"month"`
	MRR          cs.Money        `json:"mrr"`
	New          cs.Money        `json:"new"`
	Expansion    cs.Money        `json:"expansion"`
	Contraction  cs.Money        `json:"contraction"`
	Churn        cs.Money        `json:"churn"`
	Reactivation cs.Money        `json:"reactivation"`
	FX           cs.Money        `json:"fx"`
}

// YearSummary is the last twelve months' retention.
type YearSummary struct {
	From            retention.Month `json:"from"`
	To              retention.Month `json:"to"`
	StartMRR        cs.Money        `json:"start_mrr"`
	EndMRR          cs.Money        `json:"end_mrr"`
	GRR             string          `json:"grr"`
	NRR             string          `json:"nrr"`
	GrossMRRChurn   string          `json:"gross_mrr_churn"`
	NetMRRChurn     string          `json:"net_mrr_churn"`
	LogoChurn       string          `json:"logo_churn"`
	QuickRatio      string          `json:"quick_ratio"`
	StartCustomers  int             `json:"start_customers"`
	EndCustomers    int             `json:"end_customers"`
	LostCustomers   int             `json:"lost_customers"`
	NewCustomers    int             `json:"new_customers"`
	ReactivatedCust int             `json:"reactivated_customers"`
}

// CohortRow is one cohort's logo retention and NRR at each age, as fractions
// (null where undefined).
type CohortRow struct {
	Start     retention.Month `json:"start"`
	Customers int             `json:"customers"`
	Retention []*float64      `json:"logo_retention"`
	NRR       []*float64      `json:"nrr"`
}

// top keeps the n first items under less, with the count of all offered.
type top[T any] struct {
	n     int
	less  func(a, b *T) bool
	items []T
	count int
}

func newTop[T any](n int, less func(a, b *T) bool) *top[T] { return &top[T]{n: n, less: less} }

// fits reports whether an item would be kept, before building it.
func (t *top[T]) fits(x *T) bool {
	return len(t.items) < t.n || t.less(x, &t.items[len(t.items)-1])
}

// add offers x; it is kept when among the first n.
func (t *top[T]) add(x T) {
	t.count++
	if !t.fits(&x) {
		return
	}
	// After every kept item that x does not precede: equal items keep the
	// order they were offered in.
	i := sort.Search(len(t.items), func(i int) bool { return t.less(&x, &t.items[i]) })
	t.items = slices.Insert(t.items, i, x)
	if len(t.items) > t.n {
		t.items = t.items[:t.n]
	}
}

func (t *top[T]) list() List[T] {
	items := t.items
	if items == nil {
		items = []T{}
	}
	return List[T]{Count: t.count, Items: items}
}

// round2 rounds a figure for display to two decimals, so reports do not depend
// on the last bits of a float.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
