package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/successkit/cs"
)

// AddCustomer adds a customer snapshot to the run: the customer as the run
// read it (Customer.MarshalJSON), so trends and backtests can be replayed from
// the store. The customer must be valid (Customer.Validate).
func (t *RunTx) AddCustomer(c *cs.Customer) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := checkCustomer(c); err != nil {
		return fmt.Errorf("store: run %s: customer: %w", t.run.AsOf, err)
	}
	b, err := c.MarshalJSON()
	if err != nil {
		return fmt.Errorf("store: run %s: customer %q: %w", t.run.AsOf, clip(c.ID), err)
	}
	in := t.inserter("cs_customers", "as_of", "customer_id", "body")
	if err := in.add(t.s.dateArg(t.run.AsOf), c.ID, string(b)); err != nil {
		return t.fail(err)
	}
	return nil
}

func checkCustomer(c *cs.Customer) error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	for _, f := range [...]struct{ name, v string }{{"name", c.Name}, {"segment", c.Segment}} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	for k := range c.Signals {
		if err := checkText("signal."+k, k); err != nil {
			return err
		}
	}
	for k, v := range c.Attributes {
		if err := checkText("attr."+k, k+v); err != nil {
			return err
		}
	}
	return nil
}

func scanCustomer(rows *sql.Rows) (cs.Customer, cs.Date, error) {
	var c cs.Customer
	var d cs.Date
	var id string
	var body []byte
	if err := rows.Scan(dateCol{&d}, &id, &body); err != nil {
		return c, d, err
	}
	if err := c.UnmarshalJSON(body); err != nil {
		return c, d, fmt.Errorf("customer %q on %s: %w", id, d, err)
	}
	return c, d, nil
}

// Customers lists the customer snapshots of the run of a date by ID;
// Page.After is a customer ID.
func (s *Store) Customers(ctx context.Context, asOf cs.Date, page Page) iter.Seq2[cs.Customer, error] {
	return list(ctx, s, "reading customers", `SELECT as_of, customer_id, body FROM cs_customers
		WHERE as_of = ? AND customer_id > ? ORDER BY customer_id LIMIT ?`, []any{s.dateArg(asOf), page.After, page.limit()},
		func(rows *sql.Rows) (cs.Customer, error) {
			c, _, err := scanCustomer(rows)
			return c, err
		})
}

// CustomerSnapshot is a customer as a run read it.
type CustomerSnapshot struct {
	AsOf     cs.Date     `json:"as_of"`
	Customer cs.Customer `json:"customer"`
}

// CustomerHistory lists a customer's snapshots, oldest first; Page.After is
// a date.
func (s *Store) CustomerHistory(ctx context.Context, customerID string, page Page) iter.Seq2[CustomerSnapshot, error] {
	after, err := s.afterDate(page.After)
	if err != nil {
		return fail[CustomerSnapshot](err)
	}
	return list(ctx, s, "reading a customer's history", `SELECT as_of, customer_id, body FROM cs_customers
		WHERE customer_id = ? AND as_of > ? ORDER BY as_of LIMIT ?`, []any{customerID, after, page.limit()},
		func(rows *sql.Rows) (CustomerSnapshot, error) {
			c, d, err := scanCustomer(rows)
			return CustomerSnapshot{AsOf: d, Customer: c}, err
		})
}
