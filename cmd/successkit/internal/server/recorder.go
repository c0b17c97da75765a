package server

import (
	"log/slog"
	"net/http"
)

// recorder is the ResponseWriter of a request: it notes the status, the
// bytes written, the route, the token and the problem type for the access
// log and the metrics.
type recorder struct {
	http.ResponseWriter
	code    int
	n       int64
	wrote   bool
	route   string
	who     string
	problem string
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	n, err := r.ResponseWriter.Write(b)
	r.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// flushing).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

// setRoute names the route of the request for the log and the metrics.
func setRoute(w http.ResponseWriter, pattern string) {
	if r, ok := w.(*recorder); ok {
		r.route = pattern
	}
}

func levelOf(code int) slog.Level {
	switch {
	case code >= 500:
		return slog.LevelError
	case code >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

func argsToAttrs(args []any) []slog.Attr {
	out := make([]slog.Attr, 0, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		out = append(out, slog.Any(args[i].(string), args[i+1]))
	}
	return out
}
