package server

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// chromium finds the browser of Debian's chromium package ($CHROMIUM
// overrides), or skips the test; with CI set a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium: install Debian's chromium package (apt-get install chromium) or set $CHROMIUM")
	}
	t.Skip("no chromium (apt-get install chromium, or set $CHROMIUM)")
	return ""
}

// TestBrowser drives the dashboard in headless Chromium: log in with a
// token, open a red customer from the portfolio, mark one of its tasks done
// with the form, and check the store. With -screenshot the customer page is
// saved as testdata/customer.png for people to look at (the README shows it);
// without it the test leaves the tree as it found it.
var screenshot = flag.Bool("screenshot", false, "TestBrowser writes the customer page to testdata/customer.png")

func TestBrowser(t *testing.T) {
	exe := chromium(t)
	e := populated(t)
	ctx := context.Background()
	red, task := redCustomerWithTask(t, e)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1600),
	}
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 45*time.Second)
	defer cancel()

	done := chromedp.CSS(`form[action="/ui/tasks/` + pathSegment(task.Task.Key) + `/done"]`)
	steps := []struct {
		what string
		do   chromedp.Action[chromedp.Void]
	}{
		{"open the dashboard", chromedp.Navigate(e.URL + "/ui/")},
		{"see the login form", chromedp.WaitVisible(chromedp.ID("token"))},
		{"type the token", chromedp.SendKeys(chromedp.ID("token"), e.write)},
		{"log in", chromedp.Click(chromedp.ID("login"))},
		{"see the portfolio", chromedp.WaitVisible(chromedp.Search(`//h1[starts-with(., "Portfolio on")]`))},
		{"keep the portfolio", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			shot, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err == nil {
				err = writeShot("portfolio.png", shot)
			}
			return err
		})},
		// Open the red customer as a person would: from the customers list.
		{"open the customers", chromedp.Navigate(e.URL + "/ui/customers?limit=1000")},
		{"open the red customer", chromedp.Click(chromedp.CSS(`a[href="/ui/customers/` + pathSegment(red) + `"]`))},
		{"see its page", chromedp.WaitVisible(chromedp.Search(`//h2[.="Score history"]`))},
	}
	for _, st := range steps {
		if err := chromedp.Do(bctx, st.do); err != nil {
			loc, _ := chromedp.Run(bctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v", st.what, loc, err)
		}
	}
	customer, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx,
		chromedp.SetValue(done+` input[name="note"]`, "called from the browser test"),
		chromedp.Click(done+` button`),
		chromedp.WaitNotPresent(done),
		chromedp.WaitVisible(chromedp.Search(`//h2[.="Score history"]`)),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(customer, "red") || !strings.Contains(customer, "Why") {
		t.Fatalf("the customer page shows %q", customer)
	}
	if *screenshot {
		if err := writeShot("customer.png", shot); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.st.Task(ctx, task.Task.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != playbook.TaskDone || got.By != "writer" || got.Note != "called from the browser test" {
		t.Fatalf("the store holds %+v", got)
	}
}

// redCustomerWithTask finds a customer graded red on the latest run with an
// open task.
func redCustomerWithTask(t *testing.T, e *env) (string, playbook.TaskRecord) {
	t.Helper()
	ctx := context.Background()
	run, _, err := e.st.LastRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for r, err := range e.st.HealthOn(ctx, run.AsOf, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Grade != "red" {
			continue
		}
		for rec, err := range e.st.Tasks(ctx, store.TaskFilter{CustomerID: r.CustomerID, State: playbook.TaskOpen}, store.Page{Limit: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			return r.CustomerID, rec
		}
	}
	t.Fatal("no red customer with an open task")
	return "", playbook.TaskRecord{}
}

// writeShot keeps a screenshot under testdata for people to look at.
func writeShot(name string, png []byte) error {
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join("testdata", name), png, 0o644)
}
