package effort

import (
	"fmt"
	"math"
	"sync"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// DriverKind identifies one source of friction in a case.
type DriverKind uint8

// The friction drivers of Dixon, Toman & DeLisi (2013) and the HBR survey (2010):
// repeat contacts, transfers, channel switching, repeating information, generic
// service; plus the three a case's events reveal: reopening, a resolution later than
// its target, and a "next issue" the resolution did not prevent (Razavi, 2019:
// LinkedIn's "next issue avoidance").
const (
	RepeatContact DriverKind = iota // a contact within RepeatWindowDays of the previous one on the case
	Transfer                        // a contact that ended in a transfer
	ForcedSwitch                    // self-service followed by an assisted channel
	ChannelSwitch                   // any other change of channel between consecutive contacts
	RepeatedInfo                    // the customer had to repeat information
	GenericAnswer                   // a generic answer that did not solve the issue
	Reopen                          // the case was reopened
	OverTarget                      // time to resolution beyond the target, as a fraction 0..1 of the target
	NextIssue                       // another case of the customer opened within NextIssueDays of a resolution
	NumDrivers                      // the number of drivers
)

var driverNames = [NumDrivers]string{"repeat_contact", "transfer", "forced_switch", "channel_switch",
	"repeated_info", "generic_answer", "reopen", "over_target", "next_issue"}

// String returns the driver's snake-case name, as used in Driver.Name.
func (d DriverKind) String() string {
	if d < NumDrivers {
		return driverNames[d]
	}
	return fmt.Sprintf("driver(%d)", uint8(d))
}

// Weights are the friction points per occurrence of each driver (per unit for
// OverTarget, whose value is 0..1). A case's friction is the sum of value × weight
// over the drivers, capped at 100. The zero Weights means DefaultWeights.
type Weights struct {
	RepeatContact float64 `json:"repeat_contact"`
	Transfer      float64 `json:"transfer"`
	ForcedSwitch  float64 `json:"forced_switch"`
	ChannelSwitch float64 `json:"channel_switch"`
	RepeatedInfo  float64 `json:"repeated_info"`
	GenericAnswer float64 `json:"generic_answer"`
	Reopen        float64 `json:"reopen"`
	OverTarget    float64 `json:"over_target"`
	NextIssue     float64 `json:"next_issue"`
}

// DefaultWeights returns the default weights. They rank the drivers by the share of
// customers who named them in the HBR survey (2010) (repeat contact
// 62%, transfer 59%, web-to-phone switch 57%, re-explaining 56%) with the forced switch
// from self-service weighted like a repeat contact because those customers are the most
// disloyal; reopening counts as a repeat contact; generic answers, missed targets and
// next issues weigh a little less. A case with about six such events reaches 100.
// These are product choices, not figures from a source: tune them to your book.
func DefaultWeights() Weights {
	return Weights{RepeatContact: 20, Transfer: 18, ForcedSwitch: 20, ChannelSwitch: 10,
		RepeatedInfo: 16, GenericAnswer: 14, Reopen: 20, OverTarget: 15, NextIssue: 12}
}

func (w Weights) array() [NumDrivers]float64 {
	return [NumDrivers]float64{w.RepeatContact, w.Transfer, w.ForcedSwitch, w.ChannelSwitch,
		w.RepeatedInfo, w.GenericAnswer, w.Reopen, w.OverTarget, w.NextIssue}
}

// Config configures friction scoring. Every zero field takes its documented default,
// so the zero Config is the default configuration. JSON uses the tags shown.
type Config struct {
	// RepeatWindowDays: a contact within this many days of the previous contact on the
	// same case is a repeat contact. Default 7, the usual window of first-contact
	// resolution.
	RepeatWindowDays float64 `json:"repeat_window_days"`
	// FCRWindowDays: a resolved case is first-contact resolved when it had at most one
	// contact up to this many days after its first resolution and was never reopened.
	// Default 7, the usual window (7–14 days are seen).
	FCRWindowDays float64 `json:"fcr_window_days"`
	// NextIssueDays: another case of the same customer opened within this many days
	// after a resolution counts against that resolution. Default 7.
	NextIssueDays float64 `json:"next_issue_days"`
	// TargetHours: the resolution-time target; a case resolved (or still open) later
	// scores OverTarget = min(1, overshoot/target). Default 72.
	TargetHours float64 `json:"target_hours"`
	// HalfLifeDays: a case's weight in its customer's friction halves every this many
	// days of age. Default 90.
	HalfLifeDays float64 `json:"half_life_days"`
	// Weights: points per driver; the zero value means DefaultWeights.
	Weights Weights `json:"weights"`
}

// Model is a validated, compiled Config. Its configuration is immutable and it is safe
// for concurrent use. It keeps the working memory of its Analyze calls (one set per
// call running at the same time, sized by the largest batch seen) for reuse, so
// that analysing again neither allocates nor faults in fresh memory per contact;
// the memory is released with the Model.
type Model struct {
	cfg       Config
	repeat    int64 // seconds
	fcr       int64
	nextIssue int64
	target    int64
	halfLife  float64 // seconds
	w         [NumDrivers]float64
	mu        sync.Mutex
	free      []*scratch // working memory kept for the next Analyze calls
}

// NewModel validates cfg and compiles it. Negative, NaN or infinite values are errors
// naming the JSON field, wrapping ErrConfig.
func NewModel(cfg Config) (*Model, error) {
	if cfg.Weights == (Weights{}) {
		cfg.Weights = DefaultWeights()
	}
	days := func(name string, v *float64, def float64) error {
		if math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0 || *v > 3650 {
			return fmt.Errorf("effort: %s: %v: %w (want 0..3650)", name, *v, ErrConfig)
		}
		if *v == 0 {
			*v = def
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    *float64
		def  float64
	}{
		{"repeat_window_days", &cfg.RepeatWindowDays, 7},
		{"fcr_window_days", &cfg.FCRWindowDays, 7},
		{"next_issue_days", &cfg.NextIssueDays, 7},
		{"target_hours", &cfg.TargetHours, 72},
		{"half_life_days", &cfg.HalfLifeDays, 90},
	} {
		if err := days(f.name, f.v, f.def); err != nil {
			return nil, err
		}
	}
	m := &Model{cfg: cfg,
		repeat:    int64(cfg.RepeatWindowDays * 86400),
		fcr:       int64(cfg.FCRWindowDays * 86400),
		nextIssue: int64(cfg.NextIssueDays * 86400),
		target:    int64(cfg.TargetHours * 3600),
		halfLife:  cfg.HalfLifeDays * 86400,
		w:         cfg.Weights.array(),
	}
	if m.target <= 0 {
		return nil, fmt.Errorf("effort: target_hours: %v: %w (under one second)", cfg.TargetHours, ErrConfig)
	}
	for i, w := range m.w {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 || w > 100 {
			return nil, fmt.Errorf("effort: weights.%s: %v: %w (want 0..100)", DriverKind(i), w, ErrConfig)
		}
	}
	return m, nil
}

// Config returns the configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// Decay returns the weight of a case of the given age under the half-life:
// 2^(−age/halfLife), 1 at age 0 and falling monotonically. Negative ages count as 0.
func Decay(age, halfLife time.Duration) float64 {
	if age <= 0 {
		return 1
	}
	if halfLife <= 0 {
		return 0
	}
	return math.Exp2(-float64(age) / float64(halfLife))
}

// MarshalText encodes the driver's name; undefined values are an error wrapping
// cs.ErrUnknownField.
func (d DriverKind) MarshalText() ([]byte, error) {
	if d >= NumDrivers {
		return nil, fmt.Errorf("effort: driver %d: %w", uint8(d), cs.ErrUnknownField)
	}
	return []byte(driverNames[d]), nil
}

// UnmarshalText decodes a driver's name, as String gives it; another word wraps
// cs.ErrUnknownField.
func (d *DriverKind) UnmarshalText(b []byte) error {
	for i, n := range driverNames {
		if n == string(b) {
			*d = DriverKind(i)
			return nil
		}
	}
	return fmt.Errorf("effort: %w", &cs.FieldError{Field: "driver", Value: errs.Clip(string(b)), Err: cs.ErrUnknownField})
}
