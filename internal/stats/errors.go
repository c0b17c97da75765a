package stats

import "errors"

// Sentinel errors; every error this package returns wraps one of them (or a root
// package sentinel such as cs.ErrNotFinite), so callers can use errors.Is.
var (
	// ErrLength: two slices that must describe the same rows differ in length, or a
	// matrix's data does not match its shape.
	ErrLength = errors.New("length mismatch")
	// ErrOneClass: the outcomes hold only churners or only non-churners, so neither a
	// ranking measure nor a fit means anything.
	ErrOneClass = errors.New("only one outcome class")
	// ErrTooFewRows: too few rows (or too few of one class) for the computation asked.
	ErrTooFewRows = errors.New("too few rows")
	// ErrConstantFeature: a feature takes one value on every row, so its weight cannot
	// be identified from the data.
	ErrConstantFeature = errors.New("constant feature")
	// ErrOption: an option outside its documented range.
	ErrOption = errors.New("invalid option")
)

// Sentinel errors of the book-level backtest and the outcome reader.
var (
	// ErrUnknownID: an outcome for a customer that has no snapshot.
	ErrUnknownID = errors.New("unknown customer ID")
	// ErrNotBool: a churned value that is not one of 0, 1, true, false.
	ErrNotBool = errors.New("not 0/1/true/false")
)

// ErrNoSignal: a weight fit in which no measure predicts churn (every learned weight
// is zero), so there is no scorecard to return.
var ErrNoSignal = errors.New("no measure predicts churn")
