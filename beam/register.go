package csbeam

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/successkit/cs/effort"
)

// Every DoFn, function and emitter the transforms use is registered here, with
// the generic register package: the workers then call them without reflection, and
// a DoFn or type missing from this list fails TestRegistered, not a job on a
// cluster.
func init() {
	register.DoFn4x1[context.Context, string, func(Chunk), func(DeadLetter), error](&splitFn{})
	register.DoFn4x0[context.Context, Chunk, func(ScoreRow), func(DeadLetter)](&scoreFn{})
	register.DoFn4x0[context.Context, Chunk, func(Snapshot), func(DeadLetter)](&snapshotFn{})
	register.DoFn3x1[context.Context, string, func(string), error](&writeFn{})
	register.DoFn4x1[context.Context, int, func(*string) bool, func(string), error](&finalizeFn{})
	register.DoFn6x0[context.Context, int, func(*ContactBatch) bool, func(*CaseEventBatch) bool, func(effort.CustomerFriction), func(DeadLetter)](&frictionFn{})
	register.DoFn6x1[context.Context, int, func(*MRRBatch) bool, func(*bounds) bool, func(retAcc), func(DeadLetter), error](&retentionFn{})
	register.DoFn2x0[bounds, func(int, bounds)](&everyGroupFn{})
	register.DoFn6x0[context.Context, int, func(*SnapshotBatch) bool, func(*OutcomeBatch) bool, func(bookAcc), func(DeadLetter)](&backtestFn{})
	register.DoFn4x0[context.Context, Chunk, func(int, ContactBatch), func(DeadLetter)](&decodeContactsFn{})
	register.DoFn4x0[context.Context, Chunk, func(int, CaseEventBatch), func(DeadLetter)](&decodeEventsFn{})
	register.DoFn4x0[context.Context, Chunk, func(int, MRRBatch), func(DeadLetter)](&decodeMRRFn{})
	register.DoFn4x0[context.Context, bookAcc, func(BacktestReport), func(DeadLetter)](&finishBacktestFn{})

	register.Function4x0(decodeOutcomes)
	register.Function1x2(gradeOne)
	register.Function2x1(sumInts)
	register.Function2x1(recordBounds)
	register.Function2x1(mergeBounds)
	register.Function2x1(mergeRetention)
	register.Function1x2(finishRetention)
	register.Function2x1(mergeBook)

	register.Emitter1[Chunk]()
	register.Emitter1[DeadLetter]()
	register.Emitter1[ScoreRow]()
	register.Emitter1[Snapshot]()
	register.Emitter1[string]()
	register.Emitter1[effort.CustomerFriction]()
	register.Emitter1[retAcc]()
	register.Emitter1[bookAcc]()
	register.Emitter1[BacktestReport]()
	register.Emitter2[int, Contact]()
	register.Emitter2[int, CaseEvent]()
	register.Emitter2[int, MRRRecord]()
	register.Emitter2[int, Snapshot]()
	register.Emitter2[int, Outcome]()
	register.Emitter2[int, bounds]()
	register.Emitter1[Outcome]()
	register.Iter1[string]()
	register.Iter1[Contact]()
	register.Iter1[CaseEvent]()
	register.Iter1[MRRRecord]()
	register.Iter1[Snapshot]()
	register.Iter1[Outcome]()
	register.Iter1[bounds]()
}
