package stats

import (
	"fmt"
	"math"

	"github.com/successkit/cs"
)

// WeightOptions configure FitWeights. The zero value fits with DefaultLambda, 5 folds
// and seed 0.
type WeightOptions struct {
	Fit   FitOptions // AllowNegative is ignored: scorecard weights are never negative
	Folds int        // k of the cross-validation; 0 means 5
	Seed  uint64     // seeds the folds
}

// WeightFit is the result of FitWeights.
type WeightFit struct {
	// Weights are the learned measure weights, normalised to sum to 1, in column
	// order; a weight of 0 means the measure adds nothing once the others are known.
	Weights []float64 `json:"weights"`
	// Model is the underlying logistic model on the shortfalls (100 − points)/100.
	Model Model `json:"model"`
	// AUC is the in-sample AUC of the weighted score; CV its k-fold cross-validation.
	AUC float64  `json:"auc"`
	CV  CVResult `json:"cv"`
	// Imputed counts the missing points (NaN) replaced by their column's mean.
	Imputed int `json:"imputed"`
}

// FitWeights learns scorecard weights from measure points (0–100, higher is
// healthier; NaN for a missing value) and churn outcomes, one row per customer and
// one column per measure. It fits the logistic model
//
//	P(churn) = σ(b + Σ βⱼ·(100 − pⱼ)/100),  βⱼ ≥ 0,
//
// with Logistic: a shortfall of points can only raise the risk, as in a scorecard.
// Because a weighted-average health score Σ wⱼpⱼ / Σ wⱼ with wⱼ ∝ βⱼ ranks customers
// exactly as the model's risk does (when no point is missing), the normalised βⱼ are
// the scorecard weights that maximise the penalised likelihood, and the model's AUC is
// the scorecard's. Missing points are replaced by their column's mean over the rows
// that have one (a fit-time approximation of health's weight redistribution), and
// counted in Imputed; in the cross-validation, by their column's mean over the
// fold's training rows only, so the CV AUC sees no held-out value.
//
// Errors: those of CheckFit (one class, too few rows, a
// constant measure, named by its column), a column with no value at all
// (cs.ErrMissing), points outside [0, 100] or infinite (ErrOption, cs.ErrNotFinite),
// every weight learned as zero (ErrNoSignal), and those of CrossValidate.
func FitWeights(points Matrix, churned []bool, opt WeightOptions) (WeightFit, error) {
	if points.Rows < 0 || points.Cols < 1 || len(points.Data) != points.Rows*points.Cols {
		return WeightFit{}, fmt.Errorf("matrix %d×%d with %d values: %w", points.Rows, points.Cols, len(points.Data), ErrLength)
	}
	k := opt.Folds
	if k == 0 {
		k = 5
	}
	if err := checkPoints(points); err != nil {
		return WeightFit{}, err
	}
	mean, err := columnMeans(points, nil)
	if err != nil {
		return WeightFit{}, err
	}
	var res WeightFit
	var x Matrix
	x, res.Imputed = shortfalls(points, nil, mean)
	fo := opt.Fit
	fo.AllowNegative = false
	m, err := Logistic(x, churned, fo)
	if err != nil {
		return WeightFit{}, err
	}
	total := 0.0
	for _, w := range m.Weights {
		total += w
	}
	if total == 0 {
		return WeightFit{}, fmt.Errorf("%d measures, %d rows: %w", points.Cols, x.Rows, ErrNoSignal)
	}
	res.Model = m
	res.Weights = make([]float64, points.Cols)
	for j, w := range m.Weights {
		res.Weights[j] = w / total
	}
	risk := make([]float64, x.Rows)
	for i := range risk {
		risk[i] = m.Linear(x.Row(i))
	}
	if res.AUC, err = AUC(risk, churned); err != nil {
		return WeightFit{}, err
	}
	if res.CV, err = crossValidateImputed(points, churned, fo, k, opt.Seed); err != nil {
		return WeightFit{}, err
	}
	return res, nil
}

// checkPoints refuses infinite points and points outside [0, 100].
func checkPoints(points Matrix) error {
	cols := points.Cols
	for i, v := range points.Data {
		switch {
		case math.IsNaN(v):
		case math.IsInf(v, 0):
			return fmt.Errorf("row %d column %d: %v: %w", i/cols, i%cols, v, cs.ErrNotFinite)
		case v < 0 || v > 100:
			return fmt.Errorf("row %d column %d: points %v outside [0, 100]: %w", i/cols, i%cols, v, ErrOption)
		}
	}
	return nil
}

// columnMeans returns each column's mean over the listed rows (all rows when idx
// is nil) that have a value; a column with no value there is an error.
func columnMeans(points Matrix, idx []int) ([]float64, error) {
	cols := points.Cols
	mean := make([]float64, cols)
	count := make([]int, cols)
	add := func(i int) {
		for j, v := range points.Row(i) {
			if !math.IsNaN(v) {
				mean[j] += v
				count[j]++
			}
		}
	}
	n := len(idx)
	if idx == nil {
		n = points.Rows
		for i := range points.Rows {
			add(i)
		}
	} else {
		for _, i := range idx {
			add(i)
		}
	}
	for j := range cols {
		if count[j] == 0 && n > 0 {
			return nil, fmt.Errorf("column %d has no value on any of %d rows: %w", j, n, cs.ErrMissing)
		}
		if count[j] > 0 {
			mean[j] /= float64(count[j])
		}
	}
	return mean, nil
}

// shortfalls returns the listed rows (all when idx is nil) as shortfalls
// (100 − points)/100, a missing value replaced by its column's mean, and the count
// of values replaced.
func shortfalls(points Matrix, idx []int, mean []float64) (Matrix, int) {
	if idx == nil {
		idx = make([]int, points.Rows)
		for i := range idx {
			idx[i] = i
		}
	}
	cols := points.Cols
	x := Matrix{Rows: len(idx), Cols: cols, Data: make([]float64, 0, len(idx)*cols)}
	imputed := 0
	for _, i := range idx {
		for j, v := range points.Row(i) {
			if math.IsNaN(v) {
				v = mean[j]
				imputed++
			}
			x.Data = append(x.Data, (100-v)/100)
		}
	}
	return x, imputed
}

// crossValidateImputed cross-validates the weight fit with the imputation inside
// each fold: a missing value of a training or test row is replaced by its column's
// mean over that fold's training rows only, so no held-out value leaks into the
// fit it is scored by.
func crossValidateImputed(points Matrix, y []bool, fo FitOptions, k int, seed uint64) (CVResult, error) {
	return crossValidate(y, k, seed, func(_ int, train, test []int) ([]float64, error) {
		mean, err := columnMeans(points, train)
		if err != nil {
			return nil, err
		}
		tx, _ := shortfalls(points, train, mean)
		ty := make([]bool, len(train))
		for n, i := range train {
			ty[n] = y[i]
		}
		m, err := Logistic(tx, ty, fo)
		if err != nil {
			return nil, err
		}
		sx, _ := shortfalls(points, test, mean)
		ts := make([]float64, len(test))
		for n := range test {
			ts[n] = m.Linear(sx.Row(n))
		}
		return ts, nil
	})
}
