package effort

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	cs "github.com/successkit/cs"
)

// hrec pairs a contact's ID hash with its index, for finding copies across cases.
type hrec struct {
	h   uint32
	idx int32
}

// radixByHash sorts s by hash, stably, with two 16-bit passes (least significant
// first) through tmp; it returns the sorted slice (s or tmp). Fewer records than
// the 65,536 counters are sorted by comparison instead, so that a small batch does
// not pay for the counters.
func radixByHash(s, tmp []hrec) []hrec {
	if len(s) < 1<<16 {
		slices.SortFunc(s, func(p, q hrec) int {
			if c := cmp.Compare(p.h, q.h); c != 0 {
				return c
			}
			return cmp.Compare(p.idx, q.idx) // stable: the records come in index order
		})
		return s
	}
	count := make([]int32, 1<<16)
	for shift := uint(0); shift < 32; shift += 16 {
		clear(count)
		for _, r := range s {
			count[(r.h>>shift)&(1<<16-1)]++
		}
		var sum int32
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, r := range s {
			k := (r.h >> shift) & (1<<16 - 1)
			tmp[count[k]] = r
			count[k]++
		}
		s, tmp = tmp, s
	}
	return s
}

// crossCase finds contact IDs used on more than one case. A contact counts once: the
// copy with the earliest time (then case ID, then flags) is kept, and every copy on
// another case is dropped with an error wrapping cs.ErrDuplicate. It returns the drop
// flags, or nil when no ID spans two cases (the usual case, checked in linear time
// after a radix sort of the 32-bit hashes).
func (a *analyzer) crossCase(w *scratch) []bool {
	b := a.b
	n := len(b.cHash)
	w.pairs = grow(w.pairs, n)
	w.pairTmp = grow(w.pairTmp, n)
	for i, h := range b.cHash {
		w.pairs[i] = hrec{h, int32(i)}
	}
	s := radixByHash(w.pairs, w.pairTmp)
	var drop []bool
	for i := 0; i < n; {
		j := i + 1
		for j < n && s[j].h == s[i].h {
			j++
		}
		if j-i > 1 && a.spansCases(s[i:j]) {
			if drop == nil {
				w.drop = grow(w.drop, n)
				drop = w.drop
				clear(drop)
			}
			a.dropCopies(s[i:j], drop)
		}
		i = j
	}
	return drop
}

// spansCases reports whether a run of equal hashes holds records of several cases
// (without which there is nothing to do here: copies within a case are the case's
// business).
func (a *analyzer) spansCases(run []hrec) bool {
	c := a.b.cCase[run[0].idx]
	for _, r := range run[1:] {
		if a.b.cCase[r.idx] != c {
			return true
		}
	}
	return false
}

// copyCmp orders copies by ID, then time, case ID and flags.
func (b *Batch) copyCmp(p, q hrec) int {
	if c := bytes.Compare(b.contactID(p.idx), b.contactID(q.idx)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.cTime[p.idx], b.cTime[q.idx]); c != 0 {
		return c
	}
	if c := cmp.Compare(b.cases[b.cCase[p.idx]], b.cases[b.cCase[q.idx]]); c != 0 {
		return c
	}
	return cmp.Compare(b.cMeta[p.idx], b.cMeta[q.idx])
}

func (a *analyzer) dropCopies(run []hrec, drop []bool) {
	b := a.b
	slices.SortFunc(run, b.copyCmp)
	keep := run[0]
	for _, r := range run[1:] {
		if !b.sameID(r.idx, keep.idx) {
			keep = r // another ID with the same hash
			continue
		}
		if kc := b.cCase[keep.idx]; b.cCase[r.idx] != kc {
			drop[r.idx] = true
			a.contactErr(r.idx, "case_id", b.cases[b.cCase[r.idx]],
				fmt.Errorf("%w: contact already counted on case %q", cs.ErrDuplicate, b.cases[kc]))
		}
	}
}
