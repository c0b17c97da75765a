package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// writeProblem sends p as application/problem+json, with Retry-After when
// the problem says when to come back and WWW-Authenticate on a 401.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	if p.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="successkit", error="invalid_token"`)
	}
	if p.Status == http.StatusRequestEntityTooLarge || p.Status == http.StatusRequestTimeout {
		// The rest of the body was not read: the connection cannot carry
		// another request.
		h.Set("Connection", "close")
	}
	b, err := json.Marshal(p)
	if err != nil { // a Problem always marshals; keep the status anyway
		b = []byte(`{"type":"` + problemTypeURI + `internal","title":"Internal error","status":500}`)
	}
	b = append(b, '\n')
	w.WriteHeader(p.Status)
	w.Write(b)
	if s, ok := w.(*recorder); ok {
		s.problem = strings.TrimPrefix(p.Type, problemTypeURI)
	}
}

// writeJSON sends v as JSON with status 200, a strong ETag computed from the
// body, and 304 Not Modified when the request's If-None-Match names it.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := marshalLine(v)
	if err != nil {
		return err
	}
	writeBody(w, r, "application/json", b)
	return nil
}

// writeStatusJSON sends v as JSON with the status, without an ETag: the
// answer of a write.
func writeStatusJSON(w http.ResponseWriter, status int, v any) error {
	b, err := marshalLine(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// marshalLine is the JSON of v as the API writes it: HTML characters not
// escaped, a final newline. An ETag is computed over these bytes.
func marshalLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeB64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// writeBody sends body with the content type and an ETag, or 304 when the
// client's copy is current. Only GET and HEAD answers carry an ETag.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		tag := etagOf(body)
		h.Set("ETag", tag)
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "private, no-cache")
		}
		if etagMatch(r.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagOf is a strong entity tag of a representation: 128 bits of its SHA-256.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// etagMatch reports whether an If-None-Match header value lists tag (or is
// "*"), comparing weakly as RFC 9110 §13.1.2 asks for If-None-Match.
func etagMatch(header, tag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}
