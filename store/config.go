package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// ConfigKind names what a configuration configures.
type ConfigKind string

// The kinds of configuration a store keeps.
const (
	KindHealth   ConfigKind = "health"   // a health.Config (scorecards)
	KindTouch    ConfigKind = "touch"    // a touch.Policy
	KindPlaybook ConfigKind = "playbook" // a playbook.Document
)

// Config is a configuration as stored: its kind, its fingerprint (the hex
// SHA-256 of JSON), its version label and its canonical JSON. Every run and
// health result names the configuration that produced it, so history says
// exactly which weights, thresholds and plays made each number.
type Config struct {
	Kind        ConfigKind `json:"kind"`
	Fingerprint string     `json:"fingerprint"`
	Version     string     `json:"version,omitempty"`
	JSON        []byte     `json:"json"`
}

// HealthConfig returns the stored form of a scorecard configuration: its
// canonical JSON (health.MarshalConfig) and health.Fingerprint, which results
// scored with it carry.
func HealthConfig(cfg health.Config) (Config, error) {
	b, err := health.MarshalConfig(cfg)
	if err != nil {
		return Config{}, fmt.Errorf("store: %w", err)
	}
	fp, err := health.Fingerprint(cfg)
	if err != nil {
		return Config{}, fmt.Errorf("store: %w", err)
	}
	return Config{Kind: KindHealth, Fingerprint: fp, Version: cfg.Version, JSON: b}, nil
}

// TouchConfig returns the stored form of a touch policy: touch.MarshalPolicy
// and its SHA-256. The PoorFit predicate, which has no JSON form, is not part
// of it.
func TouchConfig(p touch.Policy) (Config, error) {
	b, err := touch.MarshalPolicy(p)
	if err != nil {
		return Config{}, fmt.Errorf("store: %w", err)
	}
	return newConfig(KindTouch, "", b), nil
}

// PlaybookConfig returns the stored form of a compiled playbook: the JSON of
// a playbook.Document holding its plays, and its SHA-256.
func PlaybookConfig(pb *playbook.Playbook) (Config, error) {
	b, err := json.Marshal(playbook.Document{Plays: pb.Plays()})
	if err != nil {
		return Config{}, fmt.Errorf("store: encoding the playbook: %w", err)
	}
	return newConfig(KindPlaybook, "", b), nil
}

func newConfig(kind ConfigKind, version string, b []byte) Config {
	sum := sha256.Sum256(b)
	return Config{Kind: kind, Fingerprint: hex.EncodeToString(sum[:]), Version: version, JSON: b}
}

// check validates a configuration before it is stored.
func (c *Config) check() error {
	switch c.Kind {
	case KindHealth, KindTouch, KindPlaybook:
	default:
		return fmt.Errorf("store: configuration kind %q (want health, touch or playbook)", string(c.Kind))
	}
	if len(c.Fingerprint) != 64 {
		return fmt.Errorf("store: configuration fingerprint %q is not a hex SHA-256", clip(c.Fingerprint))
	}
	if _, err := hex.DecodeString(c.Fingerprint); err != nil {
		return fmt.Errorf("store: configuration fingerprint %q is not a hex SHA-256", clip(c.Fingerprint))
	}
	if !json.Valid(c.JSON) {
		return fmt.Errorf("store: configuration %s: body is not JSON", c.Fingerprint[:12])
	}
	return checkText("version", c.Version)
}

// saveConfig stores c unless a configuration with its fingerprint is stored,
// and returns its id.
func (w *wtx) saveConfig(c Config) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	var id int64
	var kind string
	err := w.queryRow(`SELECT id, kind FROM cs_configs WHERE fingerprint = ?`, c.Fingerprint).Scan(&id, &kind)
	switch {
	case err == nil:
		if kind != string(c.Kind) {
			return 0, fmt.Errorf("store: configuration %s is stored as a %s configuration, not %s", c.Fingerprint[:12], kind, c.Kind)
		}
		return id, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("store: reading configurations: %w", classify(err))
	}
	if id, err = w.next("cs_configs", "id"); err != nil {
		return 0, err
	}
	body := c.JSON
	if b := compact(body); b != nil {
		body = b
	}
	if _, err := w.exec(`INSERT INTO cs_configs (id, fingerprint, kind, version, body) VALUES (?, ?, ?, ?, ?)`,
		id, c.Fingerprint, string(c.Kind), c.Version, string(body)); err != nil {
		return 0, fmt.Errorf("store: saving configuration %s: %w", c.Fingerprint[:12], err)
	}
	return id, nil
}

// compact returns the JSON without insignificant space, or nil if it has none.
func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil || buf.Len() == len(b) {
		return nil
	}
	return buf.Bytes()
}

// Config returns the stored configuration with the fingerprint; ErrNotFound
// if there is none.
func (s *Store) Config(ctx context.Context, fingerprint string) (Config, error) {
	var c Config
	var kind, body string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT kind, version, body FROM cs_configs WHERE fingerprint = ?`), fingerprint).
		Scan(&kind, &c.Version, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Config{}, fmt.Errorf("store: configuration %q: %w", clip(fingerprint), ErrNotFound)
	}
	if err != nil {
		return Config{}, fmt.Errorf("store: reading configuration: %w", classify(err))
	}
	c.Kind, c.Fingerprint, c.JSON = ConfigKind(kind), fingerprint, []byte(body)
	return c, nil
}

// Configs lists the stored configurations of a kind ("" for all) by
// fingerprint; Page.After is a fingerprint.
func (s *Store) Configs(ctx context.Context, kind ConfigKind, page Page) iter.Seq2[Config, error] {
	return list(ctx, s, "listing configurations", `SELECT kind, fingerprint, version, body FROM cs_configs
		WHERE (? = '' OR kind = ?) AND fingerprint > ? ORDER BY fingerprint LIMIT ?`,
		[]any{string(kind), string(kind), page.After, page.limit()},
		func(rows *sql.Rows) (Config, error) {
			var c Config
			var k, body string
			err := rows.Scan(&k, &c.Fingerprint, &c.Version, &body)
			c.Kind, c.JSON = ConfigKind(k), []byte(body)
			return c, err
		})
}
