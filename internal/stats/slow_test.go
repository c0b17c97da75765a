package stats

// slowAUC counts every (positive, negative) pair: 1 if the positive scores higher,
// ½ if tied. It is the definition of the AUC (Hanley & McNeil, 1982), O(n²).
func slowAUC(scores []float64, labels []bool) float64 {
	var num float64
	var pairs int
	for i, yi := range labels {
		if !yi {
			continue
		}
		for j, yj := range labels {
			if yj {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				num++
			case scores[i] == scores[j]:
				num += 0.5
			}
		}
	}
	return num / float64(pairs)
}

// slowDeLongVar computes DeLong's variance of AUC(a) − AUC(b) straight from the
// definition of the structural components with O(n²) pair sums (DeLong, DeLong &
// Clarke-Pearson, 1988, eqs. for V10, V01, S10, S01). Pass b == nil for Var(AUC(a)).
func slowDeLongVar(a, b []float64, y []bool) float64 {
	psi := func(x, z float64) float64 {
		switch {
		case x > z:
			return 1
		case x == z:
			return 0.5
		}
		return 0
	}
	comp := func(s []float64) (v10, v01 []float64) {
		var pos, neg []int
		for i, v := range y {
			if v {
				pos = append(pos, i)
			} else {
				neg = append(neg, i)
			}
		}
		for _, i := range pos {
			t := 0.0
			for _, j := range neg {
				t += psi(s[i], s[j])
			}
			v10 = append(v10, t/float64(len(neg)))
		}
		for _, j := range neg {
			t := 0.0
			for _, i := range pos {
				t += psi(s[i], s[j])
			}
			v01 = append(v01, t/float64(len(pos)))
		}
		return
	}
	a10, a01 := comp(a)
	d10, d01 := a10, a01
	if b != nil {
		b10, b01 := comp(b)
		d10 = make([]float64, len(a10))
		d01 = make([]float64, len(a01))
		for i := range a10 {
			d10[i] = a10[i] - b10[i]
		}
		for i := range a01 {
			d01[i] = a01[i] - b01[i]
		}
	}
	sampleVar := func(v []float64) float64 {
		m := 0.0
		for _, x := range v {
			m += x
		}
		m /= float64(len(v))
		s := 0.0
		for _, x := range v {
			s += (x - m) * (x - m)
		}
		return s / float64(len(v)-1)
	}
	return sampleVar(d10)/float64(len(d10)) + sampleVar(d01)/float64(len(d01))
}
