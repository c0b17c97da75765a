package csbeam

import (
	"context"
	"log"
	"os"

	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
)

// QuietLogs holds the logs of Beam, the prism runner and the SDK harness to
// warnings and errors, written to standard error. Call it after flag parsing and
// beam.Init: a local run otherwise prints several informational lines per stage.
func QuietLogs() {
	beamlog.SetupLogging("warn", "text") // log/slog, used by prism
	beamlog.SetLogger(warnLogger{log.New(os.Stderr, "", log.LstdFlags)})
}

// warnLogger passes on the SDK's messages of warning severity and above.
type warnLogger struct{ l *log.Logger }

func (w warnLogger) Log(_ context.Context, sev beamlog.Severity, _ int, msg string) {
	if sev >= beamlog.SevWarn {
		w.l.Print(msg)
	}
}
