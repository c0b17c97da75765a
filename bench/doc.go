// Package bench measures successkit against the general-purpose tools a Go team
// would otherwise reach for, on the library's own benchmark workloads and on the
// same machine:
//
//   - conditions: playbook.Condition against expr-lang (github.com/expr-lang/expr)
//     and CEL (github.com/google/cel-go), evaluating the playbook benchmark's
//     4-clause condition over the same 1024 situations (condition_test.go);
//   - batch scoring: health's columnar Plan.Score against the same arithmetic
//     written as a DuckDB SQL query over an in-memory table (health_test.go);
//   - retention: GRR and NRR of a month of a 1,000,000-record MRR book, with
//     retention's Book.Period on 1 and 2 workers against the same sums in
//     DuckDB SQL at 1 and 2 threads, and NewBook plus Period from the raw
//     records against DuckDB's appender load plus the query, each pair
//     interleaved in one loop so that the ratio is fair on a shared machine
//     (retention_test.go).
//
// It is a separate module so that the library itself keeps its dependencies to
// the standard library and github.com/shopspring/decimal. The package has no
// API: everything is in its tests and benchmarks; see README.md and the run
// script.
package bench
