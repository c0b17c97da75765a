package server

import (
	"bytes"
	"context"
	_ "embed"
	"net/http"
	"time"
)

//go:embed openapi.json
var openapiJSON []byte

// healthz answers 200 while the process serves: liveness.
func (c *call) healthz() error {
	c.w.Header().Set("Cache-Control", "no-store")
	writeBody(c.w, c.r, "application/json", []byte(`{"status":"ok"}`+"\n"))
	return nil
}

// readyz answers 200 when the store answers within a second and the server
// is not shutting down, 503 otherwise: readiness, for a load balancer.
func (c *call) readyz() error {
	if c.s.stopping.Load() {
		return unavailable("shutting down")
	}
	ctx, cancel := context.WithTimeout(c.r.Context(), time.Second)
	defer cancel()
	if err := c.s.store.DB().PingContext(ctx); err != nil {
		c.s.log.Warn("not ready", "err", err)
		return unavailable("the store does not answer")
	}
	c.w.Header().Set("Cache-Control", "no-store")
	writeBody(c.w, c.r, "application/json", []byte(`{"status":"ready"}`+"\n"))
	return nil
}

// metricsText writes the Prometheus text format.
func (c *call) metricsText() error {
	var b bytes.Buffer
	if err := c.s.metrics.write(&b); err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	_, err := c.w.Write(b.Bytes())
	return err
}

// openapi serves the OpenAPI document kept beside this file.
func (c *call) openapi() error {
	writeBody(c.w, c.r, "application/json", openapiJSON)
	return nil
}

// problemDoc describes one problem type: what its type URI resolves to.
func (c *call) problemDoc() error {
	name := c.r.PathValue("name")
	for _, k := range problems {
		if k.name == name {
			return writeJSON(c.w, c.r, map[string]any{"type": problemTypeURI + k.name, "title": k.title, "status": k.status, "description": k.doc})
		}
	}
	return newProblem("not-found", "no problem type of that name")
}
