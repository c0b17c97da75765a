// Package storetest is the conformance suite of the store package: [Run]
// checks a [store.Store] on any database and driver against the guarantees
// the store documents (round trips, one transaction per run, idempotent
// re-runs, rewriting the past, rollbacks and constraint failures mid-run,
// bad input, hostile IDs bound as parameters, the override audit, the task
// lifecycle across weeks agreeing with a History kept in memory, touch
// states, trends, tokens, pagination, concurrent writers and readers, a pool
// of one connection). It is built only on the store's public API, as
// go-cmp's subpackages are on go-cmp's.
//
// The helpers it uses are exported for the tests and benchmarks of stores
// and of programs built on them: [Book] and [Drift] make a deterministic
// book, [Scorer] and [Policy] the configurations, [Week] saves one weekly
// run, [Scenario] a fixed history of three weeks, and [Dump] renders
// everything a store reads back, so two stores can be compared.
package storetest
