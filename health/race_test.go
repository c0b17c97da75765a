//go:build race

package health

// raceEnabled: the race detector slows the 100 MB and million-entry inputs about
// tenfold, and they test bounds, not concurrency; the tests skip them under it.
const raceEnabled = true
