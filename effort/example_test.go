package effort_test

import (
	"fmt"
	"strings"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/effort"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	must(err)
	return t
}

// A customer tried self-service, was forced to the phone and transferred, called back
// the next day, and the case took 96 hours against a 72-hour target.
func sampleBatch() *effort.Batch {
	b := effort.NewBatch()
	for _, c := range []effort.Contact{
		{ID: "m1", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-01T09:00:00Z"), Channel: effort.SelfService},
		{ID: "m2", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-01T10:00:00Z"), Channel: effort.Phone, Transferred: true},
		{ID: "m3", CustomerID: "acme", CaseID: "K1", Time: ts("2026-05-02T10:00:00Z"), Channel: effort.Phone, RepeatedInfo: true},
		{ID: "m4", CustomerID: "globex", CaseID: "K2", Time: ts("2026-05-03T10:00:00Z"), Channel: effort.Chat},
	} {
		must(b.AddContact(c))
	}
	for _, e := range []effort.CaseEvent{
		{CaseID: "K1", CustomerID: "acme", Kind: effort.Opened, Time: ts("2026-05-01T09:00:00Z")},
		{CaseID: "K1", CustomerID: "acme", Kind: effort.Resolved, Time: ts("2026-05-05T09:00:00Z")},
		{CaseID: "K2", CustomerID: "globex", Kind: effort.Opened, Time: ts("2026-05-03T10:00:00Z")},
		{CaseID: "K2", CustomerID: "globex", Kind: effort.Resolved, Time: ts("2026-05-03T11:00:00Z")},
	} {
		must(b.AddCaseEvent(e))
	}
	return b
}

func ExampleModel_AnalyzeAt() {
	m, err := effort.NewModel(effort.Config{}) // the defaults
	must(err)
	r := m.AnalyzeAt(sampleBatch(), ts("2026-05-05T09:00:00Z"))
	for i := range r.NumCases() {
		c := r.Case(i)
		fmt.Printf("%s %s friction %.0f fcr %v\n", c.CustomerID, c.CaseID, c.Score, c.FCR)
		for _, d := range c.Drivers() {
			fmt.Printf("  %-14s %4.2f × → %5.2f\n", d.Name, d.Value, d.Points)
		}
	}
	for _, c := range r.Customers {
		fmt.Printf("%s: friction %.1f, FCR rate %.2f\n", c.CustomerID, c.Friction, c.FCRRate)
	}
	// Output:
	// acme K1 friction 99 fcr false
	//   repeat_contact 2.00 × → 40.00
	//   forced_switch  1.00 × → 20.00
	//   transfer       1.00 × → 18.00
	//   repeated_info  1.00 × → 16.00
	//   over_target    0.33 × →  5.00
	// globex K2 friction 0 fcr true
	// acme: friction 99.0, FCR rate 0.00
	// globex: friction 0.0, FCR rate 1.00
}

func ExampleReport_CasesOf() {
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(sampleBatch(), ts("2026-05-10T00:00:00Z"))
	for _, c := range r.CasesOf("acme") {
		fmt.Println(c.CaseID, c.Contacts, "contacts,", c.Duration, "to resolve")
	}
	// Output:
	// K1 3 contacts, 96h0m0s to resolve
}

// A contact for a case that was never opened is reported; the rest is analysed.
func ExampleReport_errors() {
	b := sampleBatch()
	must(b.AddContact(effort.Contact{ID: "m9", CustomerID: "acme", CaseID: "K404", Time: ts("2026-05-04T00:00:00Z"), Channel: effort.Email}))
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(b, ts("2026-05-10T00:00:00Z"))
	fmt.Println(r.Errors[0])
	fmt.Println(r.NumCases(), "cases analysed")
	// Output:
	// effort: contact "m9": contacts: customer "acme": case_id: "K404": unknown case
	// 2 cases analysed
}

// Effort results become health signals: "friction", "fcr_rate" and "ces".
func ExampleCustomerEffort_AddSignals() {
	m, _ := effort.NewModel(effort.Config{})
	now := ts("2026-05-10T00:00:00Z")
	r := m.AnalyzeAt(sampleBatch(), now)
	ces, err := effort.CESByCustomer([]effort.Response{
		{CustomerID: "acme", Time: ts("2026-05-06T00:00:00Z"), Scale: effort.ScaleCES2, Score: 2},
		{CustomerID: "acme", Time: ts("2026-05-07T00:00:00Z"), Scale: effort.ScaleCES2, Score: 3},
	}, now.AddDate(0, 0, -90), now)
	must(err)
	for _, p := range effort.Profiles(r.Customers, ces) {
		c := cs.Customer{ID: p.CustomerID, Signals: cs.Signals{"usage": 0.4}}
		p.AddSignals(c.Signals)
		for _, name := range c.Signals.Names() {
			fmt.Printf("%s %s=%.2f\n", c.ID, name, c.Signals[name])
		}
	}
	// Output:
	// acme ces=2.50
	// acme fcr_rate=0.00
	// acme friction=99.00
	// acme usage=0.40
	// globex fcr_rate=1.00
	// globex friction=0.00
	// globex usage=0.40
}

func ExampleSummarizeCES() {
	// Dixon, Toman & DeLisi (2013): 8 answers of 5–7 out of 10 are 80% easy.
	var rs []effort.Response
	for _, s := range []float64{5, 6, 7, 7, 5, 6, 5, 7, 2, 3} {
		rs = append(rs, effort.Response{CustomerID: "acme", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleCES2, Score: s})
	}
	s, err := effort.SummarizeCES(rs)
	must(err)
	mean, _ := s.MeanCES2()
	fmt.Printf("n=%d mean=%.1f easy=%.0f%% difficult=%.0f%% dist=%v\n", s.Count, mean, s.ShareEasy*100, s.ShareDifficult*100, s.CES2)
	// Output:
	// n=10 mean=5.3 easy=80% difficult=20% dist=[0 1 1 0 3 2 3]
}

func ExampleEase() {
	for _, r := range []effort.Response{
		{CustomerID: "a", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleCES2, Score: 7},
		{CustomerID: "a", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleCES1, Score: 5},
		{CustomerID: "a", Time: ts("2026-05-01T00:00:00Z"), Scale: effort.ScaleCES1, Score: 9},
	} {
		e, err := effort.Ease(r)
		fmt.Println(e, err)
	}
	// Output:
	// 100 <nil>
	// 0 <nil>
	// 0 effort: customer "a": score: "9": score out of scale: ces1 answer must be an integer 1..5
}

func ExampleCESByMonth() {
	months, _ := effort.CESByMonth([]effort.Response{
		{CustomerID: "a", Time: ts("2026-04-10T00:00:00Z"), Scale: effort.ScaleCES2, Score: 4},
		{CustomerID: "b", Time: ts("2026-05-10T00:00:00Z"), Scale: effort.ScaleCES1, Score: 2},
	})
	for _, m := range months {
		fmt.Printf("%s n=%d ease=%.0f\n", m.Period, m.Summary.Count, m.Summary.MeanEase)
	}
	// Output:
	// 2026-04 n=1 ease=50
	// 2026-05 n=1 ease=75
}

func ExampleSilence_FindAt() {
	m, _ := effort.NewModel(effort.Config{})
	now := ts("2026-05-10T00:00:00Z")
	r := m.AnalyzeAt(sampleBatch(), now)
	customers := []cs.Customer{
		{ID: "acme", Signals: cs.Signals{"usage_trend": -0.35}},
		{ID: "globex", Signals: cs.Signals{"usage_trend": -0.40}},
	}
	// globex answered an NPS survey last week: it has spoken, so it is not silent.
	answers := []effort.Response{{CustomerID: "globex", Time: ts("2026-05-03T00:00:00Z"), Scale: effort.ScaleNPS, Score: 4}}
	silent, err := effort.Silence{}.FindAt(effort.Profiles(r.Customers, nil), customers, answers, nil, now)
	must(err)
	for _, s := range silent {
		fmt.Println(s.CustomerID)
		for _, e := range s.Evidence {
			fmt.Printf("  %s %.2f (threshold %.2f)\n", e.Sign, e.Value, e.Threshold)
		}
	}
	// Output:
	// acme
	//   falling_usage -0.35 (threshold -0.20)
	//   high_friction 99.00 (threshold 50.00)
}

func ExampleReadContacts() {
	const data = `contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
m1,acme,K1,2026-05-04T09:30:00Z,chat,team-a,0,1,0
m2,acme,K1,2026-05-04T10:30:00Z,carrier-pigeon,,0,0,0
`
	for c, err := range effort.ReadContacts(strings.NewReader(data), "contacts.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c.ID, c.Channel, c.GenericAnswer)
	}
	// Output:
	// m1 chat true
	// effort: contacts.csv:3: customer "acme": channel: "carrier-pigeon": unknown channel
}

func ExampleReadCaseEvents() {
	for e, err := range effort.ReadCaseEvents(strings.NewReader("case_id,customer_id,event,time\nK1,acme,opened,2026-05-04T09:30:00Z\n"), "") {
		fmt.Println(e.CaseID, e.Kind, e.Time.Format(time.DateOnly), err)
	}
	// Output:
	// K1 opened 2026-05-04 <nil>
}

func ExampleReadSurveys() {
	for s, err := range effort.ReadSurveys(strings.NewReader("customer_id,time,kind,score\nacme,2026-05-04T09:30:00Z,ces2,6\nacme,2026-05-05T09:30:00Z,ces2,6.5\n"), "") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s.Scale, s.Score)
	}
	// Output:
	// ces2 6
	// effort: surveys.csv:3: customer "acme": score: "6.5": score out of scale: ces2 answer must be an integer 1..7
}

