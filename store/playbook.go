package store

import "github.com/successkit/cs"

// runTables returns the tables whose rows belong to a run.
func (s *Store) runTables() []string { return runTables }

// undoTasks reverts the task changes of the runs from asOf on.
func (s *Store) undoTasks(w *wtx, asOf cs.Date) error { return nil }
