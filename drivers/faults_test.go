package drivers_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/drivers/driverstest"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/store/storetest"
)

// bigRun starts a run and adds n health results for generated customers,
// calling progress after each 10,000; it never commits.
func bigRun(ctx context.Context, s *store.Store, asOf cs.Date, n int, progress func(int)) (*store.RunTx, error) {
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: time.Unix(1_780_000_000, 0), By: "crash"})
	if err != nil {
		return nil, err
	}
	sc := storetest.Scorer()
	hc, _ := store.HealthConfig(sc.Config())
	if err := tx.SaveConfig(hc); err != nil {
		return tx, err
	}
	book := storetest.Book(1000, 99, asOf, false)
	for i := 0; i < n; i++ {
		c := book[i%len(book)]
		c.ID = fmt.Sprintf("big%08d", i)
		r, err := sc.Score(&c, asOf)
		if err != nil {
			return tx, err
		}
		if err := tx.AddHealth(&r); err != nil {
			return tx, err
		}
		if (i+1)%10000 == 0 && progress != nil {
			progress(i + 1)
		}
	}
	return tx, nil
}

// TestCrashChild is the process TestCrashMidRun kills: it writes a large run
// and reports its progress on standard output until it is killed.
func TestCrashChild(t *testing.T) {
	target := os.Getenv("SUCCESSKIT_CRASH_TARGET")
	if target == "" {
		t.Skip("run by TestCrashMidRun")
	}
	ctx := context.Background()
	s, err := drivers.Open(ctx, target)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	_, err = bigRun(ctx, s, storetest.Start().AddDays(7), 10_000_000, func(n int) { fmt.Println("wrote", n) })
	fmt.Println("error", err)
	os.Exit(1)
}

// A process killed with SIGKILL in the middle of a large run leaves the last
// complete state: nothing of the run, the database intact, and the run can be
// done again.
func TestCrashMidRun(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "crash.db")
		crash(t, path, func(t *testing.T) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var ok string
			if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity_check = %q, %v", ok, err)
			}
		})
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		crash(t, driverstest.PostgresSchema(t), nil)
	})
}

func crash(t *testing.T, target string, check func(*testing.T)) {
	ctx := context.Background()
	s, err := drivers.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	book := storetest.Book(50, 98, storetest.Start(), true)
	if _, err := storetest.Week(ctx, s, book, storetest.Start()); err != nil {
		t.Fatal(err)
	}
	before, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SUCCESSKIT_CRASH_TARGET="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "error") {
			t.Fatalf("child: %s", line)
		}
		if line == "wrote 60000" {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	if !killed {
		t.Fatal("the child ended before writing 60,000 results")
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want SIGKILL", err)
	}

	s, err = drivers.Open(ctx, target)
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer s.Close()
	after, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the crash changed the store (%d bytes of dump before, %d after)", len(before), len(after))
	}
	if check != nil {
		check(t)
	}
	storetest.Drift(book, 98, 1)
	r, err := storetest.Week(ctx, s, book, storetest.Start().AddDays(7))
	if err != nil {
		t.Fatalf("re-running after the crash: %v", err)
	}
	if r.Counts.Health != len(book) {
		t.Errorf("the re-run saved %d results, want %d", r.Counts.Health, len(book))
	}
}

// A file that is not a database is refused and left as it was.
func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	junk := bytes.Repeat([]byte("this is not a database\n"), 500)
	if err := os.WriteFile(path, junk, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := drivers.Open(context.Background(), path)
	if !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("Open(text file) = %v, want ErrNotDatabase", err)
	}
	if !strings.Contains(err.Error(), "notes.db") {
		t.Errorf("error %q does not name the file", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, junk) {
		t.Error("the file was changed")
	}
	if _, err := drivers.Open(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a file") {
		t.Errorf("Open(directory) = %v, want 'not a file'", err)
	}
}

// A read-only database opens for reading and refuses writes, losing nothing.
func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := drivers.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.Week(ctx, s, storetest.Book(10, 97, storetest.Start(), false), storetest.Start()); err != nil {
		t.Fatal(err)
	}
	before, _ := storetest.Dump(ctx, s)
	s.Close()
	ro, err := drivers.Open(ctx, "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatalf("opening read-only: %v", err)
	}
	defer ro.Close()
	if got, err := storetest.Dump(ctx, ro); err != nil || got != before {
		t.Errorf("reading a read-only store: %v", err)
	}
	_, err = ro.BeginRun(ctx, store.RunInfo{AsOf: storetest.Start().AddDays(7), At: time.Unix(1, 0), By: "t"})
	if !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("BeginRun on a read-only file = %v, want ErrReadOnly", err)
	}
	_, _, err = ro.CreateToken(ctx, "t", store.ScopeRead, "admin", time.Unix(1, 0))
	if !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("CreateToken on a read-only file = %v, want ErrReadOnly", err)
	}
}

