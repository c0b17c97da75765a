package main

import (
	"context"
	_ "embed" // the default touch policy and capacity
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// defaultPolicy is the touch policy used without -policy: the sample book's
// (tiers by ARR in USD, six named high-touch CSMs, a pooled low-touch team of
// three; its EUR and JPY rates are illustrative, not market data), the same as
// examples/portfolio's.
//
//go:embed defaults/policy.json
var defaultPolicy []byte

// defaultCapacity is the weekly capacity used without -capacity: what the
// sample book's team can take on in a week, by owner role.
//
//go:embed defaults/capacity.json
var defaultCapacity []byte

// configFiles are the flags naming the configurations of a run.
type configFiles struct {
	health, policy, playbook, capacity *string
}

func (c *cli) configFlags() *configFiles {
	return &configFiles{
		health:   c.fs.String("health", "", "health scorecard JSON `file` (default: the sample scorecard; see health/testdata/sample.json)"),
		policy:   c.fs.String("policy", "", "touch policy JSON `file` (default: the sample book's policy)"),
		playbook: c.fs.String("playbook", "", "playbook JSON `file` (default: the default playbook, playbook/default.json)"),
		capacity: c.fs.String("capacity", "", "weekly capacity JSON `file` by owner role, such as {\"csm\": {\"hours\": 48}} (default: the sample team's)"),
	}
}

// configs are the compiled configurations of a run.
type configs struct {
	healthCfg health.Config
	scorer    *health.Scorer
	policy    touch.Policy
	assigner  *touch.Assigner
	playbook  *playbook.Playbook
	capacity  map[string]playbook.Capacity
	names     []string // the files read, for the run's inputs
}

// load reads and compiles the configurations, the defaults where no file is
// given. A file that does not parse is an error naming the file and the JSON
// path at fault.
func (f *configFiles) load() (*configs, error) {
	c := &configs{healthCfg: health.SampleConfig(), playbook: playbook.Default()}
	read := func(flag, path string) ([]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("-%s: %w", flag, err)
		}
		c.names = append(c.names, filepath.Base(path))
		return data, nil
	}
	var err error
	if *f.health != "" {
		data, err := read("health", *f.health)
		if err != nil {
			return nil, err
		}
		if c.healthCfg, err = health.ParseConfig(data); err != nil {
			return nil, fmt.Errorf("-health %s: %w", *f.health, err)
		}
	}
	if c.scorer, err = health.Compile(c.healthCfg); err != nil {
		return nil, fmt.Errorf("-health %s: %w", *f.health, err)
	}
	policy := defaultPolicy
	if *f.policy != "" {
		if policy, err = read("policy", *f.policy); err != nil {
			return nil, err
		}
	}
	if c.policy, err = touch.ParsePolicy(policy); err != nil {
		return nil, fmt.Errorf("-policy %s: %w", *f.policy, err)
	}
	if c.assigner, err = touch.Compile(c.policy); err != nil {
		return nil, fmt.Errorf("-policy %s: %w", *f.policy, err)
	}
	if *f.playbook != "" {
		data, err := read("playbook", *f.playbook)
		if err != nil {
			return nil, err
		}
		if c.playbook, err = playbook.Parse(data); err != nil {
			return nil, fmt.Errorf("-playbook %s: %w", *f.playbook, err)
		}
	}
	capacity := defaultCapacity
	if *f.capacity != "" {
		if capacity, err = read("capacity", *f.capacity); err != nil {
			return nil, err
		}
	}
	if err := csio.DecodeJSON(capacity, &c.capacity); err != nil {
		return nil, fmt.Errorf("-capacity %s: %w", *f.capacity, err)
	}
	return c, nil
}

// openStore opens the store, saying what to do when it cannot.
func openStore(ctx context.Context, target string) (*store.Store, error) {
	s, err := drivers.Open(ctx, target)
	switch {
	case err == nil:
		return s, nil
	case errors.Is(err, store.ErrSchemaTooNew):
		return nil, fmt.Errorf("%w\n(the store was written by a newer successkit: upgrade this program, or use another -db)", err)
	case errors.Is(err, store.ErrNotDatabase), strings.Contains(err.Error(), "not a database"):
		return nil, fmt.Errorf("%w\n(-db names a file that is not a successkit store: give another path)", err)
	}
	return nil, err
}

// openEmptyStore opens the store a simulation (demo, replay) writes: target,
// which must hold no run yet, or a temporary file when target is empty. done
// closes the store and removes the temporary file.
func openEmptyStore(ctx context.Context, target, cmd string) (st *store.Store, done func(), err error) {
	dir := ""
	if target == "" {
		if dir, err = os.MkdirTemp("", "successkit-"+cmd+"-"); err != nil {
			return nil, nil, err
		}
		target = filepath.Join(dir, cmd+".db")
	}
	removeDir := func() {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	if st, err = openStore(ctx, target); err != nil {
		removeDir()
		return nil, nil, err
	}
	done = func() { st.Close(); removeDir() }
	if _, ok, err := st.LastRun(ctx); err != nil || ok {
		done()
		if err == nil {
			err = fmt.Errorf("the store %s already holds runs: give %s a new -db file", target, cmd)
		}
		return nil, nil, err
	}
	return st, done, nil
}
