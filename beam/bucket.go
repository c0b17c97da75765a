package csbeam

import "hash/fnv"

// DefaultBuckets is the number of groups the per-customer transforms (Friction,
// Retention, Backtest) spread customers over when their Buckets option is 0.
//
// A group holds every record of the customers whose ID hashes to it, and the
// library runs once per group (effort.Model.Analyze, retention.NewBook,
// health.BacktestScores over the group's customers): their results per customer do
// not depend on the other customers in the call, so grouping changes no number. It
// changes the cost: one library call and one runner key per group instead of per
// customer, which on prism was 8 to 80 times slower (see SCALE.md). 1024 groups
// keep a group of a 100-million-customer book near 100,000 customers (a few
// hundred megabytes for 24 months of MRR), while giving a cluster far more groups
// than workers; raise Buckets for larger books or smaller workers.
const DefaultBuckets = 1024

// bucketOf is the group of a customer ID: FNV-1a, so every worker and every run
// agrees.
func bucketOf(id string, n int) int {
	if n <= 0 {
		n = DefaultBuckets
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}
