package samplebook

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/successkit/cs"
)

// The files of a written book, in the order WriteDir writes them.
const (
	CustomersFile  = "customers.csv"
	MRRFile        = "mrr.csv"
	ContactsFile   = "contacts.csv"
	CaseEventsFile = "case_events.csv"
	SurveysFile    = "surveys.csv"
	OutcomesFile   = "outcomes.csv"
	SnapshotsFile  = "snapshots.csv"
)

// Files returns the names of the files WriteDir writes, in order.
func Files() []string {
	return []string{CustomersFile, MRRFile, ContactsFile, CaseEventsFile, SurveysFile, OutcomesFile, SnapshotsFile}
}

// WriteDir writes every file of Files into dir, which must exist, replacing files
// of the same names. The error names the file that failed.
func (b *Book) WriteDir(dir string) error {
	for _, name := range Files() {
		if err := b.writeFile(filepath.Join(dir, name), name); err != nil {
			return err
		}
	}
	return nil
}

func (b *Book) writeFile(path, name string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("samplebook: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = b.WriteCSV(bw, name)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("samplebook: %s: %w", name, cerr)
	}
	return err
}

// WriteCSV writes one file of the book, named as in Files, to w: a header row, then
// one row per record, UTF-8, comma-separated and quoted as RFC 4180 requires. The
// layouts are those of the module's readers:
//
//	customers.csv   id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.<name>...,attr.<name>...
//	mrr.csv         customer_id,subscription_id,month,mrr,currency
//	contacts.csv    contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
//	case_events.csv case_id,customer_id,event,time
//	surveys.csv     customer_id,time,kind,score
//	outcomes.csv    id,churned,date
//	snapshots.csv   as_of, then the customers.csv columns
//
// Times are RFC 3339 in UTC, months YYYY-MM, dates YYYY-MM-DD, flags 0 or 1, an
// empty cell is a missing value. customers.csv and snapshots.csv are written by
// cs.CSVWriter, so cs.ReadCustomersCSV reads them back equal. An unknown name is
// an error.
func (b *Book) WriteCSV(w io.Writer, file string) error {
	cw := csv.NewWriter(w)
	switch file {
	case CustomersFile:
		return writeCustomers(w, b.Customers, nil)
	case SnapshotsFile:
		dates := make([]cs.Date, len(b.Snapshots))
		cus := make([]cs.Customer, len(b.Snapshots))
		for i, s := range b.Snapshots {
			dates[i], cus[i] = s.AsOf, s.Customer
		}
		return writeCustomers(w, cus, dates)
	case MRRFile:
		cw.Write([]string{"customer_id", "subscription_id", "month", "mrr", "currency"})
		for _, r := range b.MRR {
			cw.Write([]string{r.CustomerID, r.SubscriptionID, r.Month.String()[:7], amount(r.MRR), string(r.MRR.Currency())})
		}
	case ContactsFile:
		cw.Write([]string{"contact_id", "customer_id", "case_id", "time", "channel", "agent", "repeated_info", "generic_answer", "transferred"})
		for _, c := range b.Contacts {
			cw.Write([]string{c.ContactID, c.CustomerID, c.CaseID, stamp(c.Time), string(c.Channel), c.Agent,
				flag(c.RepeatedInfo), flag(c.GenericAnswer), flag(c.Transferred)})
		}
	case CaseEventsFile:
		cw.Write([]string{"case_id", "customer_id", "event", "time"})
		for _, e := range b.CaseEvents {
			cw.Write([]string{e.CaseID, e.CustomerID, string(e.Event), stamp(e.Time)})
		}
	case SurveysFile:
		cw.Write([]string{"customer_id", "time", "kind", "score"})
		for _, s := range b.Surveys {
			cw.Write([]string{s.CustomerID, stamp(s.Time), string(s.Kind), strconv.Itoa(s.Score)})
		}
	case OutcomesFile:
		cw.Write([]string{"id", "churned", "date"})
		for _, o := range b.Outcomes {
			cw.Write([]string{o.ID, flag(o.Churned), o.Date.String()})
		}
	default:
		return fmt.Errorf("samplebook: unknown file %q: want one of %v", file, Files())
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("samplebook: %s: %w", file, err)
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// amount formats a Money's amount with the currency's minor digits.
func amount(m cs.Money) string {
	return m.Amount().StringFixed(int32(max(m.Currency().Digits(), 0)))
}

// writeCustomers writes the cs customer layout with cs.CSVWriter, with a leading
// as_of column when dates is not nil. Signal and attribute columns are the sorted
// union of the names the customers carry (cs.LayoutOf).
func writeCustomers(w io.Writer, cus []cs.Customer, dates []cs.Date) error {
	layout := cs.LayoutOf(cus)
	if dates != nil {
		layout.Extra = []string{"as_of"}
	}
	cw := cs.NewCSVWriter(w, layout)
	for i := range cus {
		var err error
		if dates != nil {
			err = cw.Write(&cus[i], dates[i].String())
		} else {
			err = cw.Write(&cus[i])
		}
		if err != nil {
			return fmt.Errorf("samplebook: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("samplebook: %w", err)
	}
	return nil
}
