package csbeam

import (
	"context"
	"errors"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs"
)

// MetricsNamespace is the namespace of the counters the transforms report:
// "dead_letters" (every refused record, all transforms) and, per transform,
// "<transform>_in" (records decoded), "<transform>_dead" (records refused) and
// "<transform>_out" (results), such as "ScoreCustomers_in".
const MetricsNamespace = "successkit"

var deadCounter = beam.NewCounter(MetricsNamespace, "dead_letters")

// counters caches one Counter per name; a Counter is a small value, but its
// name is built once rather than per element.
type counters struct {
	in, dead, out beam.Counter
}

func newCounters(transform string) counters {
	return counters{
		in:   beam.NewCounter(MetricsNamespace, transform+"_in"),
		dead: beam.NewCounter(MetricsNamespace, transform+"_dead"),
		out:  beam.NewCounter(MetricsNamespace, transform+"_out"),
	}
}

// deadLetter builds the DeadLetter of err and counts it. The record ID is taken
// from the first *cs.FieldError that names one when id is "".
func deadLetter(ctx context.Context, transform, file string, line int, id string, err error) DeadLetter {
	deadCounter.Inc(ctx, 1)
	beam.NewCounter(MetricsNamespace, transform+"_dead").Inc(ctx, 1)
	if id == "" {
		var fe *cs.FieldError
		if errors.As(err, &fe) {
			id = fe.Record
		}
	}
	return DeadLetter{Transform: transform, File: file, Line: line, Record: id, Err: err.Error()}
}
