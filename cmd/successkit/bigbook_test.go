package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/successkit/cs"
)

// bigBook writes a book of n customers in the library's layouts for the
// memory and speed measurements, streaming (the sample book holds its whole
// history in memory and cannot be generated at a million customers):
// customers.csv with the sample book's signals; for half the customers a
// support case of one to three contacts in the last 60 days (resolved four
// times in five), contacts.csv and case_events.csv; a CES answer for three
// customers in ten (surveys.csv); and three months of MRR per active
// customer (mrr.csv). Customers are written in a shuffled order. It returns
// the directory and the book's date.
func bigBook(t testing.TB, dir string, n int) cs.Date {
	t.Helper()
	asOf := cs.MustParseDate("2026-06-30")
	now := asOf.In(time.UTC).Add(12 * time.Hour)
	open := func(name, header string) (*os.File, *bufio.Writer) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(header + "\n")
		return f, w
	}
	cf, cw := open("customers.csv", "id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.usage,signal.usage_trend,signal.seat_utilization,signal.feature_adoption,signal.logins_30d,signal.days_since_login,signal.nps,signal.tickets_90d,attr.plan")
	kf, kw := open("contacts.csv", "contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred")
	ef, ew := open("case_events.csv", "case_id,customer_id,event,time")
	sf, sw := open("surveys.csv", "customer_id,time,kind,score")
	mf, mw := open("mrr.csv", "customer_id,subscription_id,month,mrr,currency")
	r := rand.New(rand.NewPCG(20, 1))
	order := r.Perm(n)
	segments := []string{"smb", "smb", "smb", "mid_market", "enterprise"}
	stages := []string{"onboarding", "adoption", "adoption", "adoption", "expansion", "renewal"}
	channels := []string{"email", "chat", "phone", "self_service"}
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	for _, i := range order {
		id := fmt.Sprintf("C%07d", i+1)
		seg := segments[r.IntN(len(segments))]
		stage := stages[r.IntN(len(stages))]
		churned := r.IntN(20) == 0
		if churned {
			stage = "churned"
		}
		start := asOf.AddDays(-30 - r.IntN(900))
		renew := asOf.AddDays(1 + r.IntN(365))
		seats := 1 + r.IntN(map[string]int{"smb": 20, "mid_market": 200, "enterprise": 1000}[seg])
		cur := []string{"USD", "USD", "USD", "EUR", "JPY"}[r.IntN(5)]
		price := map[string]int{"USD": 1200, "EUR": 1100, "JPY": 1800}[cur]
		minor := seats * price
		mrr := fmt.Sprintf("%d.%02d", minor/100, minor%100)
		if cur == "JPY" {
			mrr = fmt.Sprint(seats * 1800)
		}
		if churned {
			mrr = "0"
			if cur != "JPY" {
				mrr = "0.00"
			}
		}
		usage := math.Round(100*min(1, max(0.02, 0.6+0.25*r.NormFloat64()))) / 100
		nps := ""
		if r.IntN(3) == 0 {
			nps = fmt.Sprint(r.IntN(11))
		}
		fmt.Fprintf(cw, "%s,Customer %d,%s,%s,%s,%s,%s,%s,%g,%g,%g,%g,%d,%d,%s,%d,%s\n", id, i+1, seg, stage, start, renew, mrr, cur,
			usage, math.Round(100*0.2*r.NormFloat64())/100, math.Round(100*min(1, usage+0.1))/100, math.Round(100*r.Float64())/100,
			r.IntN(60), r.IntN(30), nps, r.IntN(5), []string{"starter", "growth", "enterprise"}[r.IntN(3)])
		if !churned {
			for m := 0; m < 3; m++ {
				fmt.Fprintf(mw, "%s,%s-S1,2026-%02d,%s,%s\n", id, id, 4+m, mrr, cur)
			}
		}
		if r.IntN(2) == 0 {
			kase := id + "-K1"
			opened := now.Add(-time.Duration(1+r.IntN(60*24)) * time.Hour)
			fmt.Fprintf(ew, "%s,%s,opened,%s\n", kase, id, ts(opened))
			at := opened
			for k := range 1 + r.IntN(3) {
				at = at.Add(time.Duration(r.IntN(48)) * time.Minute)
				fmt.Fprintf(kw, "%s-%d,%s,%s,%s,%s,agent-%d,%d,%d,%d\n", kase, k+1, id, kase, ts(at), channels[r.IntN(4)], r.IntN(30),
					r.IntN(5)/4, r.IntN(5)/4, r.IntN(6)/5)
			}
			if r.IntN(5) < 4 {
				if end := at.Add(time.Duration(1+r.IntN(24)) * time.Hour); end.Before(now) {
					fmt.Fprintf(ew, "%s,%s,resolved,%s\n", kase, id, ts(end))
				}
			}
		}
		if r.IntN(10) < 3 {
			fmt.Fprintf(sw, "%s,%s,ces2,%d\n", id, ts(now.Add(-time.Duration(1+r.IntN(80*24))*time.Hour)), 1+r.IntN(7))
		}
	}
	for _, f := range []struct {
		f *os.File
		w *bufio.Writer
	}{{cf, cw}, {kf, kw}, {ef, ew}, {sf, sw}, {mf, mw}} {
		if err := f.w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.f.Close()
	}
	return asOf
}
