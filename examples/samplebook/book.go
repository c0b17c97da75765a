package samplebook

import (
	"time"

	"github.com/successkit/cs"
)

// Book is a generated customer book: the customers as of the book date, their
// monthly history and the interactions and outcomes the other packages of this
// module read. A Book is plain data; the generator never keeps a reference to it.
//
// Every slice is sorted: customers and outcomes by ID; snapshots by date then ID;
// MRR rows by customer, subscription and month; contacts, case events and surveys
// by customer, then time, then ID.
type Book struct {
	Config Config // the configuration the book was generated from, defaults filled in

	// Customers holds every customer that has ever started, as of Config.AsOf:
	// active ones with their current signals, churned ones with stage churned, a
	// zero MRR in their currency and the signals of their last active month.
	Customers []cs.Customer
	// Snapshots holds one row per customer and month-end of the history, from the
	// month the customer started; the last month's rows are Customers.
	Snapshots []Snapshot
	// MRR holds one row per subscription and month with MRR > 0 (mrr.csv).
	MRR []MRRRow
	// Contacts are the support contacts (contacts.csv).
	Contacts []Contact
	// CaseEvents are the support case life cycles (case_events.csv).
	CaseEvents []CaseEvent
	// Surveys are the CES and NPS answers (surveys.csv).
	Surveys []Survey
	// Outcomes holds, for every customer active at Config.AsOf, whether it churned
	// in the Config.HorizonMonths after it (outcomes.csv): the ground truth a
	// health score is backtested against. It is the only data of the book dated
	// after AsOf.
	Outcomes []Outcome
}

// Snapshot is a customer as it stood at the end of a month of the history.
type Snapshot struct {
	AsOf     cs.Date
	Customer cs.Customer
}

// MRRRow is one subscription's monthly recurring revenue in one month, always
// positive. A customer's MRR for a month is the sum of its rows; no row is zero.
type MRRRow struct {
	CustomerID     string
	SubscriptionID string
	Month          cs.Date // the first day of the month; written "YYYY-MM"
	MRR            cs.Money
}

// Channel is the channel of a support contact, written as its lower-case word.
type Channel string

// The contact channels of contacts.csv.
const (
	SelfService Channel = "self_service"
	Email       Channel = "email"
	Chat        Channel = "chat"
	Phone       Channel = "phone"
	Meeting     Channel = "meeting"
)

// Contact is one contact of a customer with support about a case. Agent is empty
// for self-service. The three flags are effort drivers from "The Effortless
// Experience" (Dixon, Toman & DeLisi, 2013): the customer had to repeat
// information, got a generic answer, or was transferred.
type Contact struct {
	ContactID     string
	CustomerID    string
	CaseID        string
	Time          time.Time // UTC
	Channel       Channel
	Agent         string
	RepeatedInfo  bool
	GenericAnswer bool
	Transferred   bool
}

// EventKind is a step of a support case's life cycle.
type EventKind string

// The case events of case_events.csv.
const (
	Opened   EventKind = "opened"
	Resolved EventKind = "resolved"
	Reopened EventKind = "reopened"
)

// CaseEvent is one step of a support case.
type CaseEvent struct {
	CaseID     string
	CustomerID string
	Event      EventKind
	Time       time.Time // UTC
}

// SurveyKind is the question a survey answer replies to.
type SurveyKind string

// The survey kinds of surveys.csv and their scales.
const (
	CES2 SurveyKind = "ces2" // CES 2.0, 1 (strongly disagree it was easy) to 7
	CES1 SurveyKind = "ces1" // CES 1.0, 1 (very low effort) to 5 (very high)
	NPS  SurveyKind = "nps"  // likelihood to recommend, 0 to 10
)

// Survey is one survey answer.
type Survey struct {
	CustomerID string
	Time       time.Time // UTC
	Kind       SurveyKind
	Score      int
}

// Outcome tells whether a customer active at the book date churned within the
// horizon after it. Date is the churn date for a churner and the end of the horizon
// otherwise, as the backtest's outcomes reader expects.
type Outcome struct {
	ID      string
	Churned bool
	Date    cs.Date
}
