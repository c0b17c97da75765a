package main

import "context"

func cmdReport(ctx context.Context, env *Env, args []string) error { return usageErr("not yet") }
func cmdReplay(ctx context.Context, env *Env, args []string) error { return usageErr("not yet") }
