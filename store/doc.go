// Package store keeps the library's state between runs in a SQL database:
// SQLite as the embedded default, PostgreSQL for production. It is what gives
// the customer-success cycle its memory: trends read past scores, overrides
// expire and keep their audit, touch hysteresis and sticky owners read last
// period's states, playbook cooldowns read past fires, and "which plays
// worked" reads tasks and their outcomes.
//
// The store works through database/sql and imports no driver: callers pass
// their own *sql.DB to [Open], or open a path or URL with the module
// github.com/successkit/cs/drivers (modernc.org/sqlite, pgx), which also
// holds the runnable examples of this package. The library's run-time
// dependencies stay the standard library and shopspring/decimal.
//
// # API by family
//
// Opening: [Open] with [Options] ([Dialect]: [Auto], [SQLite], [PostgreSQL];
// [BulkLoader] and [Rows] for COPY; LockTimeout, NoMigrate, CloseDB) →
// [*Store]; [Store.SchemaVersion], [SchemaVersion], [Store.Dialect],
// [Store.DB], [Store.Close], [LibraryVersion], [Classify].
//
// Runs (one transaction each): [Store.BeginRun] with [RunInfo] → [*RunTx]:
// [RunTx.SaveConfig], [RunTx.AddHealth], [RunTx.AddCustomer],
// [RunTx.SaveTouch] and [RunTx.AddAssignment], [RunTx.History] and
// [RunTx.SaveHistory], [RunTx.AddOutcome], [RunTx.ExpireOverrides],
// [RunTx.SaveDoc]; reads for the run on its own connection:
// [RunTx.Overrides], [RunTx.FillTouchStates], [RunTx.History]; then
// [RunTx.Commit] → [Run] (with [Counts]) or [RunTx.Rollback]. Listing:
// [Store.Run], [Store.LastRun], [Store.Runs], [Store.Doc].
//
// Configurations: [Config] of a [ConfigKind] ([KindHealth], [KindTouch],
// [KindPlaybook]) from [HealthConfig], [TouchConfig], [PlaybookConfig];
// [Store.Config], [Store.Configs].
//
// Health: [Store.HealthOn] (a run's results), [Store.Health],
// [Store.HealthHistory] (a customer's), [Store.Snapshots], [Store.Trend],
// [Store.ScoreHistories] (every customer's recent snapshots, for trends in
// bulk), [Store.Grades] → [GradeCount] (the book's grades over time).
//
// Overrides (append-only audit): [Store.SetOverride], [Store.RevokeOverride],
// [RunTx.ExpireOverrides] → [OverrideEvent] ([OverrideAction]:
// [OverrideSet], [OverrideRevoked], [OverrideExpired]); [Store.Overrides]
// (a customer's, active on a date), [Store.ActiveOverrides] →
// [CustomerOverrides], [Store.OverrideAudit], [Store.OverrideEvents].
//
// Touch: [Store.FillTouchStates] (last period's states, ready for
// touch.Assigner.Assign), [Store.TouchStates] → [TouchState],
// [Store.Assignments], [Store.TierHistory] → [TierPoint],
// [Store.TouchSummary].
//
// Playbook: [Store.History] (a playbook.History on a date), [Store.Fires],
// [Store.Tasks] with [TaskFilter] (open, overdue, by owner or customer),
// [Store.Task], [Store.CloseTask] (done or skipped, by a person),
// [Store.TaskLog] → [TaskVersion], [TaskCursor], [TaskCursorOf];
// outcomes: [Store.Outcomes] (the input of playbook.Assess).
//
// Customers: [Store.Customers], [Store.CustomerHistory] →
// [CustomerSnapshot].
//
// API tokens and the audit: [Scope] ([ScopeRead], [ScopeWrite],
// [ScopeAdmin]; [ParseScope]), [Store.CreateToken], [Store.AddToken],
// [HashToken], [Store.Authenticate], [Store.Token], [Store.TokenByHash],
// [Store.RevokeToken], [Store.Tokens] → [Token]; [Store.Audit] →
// [AuditEntry]; [Store.StateVersion] (grows with every write: an ETag).
//
// Listings stream with iter.Seq2 and page with [Page]: a stable order by a
// unique key and "after this key" reads, never offsets.
//
// # Guarantees
//
// One transaction per run: everything a [RunTx] adds is written in one
// transaction; a crash (even SIGKILL mid-write) or an error leaves the last
// committed state whole, and a failed run can simply be run again.
//
// Idempotent re-runs: a store holds one run per as-of date, and beginning a
// run of a date that has one replaces it exactly, in the same transaction:
// its results, snapshots, assignments, fires, task versions, outcomes and
// documents. The override audit, people's task closures and the audit of
// writes are not run data and are never rewritten. A date before the latest
// run is refused ([ErrPastRun]) unless [RunInfo].Rewrite, which removes that
// run and every later one, so that no later state rests on a rewritten past.
//
// Concurrent writers: writes are serialized by the database (BEGIN IMMEDIATE
// on SQLite, a transaction-scoped advisory lock on PostgreSQL). A second
// writer waits for the first to commit or roll back, up to
// [Options].LockTimeout ([DefaultLockTimeout] by default), then fails with
// [ErrBusy]; a second run of the same date that waits then replaces the
// first. Readers never wait for a writer (WAL on SQLite, MVCC on PostgreSQL)
// and see the last committed state. While a [RunTx] is open, reads through
// the Store use another connection of the pool; the run's own reads
// ([RunTx.Overrides], [RunTx.FillTouchStates], [RunTx.History]) use its
// connection, so a pool of one connection works when a run reads only
// through them.
//
// Versioned schema: the table cs_schema_version records the schema;
// migrations are embedded and applied forward in one transaction by [Open]; a
// database from a newer schema is refused with [ErrSchemaTooNew] and left
// untouched.
//
// Deterministic: nothing reads the clock (times are arguments, kept in UTC to
// the microsecond, the precision both databases keep); logs are numbered
// MAX+1 inside the write lock rather than by sequences, which PostgreSQL does
// not roll back; text keys compare byte by byte (COLLATE "C" on PostgreSQL),
// so listings come in Go's string order; floats are stored as IEEE doubles
// and compared exactly. The same calls leave the same rows in SQLite and
// PostgreSQL, which the drivers module's tests check value by value.
//
// Bad input loses nothing: IDs are checked with cs.CheckID (NUL, control
// characters and invalid UTF-8 are refused, since PostgreSQL cannot keep
// NUL in text), other text must be UTF-8 without NUL ([ErrInvalidText]),
// numbers must be finite (SQLite would keep NaN as NULL); every value is
// bound as a parameter, never spliced into SQL. Database failures are
// classified ([ErrNotDatabase], [ErrReadOnly], [ErrFull], [ErrConstraint],
// [ErrBusy]) and roll back what was under way.
//
// # Layout
//
// Tables are prefixed cs_, so a store may share a database with the
// application's own tables (on PostgreSQL, a schema of its own through
// search_path keeps it apart entirely). A health result is one row: the
// scalar fields as columns (score, grade, coverage, computed score, causes,
// vetoes, the override as JSON) and the measures and groups in a compact
// binary detail (status, value, points, effective share, grade per measure),
// whose names and nominal weights are stored once per configuration and
// profile. A result read back equals the one saved field for field, except
// that it carries no compiled profile: its VetoNames is empty and its
// Reasons do not name required measures or vetoes (the fields are there).
// Task records are kept as versions per run plus people's closures, so that
// replacing a run restores the tasks it changed but never reopens a task a
// person closed. Large writes go in multi-row INSERTs of at most 96
// parameters (modernc.org/sqlite binds in time quadratic in their number), or
// through a [BulkLoader] (COPY) on PostgreSQL.
package store
