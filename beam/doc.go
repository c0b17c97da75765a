// Package csbeam runs the successkit library on Apache Beam, so that books of tens
// of millions of subscribers are scored and measured on Dataflow, Flink or Spark
// with the same numbers as on one machine.
package csbeam
