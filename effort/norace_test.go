//go:build !race

package effort

const raceEnabled = false