// A disk that fills up in the middle of a run fails the run with ErrFull and
// rolls it back; the store works again once there is room.
func TestDiskFullMidRun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "full.db")
	db, _, err := drivers.OpenDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // max_page_count is a setting of the connection
	s, err := store.Open(ctx, db, store.Options{Dialect: store.SQLite})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := bigRun(ctx, s, storetest.Start(), 2000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	before, _ := storetest.Dump(ctx, s)
	var pages int64
	if err := db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+50)); err != nil {
		t.Fatal(err)
	}
	tx, err = bigRun(ctx, s, storetest.Start().AddDays(7), 50000, nil)
	if err == nil {
		_, err = tx.Commit()
	}
	if !errors.Is(err, store.ErrFull) {
		t.Fatalf("a run past the size limit = %v, want ErrFull", err)
	}
	if tx != nil {
		tx.Rollback()
	}
	if _, err := db.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if after, _ := storetest.Dump(ctx, s); after != before {
		t.Error("the failed run changed the store")
	}
	tx, err = bigRun(ctx, s, storetest.Start().AddDays(7), 3000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := tx.Commit(); err != nil || r.Counts.Health != 3000 {
		t.Fatalf("a run after the disk had room again: %+v, %v", r, err)
	}
}

// A PostgreSQL that is down, or refuses the login, gets a clear error that
// never shows the password.
func TestPostgresUnreachable(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = drivers.Open(cctx, fmt.Sprintf("postgres://ana:hunter2secret@127.0.0.1:%d/successkit?connect_timeout=5", port))
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL") {
		t.Errorf("Open(server down) = %v, want 'cannot reach PostgreSQL'", err)
	}
	if err != nil && strings.Contains(err.Error(), "hunter2secret") {
		t.Errorf("the error shows the password: %v", err)
	}

	base := driverstest.PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "wrong-password-xyz")
	_, err = drivers.Open(ctx, u.String())
	if err == nil || !strings.Contains(err.Error(), "refused the login") {
		t.Errorf("Open(wrong password) = %v, want 'refused the login'", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Errorf("the error shows the password: %v", err)
	}
	u.User = url.UserPassword("mallory", "x")
	if _, err = drivers.Open(ctx, u.String()); err == nil || !strings.Contains(err.Error(), "refused the login") {
		t.Errorf("Open(unknown user) = %v, want 'refused the login'", err)
	}
}

// The same scenario leaves the same rows in SQLite and in PostgreSQL: every
// read through the API agrees, and so does every stored value.
func TestSameRowsInEveryDatabase(t *testing.T) {
	ctx := context.Background()
	lite := driverstest.SQLite(t)
	if err := storetest.Scenario(ctx, lite, 40); err != nil {
		t.Fatal(err)
	}
	lite2 := driverstest.SQLite(t)
	if err := storetest.Scenario(ctx, lite2, 40); err != nil {
		t.Fatal(err)
	}
	a, b := rawRows(t, lite.DB(), store.SQLite), rawRows(t, lite2.DB(), store.SQLite)
	if a != b {
		t.Fatalf("two SQLite stores differ: %s", firstDiff(a, b))
	}
	pg := driverstest.Postgres(t)
	if err := storetest.Scenario(ctx, pg, 40); err != nil {
		t.Fatal(err)
	}
	da, _ := storetest.Dump(ctx, lite)
	dp, _ := storetest.Dump(ctx, pg)
	if da != dp {
		t.Errorf("SQLite and PostgreSQL read back differently: %s", firstDiff(da, dp))
	}
	if p := rawRows(t, pg.DB(), store.PostgreSQL); p != a {
		t.Errorf("SQLite and PostgreSQL store different rows: %s", firstDiff(a, p))
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %.300s\n  %.300s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines and %d lines", len(la), len(lb))
}

// rawRows returns every row of every cs_ table, values normalised to text
// the same way for both dialects (dates as YYYY-MM-DD, instants in UTC,
// booleans as 0 and 1, bytes in hex), sorted.
func rawRows(t *testing.T, db *sql.DB, d store.Dialect) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cs\_%' ESCAPE '\' ORDER BY name`
	if d == store.PostgreSQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'cs\_%' ORDER BY table_name`
	}
	var tables []string
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		if table == "cs_schema_version" {
			continue
		}
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.ColumnTypes()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var line []string
			for i, v := range vals {
				line = append(line, norm(v, cols[i].DatabaseTypeName()))
			}
			lines = append(lines, table+" "+strings.Join(line, " | "))
		}
		rows.Close()
		sortStrings(lines)
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func norm(v any, typ string) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		if typ == "DATE" {
			return x.UTC().Format("2006-01-02")
		}
		return x.UTC().Format("2006-01-02T15:04:05.000000Z")
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		if typ == "BLOB" || typ == "BYTEA" {
			return fmt.Sprintf("%x", x)
		}
		return string(x)
	case float64:
		return fmt.Sprintf("%v", x)
	}
	return fmt.Sprint(v)
}
