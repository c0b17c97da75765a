//go:build !race

package playbook

const raceEnabled = false
