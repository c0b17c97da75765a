-- Schema 1 of the successkit store. Placeholders in braces are replaced per
-- dialect: {KEY} is text compared byte by byte (COLLATE "C" on PostgreSQL),
-- {DATE} a civil date, {TIME} an instant in UTC to the microsecond, {REAL} an
-- IEEE 754 double, {BOOL} a boolean, {BLOB} bytes, {INT} a 64-bit integer.
--
-- The large tables (a row per customer and run) carry no foreign keys:
-- checking one per row costs more than writing the row on PostgreSQL, and the
-- store writes a run's row, configurations and layouts before the rows that
-- name them, in the same transaction.

-- Configurations (scorecards, touch policies, playbooks) by fingerprint.
CREATE TABLE cs_configs (
	id          {INT} PRIMARY KEY,
	fingerprint {KEY} NOT NULL UNIQUE,
	kind        {KEY} NOT NULL,
	version     TEXT NOT NULL,
	body        TEXT NOT NULL
);

-- One row per run: as-of date, when and by whom it ran, what produced it.
CREATE TABLE cs_runs (
	as_of           {DATE} PRIMARY KEY,
	ran_at          {TIME} NOT NULL,
	ran_by          TEXT NOT NULL,
	library         TEXT NOT NULL,
	inputs          TEXT NOT NULL,
	health_config   {KEY} REFERENCES cs_configs (fingerprint),
	touch_config    {KEY} REFERENCES cs_configs (fingerprint),
	playbook_config {KEY} REFERENCES cs_configs (fingerprint),
	n_health        {INT} NOT NULL,
	n_customers     {INT} NOT NULL,
	n_touch         {INT} NOT NULL,
	n_fires         {INT} NOT NULL,
	n_tasks         {INT} NOT NULL,
	n_outcomes      {INT} NOT NULL,
	n_expired       {INT} NOT NULL
);

-- Small JSON documents a run keeps beside its rows (the tier table, a plan).
CREATE TABLE cs_run_docs (
	as_of {DATE} NOT NULL REFERENCES cs_runs (as_of),
	name  {KEY} NOT NULL,
	body  TEXT NOT NULL,
	PRIMARY KEY (as_of, name)
);

-- The measures and groups of a profile, in the order of a result's detail.
CREATE TABLE cs_health_layouts (
	config  {INT} NOT NULL REFERENCES cs_configs (id),
	profile {KEY} NOT NULL,
	body    TEXT NOT NULL,
	PRIMARY KEY (config, profile)
);

-- Health results: one per customer and run.
CREATE TABLE cs_health (
	as_of            {DATE} NOT NULL,
	customer_id      {KEY} NOT NULL,
	config           {INT} NOT NULL,
	profile          {KEY} NOT NULL,
	score            {REAL} NOT NULL,
	grade            TEXT NOT NULL,
	grade_index      {INT} NOT NULL,
	unknown          {BOOL} NOT NULL,
	cause            {INT} NOT NULL,
	coverage         {REAL} NOT NULL,
	computed         {REAL} NOT NULL,
	computed_unknown {BOOL} NOT NULL,
	vetoes           {INT} NOT NULL,
	weakest          {INT} NOT NULL,
	override         TEXT,
	churn            TEXT,
	detail           {BLOB} NOT NULL
);
-- A customer's history through the first index (which also holds what a
-- trend reads, so trends read the index alone); a run's rows, and the one
-- result per customer and run, through the second.
CREATE INDEX cs_health_customer ON cs_health (customer_id, as_of, score, unknown);
CREATE UNIQUE INDEX cs_health_run ON cs_health (as_of, customer_id);

-- The book's grades per run: counts and score sums in millionths of a point,
-- summed when the run commits so that grades over time read a few rows.
CREATE TABLE cs_grades (
	as_of       {DATE} NOT NULL,
	grade_index {INT} NOT NULL,
	grade       TEXT NOT NULL,
	customers   {INT} NOT NULL,
	score_micro {INT} NOT NULL,
	PRIMARY KEY (as_of, grade_index, grade)
);

-- Customer snapshots as the run read them (Customer.MarshalJSON).
CREATE TABLE cs_customers (
	as_of       {DATE} NOT NULL,
	customer_id {KEY} NOT NULL,
	body        TEXT NOT NULL,
	PRIMARY KEY (as_of, customer_id)
);
CREATE INDEX cs_customers_customer ON cs_customers (customer_id, as_of);

