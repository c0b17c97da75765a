package cs

// pow10Exact holds the powers of ten that float64 represents exactly.
var pow10Exact = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseShortDecimal parses the common short form of a signal cell: an optional sign,
// digits, an optional '.' and digits, at least one digit and at most 15 digits in
// all, no exponent. ok is false for any other text, which the caller then gives to
// strconv.ParseFloat.
//
// The result is correctly rounded, bit for bit what strconv.ParseFloat returns: the
// digits, read as an integer m < 10^15 < 2^53, are exact in a float64, and so is
// 10^k for k ≤ 22; IEEE 754 division rounds m/10^k correctly, hence a single
// division gives the nearest float64. This is the fast path of W. D. Clinger, "How
// to Read Floating Point Numbers Accurately", PLDI 1990 (also strconv's
// atof64exact).
func parseShortDecimal(s string) (f float64, ok bool) {
	i := 0
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i = 1
	}
	var m int64
	digits, frac := 0, 0
	dot := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f = float64(m) / pow10Exact[frac]
	if neg {
		f = -f
	}
	return f, true
}
