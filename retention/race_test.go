//go:build race

package retention

// raceEnabled: the race detector slows the 100 MB and million-record inputs
// tenfold and finds nothing in them (one goroutine); they run without it.
const raceEnabled = true
