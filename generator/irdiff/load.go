package irdiff

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/workatogen/workatogen/generator/build"
	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/specload"
)

// Side is one API description built into a connector model.
type Side struct {
	SpecPath string
	Model    *ir.Connector
	// Dropped maps config action keys to the operation this spec lacks.
	Dropped map[string]string
}

// Build loads specPath and builds its connector model with cfg (nil: from
// the spec alone).
//
// One config serves both specs of a diff, so it may name an operation one
// of them does not have: the endpoint was removed (or is new). That is the
// most important thing a diff reports, so instead of failing like generate
// does, the action is dropped from this side and recorded in Dropped; the
// comparison then reports it as removed or added. Input overrides naming a
// field the spec lacks are dropped the same way. Any other error fails.
func Build(ctx context.Context, cfg *config.File, specPath string) (*Side, diag.List) {
	spec, ds := specload.Load(ctx, specPath)
	if spec == nil {
		return nil, ds
	}
	side := &Side{SpecPath: specPath, Dropped: map[string]string{}}
	name := "connector"
	if cfg != nil {
		name = filepath.Base(cfg.Dir)
	}
	cur := cfg
	// Each round removes every config entry the spec cannot satisfy; a
	// second round can only be needed if dropping one exposed another.
	for round := 0; round < 3; round++ {
		model, bds := build.Build(build.Input{Spec: spec, Config: cur, Name: name})
		if model != nil {
			side.Model = model
			return side, append(ds, bds...)
		}
		next, ok := prune(cur, bds, side.Dropped)
		if !ok {
			return nil, append(ds, bds...)
		}
		cur = next
	}
	return nil, ds
}

// prune returns a copy of cfg without the actions and input overrides the
// errors in ds complain about. ok is false when ds holds any other error
// (a real problem the user must fix) or when there is nothing to prune.
func prune(cfg *config.File, ds diag.List, dropped map[string]string) (*config.File, bool) {
	if cfg == nil || cfg.Config == nil {
		return nil, false
	}
	c := *cfg.Config
	c.Actions = make(map[string]*config.Action, len(cfg.Config.Actions))
	for k, v := range cfg.Config.Actions {
		c.Actions[k] = v
	}
	pruned := false
	for _, d := range ds {
		if d.Severity != diag.Error {
			continue
		}
		parts := strings.Split(d.Pointer, "/")
		switch {
		case d.Code == "Config/UnknownOperation" && len(parts) == 4 && parts[1] == "actions" && parts[3] == "operation":
			if a := c.Actions[parts[2]]; a != nil {
				dropped[parts[2]] = a.Operation
				delete(c.Actions, parts[2])
				pruned = true
			}
		case d.Code == "Config/UnknownInput" && len(parts) == 5 && parts[1] == "actions" && parts[3] == "inputs":
			if a := c.Actions[parts[2]]; a != nil {
				cp := *a
				cp.Inputs = map[string]*config.InputOverride{}
				for k, v := range a.Inputs {
					if k != parts[4] {
						cp.Inputs[k] = v
					}
				}
				c.Actions[parts[2]] = &cp
				pruned = true
			}
		default:
			return nil, false
		}
	}
	if !pruned {
		return nil, false
	}
	f := *cfg
	f.Config = &c
	return &f, true
}

// Diff builds both sides with the same config and compares them. Removed
// and added actions whose operation one spec lacks say so in their reason.
func Diff(ctx context.Context, cfg *config.File, oldSpec, newSpec string) (*Report, diag.List) {
	var ds diag.List
	o, ods := Build(ctx, cfg, oldSpec)
	ds = append(ds, ods...)
	n, nds := Build(ctx, cfg, newSpec)
	ds = append(ds, nds...)
	if o == nil || n == nil {
		return nil, ds
	}
	rep := &Report{Old: oldSpec, New: newSpec, Changes: Compare(o.Model, n.Model)}
	if cfg != nil {
		rep.Config = cfg.Path
	}
	for i := range rep.Changes {
		c := &rep.Changes[i]
		if c.Kind != "action" || c.Side != "" {
			continue
		}
		switch c.Change {
		case "removed":
			if op, ok := n.Dropped[c.Key]; ok {
				c.Message = "removed: operation " + op + " is not in " + newSpec
			}
		case "added":
			if op, ok := o.Dropped[c.Key]; ok {
				c.Message = "added: operation " + op + " is new in " + newSpec
			}
		}
	}
	rep.count()
	return rep, ds
}
