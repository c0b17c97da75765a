// Package csbeam runs the successkit library on Apache Beam (Go SDK v2.78.0), so
// that books of tens of millions of subscribers are scored and measured on
// Dataflow, Flink or Spark with the numbers the library computes on one machine.
// It is a separate module (github.com/successkit/cs/beam, Go 1.26), so users of
// the library who do not use Beam never download the SDK.
//
// # Transforms
//
// Each transform reads files, runs the library's own functions per element or per
// key, and returns PCollections; what is exact and what is not is stated on each:
//
//   - [ScoreCustomers]: customers (CSV layout or JSON Lines) and a scorecard →
//     [ScoreRow] per customer and customers per grade. Exact, bit for bit.
//   - [Friction]: contacts and case events grouped by customer →
//     effort.CustomerFriction per customer (effort.Model.AnalyzeAt). Exact when
//     every contact and case belongs to one customer.
//   - [Retention]: MRR records grouped by customer → one [RetentionReport]: the
//     monthly Periods (movements, GRR, NRR, logo churn) and the cohort table,
//     as retention.ReadBook gives them. Exact (decimal sums).
//   - [ScoreSnapshots], [ReadOutcomes] and [Backtest]: scored snapshots and
//     outcomes → one [BacktestReport]: AUC with its DeLong interval, ROC, grade
//     table, flag precision and recall, lead times. Exact but for the DeLong
//     standard error, which agrees to a few units in the last place.
//
// [Chunks] cuts files into [Chunk]s of whole records, where the library's CSV
// reader starts a record (never inside a quoted field, however malformed the
// quoting), that carry their file name and first line. The transforms read each
// chunk with the library's own readers (cs.CustomerDecoder, effort.ReadContacts,
// effort.ReadCaseEvents, retention.ReadMRR, health.ReadOutcomes), whose
// *cs.FieldErrors name the chunk's lines; the lines are turned into the file's,
// so every refused record is a [DeadLetter] naming its file, line and the
// library's error, counted in the pipeline's metrics under [MetricsNamespace]. [WriteLines] writes results as
// sharded files, one temporary file per bundle renamed at the end: no row is
// grouped under one key. FormatScoreRow, FormatGradeCount, FormatFriction,
// FormatRetention, FormatBacktest and FormatDeadLetter turn results into lines.
//
// # Coders and registration
//
// Every type that crosses a shuffle has a coder for the whole struct, registered
// in this package: Beam's default schema coder cannot see cs.Money's unexported
// fields and delivers every amount as zero, with no error. Money travels as its
// exact decimal text; floats as their bits or as the shortest text that reads
// back to the same bits. Tests send every element type through beam.Reshuffle on
// prism, check that no PCollection of any transform is schema-coded, and run
// Beam's vet runner, which fails on any DoFn, function, emitter or iterator left
// unregistered. Coders are plain functions, one per type, never instantiations of
// a generic function: the workers look functions up by name, and every
// instantiation of a generic function has the same name.
//
// # Running
//
// The transforms take their options as plain values; scorecards and configurations
// travel to the workers as JSON and are compiled once per worker (Setup). Call
// beam.Init after flag parsing, and [QuietLogs] to hold Beam's logs to warnings.
// The program successkit-beam (cmd/successkit-beam) runs all four on local files
// with the prism runner; the same program runs on a Flink or Spark job server
// (-runner universal -endpoint HOST:PORT) and, built with -tags dataflow, on
// Dataflow. beam/SCALE.md measures the per-element costs and projects a
// 100-million-subscriber book.
package csbeam
