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
// counted in Imputed.
//
// Errors (wrapped with "stats:"): those of CheckFit (one class, too few rows, a
// constant measure, named by its column), a column with no value at all
// (cs.ErrMissing), points outside [0, 100] or infinite (ErrOption, cs.ErrNotFinite),
// every weight learned as zero (ErrNoSignal), and those of CrossValidate.
func FitWeights(points Matrix, churned []bool, opt WeightOptions) (WeightFit, error) {
	if points.Rows < 0 || points.Cols < 1 || len(points.Data) != points.Rows*points.Cols {
		return WeightFit{}, fmt.Errorf("stats: matrix %d×%d with %d values: %w", points.Rows, points.Cols, len(points.Data), ErrLength)
	}
	k := opt.Folds
	if k == 0 {
		k = 5
	}
	cols := points.Cols
	mean := make([]float64, cols)
	count := make([]int, cols)
	for i, v := range points.Data {
		if math.IsNaN(v) {
			continue
		}
		if math.IsInf(v, 0) {
			return WeightFit{}, fmt.Errorf("stats: row %d column %d: %v: %w", i/cols, i%cols, v, cs.ErrNotFinite)
		}
		if v < 0 || v > 100 {
			return WeightFit{}, fmt.Errorf("stats: row %d column %d: points %v outside [0, 100]: %w", i/cols, i%cols, v, ErrOption)
		}
		mean[i%cols] += v
		count[i%cols]++
	}
	for j := range cols {
		if count[j] == 0 && points.Rows > 0 {
			return WeightFit{}, fmt.Errorf("stats: column %d has no value on any row: %w", j, cs.ErrMissing)
		}
		if count[j] > 0 {
			mean[j] /= float64(count[j])
		}
	}
	x := Matrix{Rows: points.Rows, Cols: cols, Data: make([]float64, len(points.Data))}
	var res WeightFit
	for i, v := range points.Data {
		if math.IsNaN(v) {
			v = mean[i%cols]
			res.Imputed++
		}
		x.Data[i] = (100 - v) / 100
	}
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
		return WeightFit{}, fmt.Errorf("stats: %d measures, %d rows: %w", cols, x.Rows, ErrNoSignal)
	}
	res.Model = m
	res.Weights = make([]float64, cols)
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
	if res.CV, err = CrossValidate(x, churned, fo, k, opt.Seed); err != nil {
		return WeightFit{}, err
	}
	return res, nil
}
