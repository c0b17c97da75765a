//go:build dataflow

package main

// Built with -tags dataflow, the program also runs on Google Cloud Dataflow
// (-runner dataflow) and reads and writes gs:// paths. The tag keeps the Google
// Cloud clients out of the default build and of the tests.
import (
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
)