-- Touch assignments: the state hysteresis and sticky owners read next period.
CREATE TABLE cs_touch (
	as_of       {DATE} NOT NULL,
	customer_id {KEY} NOT NULL,
	tier        {KEY} NOT NULL,
	previous    {KEY} NOT NULL,
	changed     {BOOL} NOT NULL,
	due         {KEY} NOT NULL,
	toward      {KEY} NOT NULL,
	streak      {INT} NOT NULL,
	owner       TEXT NOT NULL,
	community   {INT} NOT NULL,
	reasons     {INT} NOT NULL,
	fit_reason  TEXT NOT NULL,
	currency    TEXT NOT NULL,
	value_minor {INT} NOT NULL,
	arr_minor   {INT} NOT NULL,
	arr_known   {BOOL} NOT NULL,
	PRIMARY KEY (as_of, customer_id)
);
CREATE INDEX cs_touch_customer ON cs_touch (customer_id, as_of);

-- Overrides: an append-only audit of set, revoked and expired events.
CREATE TABLE cs_override_events (
	seq         {INT} PRIMARY KEY,
	override_id {INT} NOT NULL,
	customer_id {KEY} NOT NULL,
	event       {KEY} NOT NULL CHECK (event IN ('set', 'revoked', 'expired')),
	measure     TEXT NOT NULL,
	points      {REAL} NOT NULL,
	reason      TEXT NOT NULL,
	author      TEXT NOT NULL,
	set_at      {DATE} NOT NULL,
	expires     {DATE} NOT NULL,
	effective   {DATE},
	note        TEXT NOT NULL,
	actor       TEXT NOT NULL,
	at          {TIME} NOT NULL,
	run         {DATE}
);
CREATE INDEX cs_override_events_customer ON cs_override_events (customer_id, override_id);
CREATE INDEX cs_override_events_override ON cs_override_events (override_id, seq);

-- Outcomes for playbook.Assess, by the run that computed them.
CREATE TABLE cs_outcomes (
	as_of         {DATE} NOT NULL,
	customer_id   {KEY} NOT NULL,
	play_id       {KEY} NOT NULL,
	day           {DATE} NOT NULL,
	tier          TEXT NOT NULL,
	health_before {REAL} NOT NULL,
	health_after  {REAL} NOT NULL,
	renewed       {BOOL} NOT NULL,
	churned       {BOOL} NOT NULL,
	PRIMARY KEY (as_of, customer_id, play_id, day)
);
CREATE INDEX cs_outcomes_key ON cs_outcomes (day, customer_id, play_id, as_of);

-- Playbook fires: one per customer, play and day, by the run that recorded it.
CREATE TABLE cs_fires (
	as_of       {DATE} NOT NULL,
	customer_id {KEY} NOT NULL,
	play_id     {KEY} NOT NULL,
	day         {DATE} NOT NULL,
	PRIMARY KEY (customer_id, play_id, day)
);
CREATE INDEX cs_fires_run ON cs_fires (as_of);
CREATE INDEX cs_fires_day ON cs_fires (day);

-- Task records as runs left them: a run writes a version of each task it
-- opened or changed (updated, deferred, expired); the latest version is the
-- task, unless a person closed it (cs_task_closures).
CREATE TABLE cs_task_versions (
	as_of       {DATE} NOT NULL,
	customer_id {KEY} NOT NULL,
	task_key    {KEY} NOT NULL,
	opened      {DATE} NOT NULL,
	state       {KEY} NOT NULL,
	play_id     {KEY} NOT NULL,
	owner       {KEY} NOT NULL,
	due         {DATE} NOT NULL,
	record      TEXT NOT NULL,
	PRIMARY KEY (customer_id, task_key, opened, as_of)
);
CREATE INDEX cs_task_versions_run ON cs_task_versions (as_of);
CREATE INDEX cs_task_versions_key ON cs_task_versions (task_key, opened);

-- Tasks closed by people (done, skipped) between runs: append-only.
CREATE TABLE cs_task_closures (
	seq         {INT} PRIMARY KEY,
	customer_id {KEY} NOT NULL,
	task_key    {KEY} NOT NULL,
	opened      {DATE} NOT NULL,
	state       {KEY} NOT NULL CHECK (state IN ('done', 'skipped')),
	closed      {DATE} NOT NULL,
	actor       TEXT NOT NULL,
	note        TEXT NOT NULL,
	at          {TIME} NOT NULL,
	UNIQUE (customer_id, task_key, opened)
);

-- API tokens, stored only as the SHA-256 of the secret.
CREATE TABLE cs_tokens (
	hash       {KEY} PRIMARY KEY,
	name       {KEY} NOT NULL UNIQUE,
	scope      {KEY} NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
	created_at {TIME} NOT NULL,
	created_by TEXT NOT NULL,
	revoked_at {TIME},
	revoked_by TEXT
);

-- The audit of writes: who did what, when.
CREATE TABLE cs_audit (
	seq    {INT} PRIMARY KEY,
	at     {TIME} NOT NULL,
	actor  TEXT NOT NULL,
	action {KEY} NOT NULL,
	object TEXT NOT NULL,
	detail TEXT NOT NULL
);
