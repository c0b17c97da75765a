package touch_test

import (
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/touch"
)

// Every amount of a Result is in the policy currency.
func ExampleAssigner_Currency() {
	p, err := touch.ParsePolicy([]byte(policyJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	a := touch.MustCompile(p)
	r, err := a.Assign(book(), cs.MustParseDate("2026-06-30"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Currency(), r.Tier(touch.High).ARR.Currency() == a.Currency())
	// Output: USD true
}

// Policy hands back the policy as compiled, e.g. to show the thresholds in
// use next to a result.
func ExampleAssigner_Policy() {
	p, err := touch.ParsePolicy([]byte(policyJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	a := touch.MustCompile(p)
	q := a.Policy()
	fmt.Println("high from", q.High.MinValue, "CSMs", q.High.CSMs, "max", q.High.MaxAccounts)
	fmt.Println("low from", q.Low.MinValue, "headcount", q.Low.Headcount)
	// Output:
	// high from 100000.00 USD CSMs [ann ben] max 2
	// low from 20000.00 USD headcount 1
}

// Flagged tells whether an account is invited to the community at all.
func ExampleCommunity_Flagged() {
	a := touch.MustCompile(touch.Policy{Currency: "USD"})
	r, err := a.Assign([]touch.Account{
		{ID: "fan", Value: cs.MustParseMoney("1000 USD"), Signals: cs.Signals{"nps": 9}},
		{ID: "quiet", Value: cs.MustParseMoney("1000 USD"), Signals: cs.Signals{"nps": 7}},
	}, cs.MustParseDate("2026-06-30"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range r.Accounts {
		fmt.Printf("%s: flagged %v (%q)\n", x.ID, x.Community.Flagged(), x.Community)
	}
	// Output:
	// fan: flagged true ("promoter")
	// quiet: flagged false ("")
}

// Has is true only when every reason of its argument is set.
func ExampleCommunity_Has() {
	c := touch.CommunityAdvocate | touch.CommunityPromoter
	fmt.Println(c.Has(touch.CommunityPromoter))
	fmt.Println(c.Has(touch.CommunityAdvocate | touch.CommunityPromoter))
	fmt.Println(c.Has(touch.CommunityPromoter | touch.CommunityPeerHelp))
	// Output:
	// true
	// true
	// false
}

// Valid guards a Tier that came from outside the package, e.g. a stored int.
func ExampleTier_Valid() {
	for _, t := range []touch.Tier{touch.None, touch.Tech, touch.High, touch.Tier(7)} {
		fmt.Printf("%q %v\n", t, t.Valid())
	}
	// Output:
	// "" true
	// "tech" true
	// "high" true
	// "Tier(7)" false
}
