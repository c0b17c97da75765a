// Package health computes weighted, explainable customer health scores.
//
// A Config holds profiles (scorecards with a segment selector); each profile
// has groups of measures, and each measure turns one signal or attribute into
// points 0..100 with a curve (Ramp, Bands, Steps, Categories or a Go Func).
// Compile validates a Config and returns an immutable Scorer, safe for
// concurrent use; Scorer.Score returns a Result that carries its explanation.
//
// The rollup is Gainsight's two-level weighted mean (DOMAIN.md §4): group score
// = Σ(weight × points)/Σ weight over the group's measures, overall = Σ(group
// weight × group score)/Σ group weight. Missing values are redistributed within
// the group, then across groups (Catalyst), unless the policy says otherwise.
package health
