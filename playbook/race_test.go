//go:build race

package playbook

// raceEnabled: the race detector slows the 100 MB and million-entry inputs
// tenfold and finds nothing in them (one goroutine); they run without it.
const raceEnabled = true
