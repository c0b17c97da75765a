package cycle_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"log"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
)

// Run one week on a customer file and read what changed and what to do. A
// program that runs every week passes what the previous runs left as the
// Prior (a store does: see the successkit command), and a Sink to keep the
// results.
func ExampleCycle_Run() {
	book := samplebook.MustGenerate(samplebook.Config{Customers: 200})
	var customers bytes.Buffer
	if err := book.WriteCSV(&customers, samplebook.CustomersFile); err != nil {
		log.Fatal(err)
	}
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	c, err := cycle.New(cycle.Config{
		Scorer:   scorer,
		Playbook: playbook.Default(),
		Capacity: map[string]playbook.Capacity{"csm": {Hours: 8}, "executive_sponsor": {Slots: 1}},
		Trend:    health.TrendOptions{Tolerance: 5},
	})
	if err != nil {
		log.Fatal(err)
	}
	week := cycle.Input{
		AsOf: cs.MustParseDate("2026-06-30"),
		// The customers are read twice: once for health, once for the plays.
		Customers: func() iter.Seq2[cs.Customer, error] {
			return cs.ReadCustomersCSV(bytes.NewReader(customers.Bytes()), "customers.csv")
		},
	}
	res, err := c.Run(context.Background(), week, cycle.Prior{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	r := &res.Report
	fmt.Printf("%d customers, %d scored, mean score %.1f\n", r.Book.Customers, r.Health.Scored, r.Health.MeanScore)
	for _, g := range r.Health.Grades {
		fmt.Printf("%-7s %d\n", g.Grade, g.Customers)
	}
	fmt.Printf("plan: %d tasks to do, %d deferred\n", r.Playbook.Do.Count, r.Playbook.Deferred.Count)
	k := r.Playbook.Do.Items[0]
	fmt.Println("first:", k.Priority, k.Customer, k.Title)
	// Output:
	// 200 customers, 159 scored, mean score 79.1
	// red     12
	// yellow  49
	// green   98
	// plan: 39 tasks to do, 76 deferred
	// first: must C00096 Renewal risk review with the customer
}
