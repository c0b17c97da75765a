package health

// MaxGradeBands is the most bands a GradeScheme may have (Gainsight allows up to
// 12 ranges).
const MaxGradeBands = 12

// GradeScheme maps a score 0..100 to a label with ordered bands. Band i covers
// (Bands[i-1].Max, Bands[i].Max]: each band's lower bound is exclusive except the
// first, which starts at 0 inclusive (Gainsight's convention). Bands are listed in
// ascending order of Max, the last Max is 100, and there are 1 to MaxGradeBands of
// them with distinct non-empty labels.
type GradeScheme struct {
	Name  string      `json:"name,omitempty"` // for people, such as "rag"
	Bands []GradeBand `json:"bands"`          // ascending, the last ending at 100
}

// GradeBand is one band of a GradeScheme: its label and its inclusive upper bound.
type GradeBand struct {
	Label string  `json:"label"` // such as "red" or "A"
	Max   float64 `json:"max"`   // inclusive upper bound in [0,100]
}

// DefaultGrades returns the default scheme: red 0–50, yellow >50–75, green
// >75–100 (Gainsight's default bands, from its health score documentation).
func DefaultGrades() GradeScheme {
	return GradeScheme{Name: "rag", Bands: []GradeBand{
		{Label: "red", Max: 50}, {Label: "yellow", Max: 75}, {Label: "green", Max: 100},
	}}
}

// LetterGrades returns the letter scheme F 0–60, D >60–70, C >70–80, B >80–90,
// A >90–100 (the usual US school scale; there is no E).
func LetterGrades() GradeScheme {
	return GradeScheme{Name: "letters", Bands: []GradeBand{
		{Label: "F", Max: 60}, {Label: "D", Max: 70}, {Label: "C", Max: 80},
		{Label: "B", Max: 90}, {Label: "A", Max: 100},
	}}
}

// Grade returns the index of the band holding score and its label; a score
// outside [0,100] (or NaN) gets -1 and "".
func (g *GradeScheme) Grade(score float64) (int, string) {
	if !(score >= 0 && score <= 100) {
		return -1, ""
	}
	for i, b := range g.Bands {
		if score <= b.Max {
			return i, b.Label
		}
	}
	return -1, ""
}

// gradeTable is a compiled scheme: upper bounds and labels in fixed arrays so
// grading is a short scan without pointer chasing.
type gradeTable struct {
	n      int
	max    [MaxGradeBands]float64
	labels [MaxGradeBands]string
}

func newGradeTable(g *GradeScheme) gradeTable {
	var t gradeTable
	t.n = len(g.Bands)
	for i, b := range g.Bands {
		t.max[i] = b.Max
		t.labels[i] = b.Label
	}
	return t
}

// grade returns the band index of a score already known to lie in [0,100].
func (t *gradeTable) grade(score float64) int {
	for i := 0; i < t.n-1; i++ {
		if score <= t.max[i] {
			return i
		}
	}
	return t.n - 1
}
