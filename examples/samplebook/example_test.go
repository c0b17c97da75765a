package samplebook_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
)

func ExampleGenerate() {
	b, err := samplebook.Generate(samplebook.Config{}) // the default book
	if err != nil {
		fmt.Println(err)
		return
	}
	active, churners := 0, 0
	for _, c := range b.Customers {
		if c.Stage != cs.StageChurned {
			active++
		}
	}
	for _, o := range b.Outcomes {
		if o.Churned {
			churners++
		}
	}
	fmt.Println("as of", b.Config.AsOf, "customers", len(b.Customers), "active", active)
	fmt.Println("churned in the next", b.Config.HorizonMonths, "months:", churners)
	fmt.Println("first customer:", b.Customers[0].ID, b.Customers[0].Segment, b.Customers[0].Stage)
	// Output:
	// as of 2026-06-30 customers 2000 active 1663
	// churned in the next 6 months: 119
	// first customer: C00001 smb adoption
}

func ExampleGenerate_error() {
	_, err := samplebook.Generate(samplebook.Config{Months: 500})
	fmt.Println(err)
	// Output:
	// samplebook: months 500: want 1..240
}

func ExampleMustGenerate() {
	b := samplebook.MustGenerate(samplebook.Config{Customers: 3, Months: 2, Seed: 42})
	for _, c := range b.Customers {
		fmt.Println(c.ID, c.Segment, c.MRR, c.Attributes["contract"])
	}
	// Output:
	// C00001 smb 725.00 USD annual
	// C00002 smb 108.00 EUR annual
	// C00003 smb 120.00 USD annual
}

func ExampleBook_WriteCSV() {
	b := samplebook.MustGenerate(samplebook.Config{Customers: 3, Months: 2, Seed: 42})
	var buf bytes.Buffer
	if err := b.WriteCSV(&buf, samplebook.OutcomesFile); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(buf.String())
	// Output:
	// id,churned,date
	// C00001,0,2026-12-31
	// C00002,0,2026-12-31
	// C00003,0,2026-12-31
}

func ExampleBook_WriteDir() {
	dir, err := os.MkdirTemp("", "samplebook")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	b := samplebook.MustGenerate(samplebook.Config{Customers: 10, Months: 3})
	if err := b.WriteDir(dir); err != nil {
		fmt.Println(err)
		return
	}
	head, _ := os.ReadFile(filepath.Join(dir, samplebook.MRRFile))
	fmt.Println(strings.SplitN(string(head), "\n", 2)[0])
	// Output:
	// customer_id,subscription_id,month,mrr,currency
}

func ExampleFiles() {
	fmt.Println(strings.Join(samplebook.Files(), " "))
	// Output:
	// customers.csv mrr.csv contacts.csv case_events.csv surveys.csv outcomes.csv snapshots.csv
}

func ExampleDefaultHazard() {
	h := samplebook.DefaultHazard()
	h.Friction = 0 // a book where effort does not drive churn
	b := samplebook.MustGenerate(samplebook.Config{Customers: 200, Hazard: &h})
	fmt.Println(len(b.Customers), b.Config.Hazard.Friction, b.Config.Hazard.Usage)
	// Output:
	// 200 0 4
}
