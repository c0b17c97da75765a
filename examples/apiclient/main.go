// Command apiclient calls the HTTP API of `successkit serve` as a CRM plugin
// would, with nothing but the standard library: score a customer the plugin
// holds, list the open tasks of the CSMs, mark one done, and read that
// customer's score history. Errors come back as RFC 9457 problem documents
// naming the field at fault, which it prints.
//
//	successkit demo -db demo.db
//	export SUCCESSKIT_TOKEN=$(successkit token create -db demo.db -name plugin -scope write)
//	successkit serve -db demo.db &
//	go run ./examples/apiclient -url http://127.0.0.1:8080
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// client calls the API with a bearer token.
type client struct {
	base  string
	token string
	http  *http.Client
}

// problem is the API's error: an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Path   string `json:"path"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

func (p *problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %s", p.Status, p.Title, p.Detail)
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", e.Path, e.Detail)
	}
	return b.String()
}

// do sends a request with a JSON body (nil for none) and decodes the JSON
// answer into out; a problem document comes back as a *problem.
func (c *client) do(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		p := &problem{Status: res.StatusCode, Title: res.Status}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			json.NewDecoder(res.Body).Decode(p)
		}
		if ra := res.Header.Get("Retry-After"); ra != "" {
			p.Detail += " (retry after " + ra + " s)"
		}
		return p
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

type task struct {
	Task struct {
		Key        string `json:"key"`
		CustomerID string `json:"customer_id"`
		Due        string `json:"due"`
		Action     struct {
			Title string `json:"title"`
		} `json:"action"`
	} `json:"task"`
	State string `json:"state"`
	By    string `json:"by"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the server's base `URL`")
	flag.Parse()
	c := &client{base: strings.TrimSuffix(*base, "/"), token: os.Getenv("SUCCESSKIT_TOKEN"), http: &http.Client{Timeout: 30 * time.Second}}
	if err := run(c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(c *client, w io.Writer) error {
	// 1. Score a customer the CRM holds, without storing anything.
	var result struct {
		CustomerID string   `json:"customer_id"`
		Score      float64  `json:"score"`
		Grade      string   `json:"grade"`
		Reasons    []string `json:"reasons"`
	}
	customer := map[string]any{"id": "ACME-42", "segment": "smb", "signals": map[string]float64{
		"usage": 0.31, "usage_trend": -0.2, "seat_utilization": 0.4, "logins_30d": 12, "days_since_login": 19, "nps": 4, "tickets_90d": 9}}
	if err := c.do("POST", "/v1/score", map[string]any{"customer": customer}, &result); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s scores %.1f (%s)\n", result.CustomerID, result.Score, result.Grade)
	for _, r := range result.Reasons {
		fmt.Fprintln(w, "  because", r)
	}

	// A bad value is refused with the JSON path at fault.
	bad := map[string]any{"customer": map[string]any{"id": "ACME-43", "signals": map[string]any{"usage": "high"}}}
	var p *problem
	if err := c.do("POST", "/v1/score", bad, nil); errors.As(err, &p) {
		fmt.Fprintf(w, "refused: %s at %s\n", p.Errors[0].Detail, p.Errors[0].Path)
	} else {
		return fmt.Errorf("a bad customer was not refused: %v", err)
	}

	// 2. The CSMs' open tasks, first page.
	var page struct {
		Items      []task `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	if err := c.do("GET", "/v1/tasks?state=open&owner=csm&limit=5", nil, &page); err != nil {
		return err
	}
	for _, t := range page.Items {
		fmt.Fprintf(w, "open: %s, due %s: %s\n", t.Task.Key, t.Task.Due, t.Task.Action.Title)
	}
	if len(page.Items) == 0 {
		return errors.New("no open task")
	}

	// 3. Mark the first one done: the store records the token's name as its author.
	first := page.Items[0].Task
	var done task
	if err := c.do("POST", "/v1/tasks/"+url.PathEscape(first.Key)+"/done", map[string]string{"note": "logged from the CRM"}, &done); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s is %s by %s\n", done.Task.Key, done.State, done.By)

	// 4. That customer's score history, oldest first, page by page.
	path := "/v1/customers/" + url.PathEscape(first.CustomerID) + "/history?limit=100"
	n := 0
	for path != "" {
		var h struct {
			Items []struct {
				AsOf  string  `json:"as_of"`
				Score float64 `json:"score"`
				Grade string  `json:"grade"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := c.do("GET", path, nil, &h); err != nil {
			return err
		}
		for _, p := range h.Items {
			n++
			fmt.Fprintf(w, "%s %s %5.1f %s\n", first.CustomerID, p.AsOf, p.Score, p.Grade)
		}
		path = ""
		if h.NextCursor != "" {
			path = "/v1/customers/" + url.PathEscape(first.CustomerID) + "/history?limit=100&cursor=" + url.QueryEscape(h.NextCursor)
		}
	}
	fmt.Fprintf(w, "%d scores\n", n)
	return nil
}
