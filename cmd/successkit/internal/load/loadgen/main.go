// Command loadgen sends requests to successkit serve at a fixed rate and
// reports the latency percentiles and errors, measured from when each
// request was due (open loop):
//
//	go run ./cmd/successkit/internal/load/loadgen -token $TOKEN -rate 500 -duration 30s \
//	    -url http://127.0.0.1:8080/v1/score -body customer.json
//
// Without -body it scores one sample customer. It exits 1 when a request
// failed or the p99 is over -p99 (when given).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/successkit/cs/cmd/successkit/internal/load"
)

const sampleBody = `{"as_of":"2026-06-30","customer":{"id":"C00001","segment":"smb","stage":"adoption","mrr":"2059.00 USD",` +
	`"signals":{"days_since_login":0,"feature_adoption":0.7,"logins_30d":969,"nps":7,"seat_utilization":0.817,"tickets_90d":0,"usage":0.928,"usage_trend":0.004}}}`

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/v1/score", "the request `URL`")
	token := flag.String("token", os.Getenv("SUCCESSKIT_TOKEN"), "bearer `token` (default $SUCCESSKIT_TOKEN)")
	bodyFile := flag.String("body", "", "request body `file` (default: one sample customer to score)")
	method := flag.String("method", "", "HTTP `method` (default POST with a body)")
	rate := flag.Float64("rate", 500, "requests a `second`")
	duration := flag.Duration("duration", 20*time.Second, "how long to send")
	warmup := flag.Duration("warmup", 2*time.Second, "sent first and not counted")
	p99 := flag.Duration("p99", 0, "fail when the p99 latency is over this `duration`")
	flag.Parse()
	body := []byte(sampleBody)
	if *bodyFile != "" {
		b, err := os.ReadFile(*bodyFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(2)
		}
		body = b
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := load.Run(ctx, load.Config{URL: *url, Method: *method, Body: body, Token: *token, Rate: *rate, Duration: *duration, Warmup: *warmup})
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	fmt.Println(res)
	if res.Errors > 0 || (*p99 > 0 && res.P99 > *p99) {
		os.Exit(1)
	}
}