func ExampleDecay() {
	day := 24 * time.Hour
	for _, age := range []time.Duration{0, 45 * day, 90 * day, 180 * day} {
		fmt.Printf("%.3f ", effort.Decay(age, 90*day))
	}
	fmt.Println()
	// Output:
	// 1.000 0.707 0.500 0.250
}

func ExampleDefaultWeights() {
	w := effort.DefaultWeights()
	fmt.Println(w.RepeatContact, w.Transfer, w.ForcedSwitch, w.ChannelSwitch, w.RepeatedInfo, w.GenericAnswer, w.Reopen, w.OverTarget, w.NextIssue)
	// Output:
	// 20 18 20 10 16 14 20 15 12
}

func ExampleParseChannel() {
	c, _ := effort.ParseChannel("self_service")
	_, err := effort.ParseChannel("fax")
	fmt.Println(c, c.Assisted(), err)
	// Output:
	// self_service false effort: channel: "fax": unknown channel
}

func ExampleLoadBatch() {
	contacts := strings.NewReader(`contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
m1,acme,K1,2026-05-04T09:30:00Z,self_service,,0,0,0
m2,acme,K1,2026-05-04T10:30:00Z,phone,team-a,0,0,1
m3,acme,K1,2026-05-04T11:30:00Z,telepathy,,0,0,0
`)
	events := strings.NewReader("case_id,customer_id,event,time\nK1,acme,opened,2026-05-04T09:30:00Z\n")
	b, err := effort.LoadBatch(contacts, "contacts.csv", events, "case_events.csv")
	fmt.Println(err)
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(b, ts("2026-05-05T00:00:00Z"))
	fmt.Printf("%s friction %.0f, %d errors\n", r.Customers[0].CustomerID, r.Customers[0].Friction, len(r.Errors))
	// Output:
	// effort: contacts.csv:4: customer "acme": channel: "telepathy": unknown channel
	// acme friction 58, 0 errors
}

func ExampleReadResponses() {
	rs, err := effort.ReadResponses(strings.NewReader("customer_id,time,kind,score\nacme,2026-05-04T09:30:00Z,ces1,2\nacme,2026-05-04T09:30:00Z,ces9,2\n"), "surveys.csv")
	s, _ := effort.SummarizeCES(rs)
	fmt.Println(len(rs), s.MeanEase, err)
	// Output:
	// 1 75 effort: surveys.csv:3: customer "acme": kind: "ces9": unknown survey scale
}

func ExampleReport_Top() {
	m, _ := effort.NewModel(effort.Config{})
	r := m.AnalyzeAt(sampleBatch(), ts("2026-05-10T00:00:00Z"))
	for _, c := range r.Top(1) {
		fmt.Printf("%s %.0f, top driver %s\n", c.CustomerID, c.Friction, c.Drivers[0].Name)
	}
	// Output:
	// acme 99, top driver repeat_contact
}
