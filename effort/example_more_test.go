package effort_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/successkit/cs/effort"
)

// NewBatch starts an empty batch; records are added one by one as a caller
// streams them from its own store.
func ExampleNewBatch() {
	b := effort.NewBatch()
	must(b.AddCaseEvent(effort.CaseEvent{CaseID: "K7", CustomerID: "initech", Kind: effort.Opened, Time: ts("2026-05-04T08:00:00Z")}))
	must(b.AddContact(effort.Contact{ID: "c1", CustomerID: "initech", CaseID: "K7", Time: ts("2026-05-04T08:00:00Z"), Channel: effort.Email}))
	m, err := effort.NewModel(effort.Config{})
	must(err)
	r := m.AnalyzeAt(b, ts("2026-05-04T12:00:00Z"))
	c := r.Case(0)
	fmt.Printf("%s %s open %v, %d contact, friction %.0f\n", c.CustomerID, c.CaseID, c.Open, c.Contacts, c.Score)
	// Output:
	// initech K7 open true, 1 contact, friction 0
}

// AddContact refuses a contact whose own fields are wrong, naming the field;
// the batch keeps the others.
func ExampleBatch_AddContact() {
	b := effort.NewBatch()
	for _, c := range []effort.Contact{
		{ID: "m1", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-01T09:00:00Z"), Channel: effort.Chat},
		{ID: "m2", CustomerID: "acme", Time: ts("2026-05-01T10:00:00Z"), Channel: effort.Phone},
		{ID: "m3", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-01T11:00:00Z")},
	} {
		if err := b.AddContact(c); err != nil {
			fmt.Println(err)
		}
	}
	contacts, _ := b.Len()
	fmt.Println(contacts, "contact added")
	// Output:
	// effort: contact "m2": customer "acme": case_id: missing
	// effort: contact "m3": customer "acme": channel: unknown channel
	// 1 contact added
}

// AddCaseEvent adds the lifecycle of a case; an event of unknown kind is refused.
func ExampleBatch_AddCaseEvent() {
	b := effort.NewBatch()
	for _, e := range []effort.CaseEvent{
		{CaseID: "K1", CustomerID: "acme", Kind: effort.Opened, Time: ts("2026-05-01T09:00:00Z")},
		{CaseID: "K1", CustomerID: "acme", Kind: effort.Resolved, Time: ts("2026-05-02T09:00:00Z")},
		{CaseID: "K1", CustomerID: "acme", Time: ts("2026-05-03T09:00:00Z")},
	} {
		if err := b.AddCaseEvent(e); err != nil {
			fmt.Println(err)
		}
	}
	must(b.AddContact(effort.Contact{ID: "m1", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-01T09:00:00Z"), Channel: effort.Chat}))
	m, _ := effort.NewModel(effort.Config{})
	c := m.AnalyzeAt(b, ts("2026-05-20T00:00:00Z")).Case(0)
	fmt.Println(c.CaseID, "resolved in", c.Duration, "fcr", c.FCR)
	// Output:
	// effort: case "K1": customer "acme": event: unknown case event
	// K1 resolved in 24h0m0s fcr true
}

func ExampleBatch_Len() {
	contacts, events := sampleBatch().Len()
	fmt.Println(contacts, "contacts,", events, "case events")
	// Output:
	// 4 contacts, 4 case events
}

// CESByCustomer summarises each customer's answers in a window; a customer
// with only an NPS answer is listed with no CES but with its last answer.
func ExampleCESByCustomer() {
	rs := []effort.Response{
		{CustomerID: "acme", Time: ts("2026-05-02T00:00:00Z"), Scale: effort.ScaleCES2, Score: 6},
		{CustomerID: "acme", Time: ts("2026-05-09T00:00:00Z"), Scale: effort.ScaleCES2, Score: 3},
		{CustomerID: "acme", Time: ts("2026-01-09T00:00:00Z"), Scale: effort.ScaleCES2, Score: 1}, // before the window
		{CustomerID: "globex", Time: ts("2026-05-05T00:00:00Z"), Scale: effort.ScaleNPS, Score: 8},
	}
	to := ts("2026-05-10T00:00:00Z")
	byCustomer, err := effort.CESByCustomer(rs, to.AddDate(0, 0, -90), to)
	must(err)
	for _, c := range byCustomer {
		fmt.Printf("%s: %d CES answers, ease %.1f, last answer %s\n", c.CustomerID, c.Summary.Count, c.Summary.MeanEase, c.LastAnswer.Format(time.DateOnly))
	}
	// Output:
	// acme: 2 CES answers, ease 58.3, last answer 2026-05-09
	// globex: 0 CES answers, ease 0.0, last answer 2026-05-05
}

// MeanCES2 puts the mean back on the 1..7 scale of CES 2.0, whatever scales
// the answers were given on.
func ExampleCESSummary_MeanCES2() {
	s, err := effort.SummarizeCES([]effort.Response{
		{CustomerID: "acme", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleCES2, Score: 7},
		{CustomerID: "acme", Time: ts("2026-05-02T00:00:00Z"), Scale: effort.ScaleCES1, Score: 3},
	})
	must(err)
	mean, ok := s.MeanCES2()
	fmt.Printf("ease %.0f = CES 2.0 %.1f (%v)\n", s.MeanEase, mean, ok)
	var none effort.CESSummary
	fmt.Println(none.MeanCES2())
	// Output:
	// ease 75 = CES 2.0 5.5 (true)
	// 0 false
}

func ExampleReadCaseEvents_errors() {
	const data = `case_id,customer_id,event,time
K1,acme,opened,2026-05-04T09:30:00Z
K1,acme,closed,2026-05-05T09:30:00Z
K1,acme,resolved,2026-05-05T10:30:00Z
`
	for e, err := range effort.ReadCaseEvents(strings.NewReader(data), "case_events.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(e.CaseID, e.Kind, e.Time.Format(time.RFC3339))
	}
	// Output:
	// K1 opened 2026-05-04T09:30:00Z
	// effort: case_events.csv:3: customer "acme": event: "closed": unknown case event
	// K1 resolved 2026-05-05T10:30:00Z
}

// Drivers explains a case's score, the heaviest driver first.
func ExampleCaseFriction_Drivers() {
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(sampleBatch(), ts("2026-05-10T00:00:00Z"))
	c := r.CasesOf("acme")[0]
	for _, d := range c.Drivers() {
		fmt.Printf("%s: %.2f × weight = %.2f points\n", d.Name, d.Value, d.Points)
	}
	fmt.Printf("score %.0f\n", c.Score)
	// Output:
	// repeat_contact: 2.00 × weight = 40.00 points
	// forced_switch: 1.00 × weight = 20.00 points
	// transfer: 1.00 × weight = 18.00 points
	// repeated_info: 1.00 × weight = 16.00 points
	// over_target: 0.33 × weight = 5.00 points
	// score 99
}

func ExampleChannel_Assisted() {
	for _, c := range []effort.Channel{effort.SelfService, effort.Email, effort.Chat, effort.Phone, effort.Meeting} {
		fmt.Println(c, c.Assisted())
	}
	// Output:
	// self_service false
	// email true
	// chat true
	// phone true
	// meeting true
}

func ExampleReadContacts_errors() {
	const data = `contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
m1,acme,K1,2026-05-04T09:30:00Z,phone,team-a,1,0,1
m2,,K1,2026-05-04T10:30:00Z,email,,0,0,0
`
	for c, err := range effort.ReadContacts(strings.NewReader(data), "contacts.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c.ID, c.CustomerID, c.CaseID, c.Channel, c.Agent, c.RepeatedInfo, c.Transferred)
	}
	// Output:
	// m1 acme K1 phone team-a true true
	// effort: contacts.csv:3: customer_id: missing
}

// Config shows the configuration in force, defaults filled in.
func ExampleModel_Config() {
	m, err := effort.NewModel(effort.Config{TargetHours: 48})
	must(err)
	c := m.Config()
	fmt.Println(c.RepeatWindowDays, c.FCRWindowDays, c.NextIssueDays, c.TargetHours, c.HalfLifeDays, c.Weights == effort.DefaultWeights())
	// Output:
	// 7 7 7 48 90 true
}

// NewModel refuses a bad configuration, naming the JSON field.
func ExampleNewModel() {
	_, err := effort.NewModel(effort.Config{RepeatWindowDays: -1})
	fmt.Println(err)
	fmt.Println(errors.Is(err, effort.ErrConfig))
	m, err := effort.NewModel(effort.Config{})
	fmt.Println(m != nil, err)
	// Output:
	// effort: repeat_window_days: -1: invalid configuration (want 0..3650)
	// true
	// true <nil>
}

func ExampleParseEventKind() {
	for _, s := range []string{"opened", "resolved", "reopened", "closed"} {
		k, err := effort.ParseEventKind(s)
		fmt.Printf("%q %v %v\n", k, err, errors.Is(err, effort.ErrEvent))
	}
	// Output:
	// "opened" <nil> false
	// "resolved" <nil> false
	// "reopened" <nil> false
	// "" effort: event: "closed": unknown case event true
}

func ExampleParseScale() {
	for _, s := range []string{"ces2", "ces1", "nps", "csat"} {
		sc, err := effort.ParseScale(s)
		fmt.Printf("%q %v %v\n", sc, err, errors.Is(err, effort.ErrScale))
	}
	// Output:
	// "ces2" <nil> false
	// "ces1" <nil> false
	// "nps" <nil> false
	// "" effort: kind: "csat": unknown survey scale true
}

// Profiles joins friction and CES by customer: a customer may have one, the
// other or both.
func ExampleProfiles() {
	m, _ := effort.NewModel(effort.Config{})
	now := ts("2026-05-10T00:00:00Z")
	r := m.AnalyzeAt(sampleBatch(), now)
	ces, err := effort.CESByCustomer([]effort.Response{
		{CustomerID: "acme", Time: ts("2026-05-06T00:00:00Z"), Scale: effort.ScaleCES2, Score: 2},
		{CustomerID: "hooli", Time: ts("2026-05-06T00:00:00Z"), Scale: effort.ScaleCES2, Score: 7},
	}, time.Time{}, now)
	must(err)
	for _, p := range effort.Profiles(r.Customers, ces) {
		fmt.Printf("%s: friction %v %.0f, CES answers %d\n", p.CustomerID, p.HasFriction, p.Friction.Friction, p.CES.Summary.Count)
	}
	// Output:
	// acme: friction true 99, CES answers 1
	// globex: friction true 0, CES answers 0
	// hooli: friction false 0, CES answers 1
}

// Case and NumCases walk every valid case in customer, opening time and case
// ID order, without copying them into a slice.
func ExampleReport_Case() {
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(sampleBatch(), ts("2026-05-10T00:00:00Z"))
	for i := range r.NumCases() {
		c := r.Case(i)
		fmt.Printf("%d: %s %s opened %s, %d contacts\n", i, c.CustomerID, c.CaseID, c.Opened.Format(time.DateOnly), c.Contacts)
	}
	// Output:
	// 0: acme K1 opened 2026-05-01, 3 contacts
	// 1: globex K2 opened 2026-05-03, 1 contacts
}

// NumCases counts the valid cases. A resolution dated before its case's
// opening is reported in Errors and left out; the case itself stays, open.
func ExampleReport_NumCases() {
	b := sampleBatch()
	must(b.AddCaseEvent(effort.CaseEvent{CaseID: "K3", CustomerID: "globex", Kind: effort.Opened, Time: ts("2026-05-06T10:00:00Z")}))
	must(b.AddCaseEvent(effort.CaseEvent{CaseID: "K3", CustomerID: "globex", Kind: effort.Resolved, Time: ts("2026-05-05T10:00:00Z")}))
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(b, ts("2026-05-10T00:00:00Z"))
	fmt.Println(r.NumCases(), "cases")
	k3 := r.CasesOf("globex")[1]
	fmt.Println(k3.CaseID, "open", k3.Open)
	for _, err := range r.Errors {
		fmt.Println(err)
	}
	// Output:
	// 3 cases
	// K3 open true
	// effort: case "K3": resolved event: case_events: customer "globex": time: "2026-05-05T10:00:00Z": date out of order: before the opening 2026-05-06T10:00:00Z
}

func ExampleResponse_Validate() {
	for _, r := range []effort.Response{
		{CustomerID: "acme", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleNPS, Score: 10},
		{CustomerID: "acme", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleNPS, Score: 11},
		{CustomerID: "acme", Scale: effort.ScaleCES2, Score: 4},
		{CustomerID: "acme", Time: ts("2026-05-01T00:00:00Z"), Score: 4},
	} {
		fmt.Println(r.Validate())
	}
	// Output:
	// <nil>
	// effort: customer "acme": score: "11": score out of scale: nps answer must be an integer 0..10
	// effort: customer "acme": time: missing
	// effort: customer "acme": kind: unknown survey scale
}

func ExampleScale_Range() {
	for _, s := range []effort.Scale{effort.ScaleCES2, effort.ScaleCES1, effort.ScaleNPS, effort.ScaleUnknown} {
		lo, hi, ok := s.Range()
		fmt.Printf("%q %d..%d %v\n", s, lo, hi, ok)
	}
	// Output:
	// "ces2" 1..7 true
	// "ces1" 1..5 true
	// "nps" 0..10 true
	// "" 0..0 false
}

func ExampleReadSurveys_errors() {
	const data = `customer_id,time,kind,score
acme,2026-05-04T09:30:00Z,ces1,4
acme,2026-05-04T09:30:00Z,nps,10
globex,yesterday,ces2,5
`
	for s, err := range effort.ReadSurveys(strings.NewReader(data), "surveys.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s.CustomerID, s.Scale, s.Score)
	}
	// Output:
	// acme ces1 4
	// acme nps 10
	// effort: surveys.csv:4: customer "globex": time: "yesterday": not an RFC 3339 time: syntax error
}
