package irdiff

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
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
	// Dropped maps "action <key>" / "trigger <key>" to why the config entry
	// could not be built from this spec.
	Dropped map[string]Drop
	// Ignored lists config details left out for this spec (an input
	// override or config field naming a field the spec no longer has).
	Ignored []diag.Diagnostic
}

// Build loads specPath and builds its connector model with cfg (nil: from
// the spec alone).
//
// One config serves both specs of a diff, so it may name things one of them
// does not have: the endpoint was removed, the field was renamed. That is
// exactly what a diff must report, so instead of failing like generate does,
// the config is relaxed for this side: an input override or config field
// naming a missing input is ignored (the comparison then shows the input
// removed), and an action or trigger whose config cannot be built at all
// is dropped (the comparison shows it removed, with the reason). Errors
// outside actions and triggers, and errors in the spec itself, still fail.
func Build(ctx context.Context, cfg *config.File, specPath string) (*Side, diag.List) {
	spec, ds := specload.Load(ctx, specPath)
	if spec == nil {
		return nil, ds
	}
	side := &Side{SpecPath: specPath, Dropped: map[string]Drop{}}
	name := "connector"
	if cfg != nil {
		name = filepath.Base(cfg.Dir)
	}
	cur := cfg
	// Each round relaxes every config entry the errors name; dropping a pick
	// list can expose the actions using it, hence a few rounds.
	for round := 0; round < 4; round++ {
		model, bds := build.Build(build.Input{Spec: spec, Config: cur, Name: name})
		if model != nil {
			side.Model = model
			return side, append(ds, bds...)
		}
		next, ok := relax(cur, bds, side)
		if !ok {
			return nil, append(ds, bds...)
		}
		cur = next
	}
	return nil, ds
}

// relax returns a copy of cfg without the config entries the errors in ds
// point at. ok is false when an error is not about an action, trigger or
// pick list of the config (a real problem the user must fix).
func relax(cfg *config.File, ds diag.List, side *Side) (*config.File, bool) {
	if cfg == nil || cfg.Config == nil {
		return nil, false
	}
	c := *cfg.Config
	c.Actions = cloneMap(c.Actions)
	c.Triggers = cloneMap(c.Triggers)
	c.PickLists = cloneMap(c.PickLists)
	changed := false
	for _, d := range ds {
		if d.Severity != diag.Error {
			continue
		}
		if !strings.HasPrefix(d.Code, "Config/") {
			return nil, false
		}
		parts := strings.Split(d.Pointer, "/")
		if len(parts) < 3 {
			return nil, false
		}
		key := parts[2]
		switch parts[1] {
		case "actions":
			a := c.Actions[key]
			if a == nil {
				continue // already dropped this round
			}
			switch {
			case len(parts) == 5 && parts[3] == "inputs" && d.Code == "Config/UnknownInput":
				cp := *a
				cp.Inputs = cloneMap(a.Inputs)
				delete(cp.Inputs, parts[4])
				c.Actions[key] = &cp
				side.Ignored = append(side.Ignored, d)
			case len(parts) == 4 && parts[3] == "config_fields" && d.Code == "Config/UnknownInput" && quoted(d.Message) != "":
				cp := *a
				cp.ConfigFields = nil
				for _, f := range a.ConfigFields {
					if f != quoted(d.Message) {
						cp.ConfigFields = append(cp.ConfigFields, f)
					}
				}
				c.Actions[key] = &cp
				side.Ignored = append(side.Ignored, d)
			default:
				side.Dropped["action "+key] = dropFor(d)
				delete(c.Actions, key)
			}
		case "triggers":
			if c.Triggers[key] != nil {
				side.Dropped["trigger "+key] = dropFor(d)
				delete(c.Triggers, key)
			}
		case "pick_lists":
			if c.PickLists[key] != nil {
				side.Ignored = append(side.Ignored, d)
				delete(c.PickLists, key)
			}
		default:
			return nil, false
		}
		changed = true
	}
	if !changed {
		return nil, false
	}
	f := *cfg
	f.Config = &c
	return &f, true
}

// Drop says why an action or trigger of the config is missing on one side.
type Drop struct {
	// Operation is set when an operation it uses is not in the spec.
	Operation string
	// Reason is the build error otherwise.
	Reason string
}

func dropFor(d diag.Diagnostic) Drop {
	if op := quoted(d.Message); d.Code == "Config/UnknownOperation" && op != "" {
		return Drop{Operation: op} // `operation "x" is not in spec.yaml`
	}
	return Drop{Reason: d.Message}
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// quoted returns the first Go-quoted string of a diagnostic message (the
// name it is about), or "".
func quoted(msg string) string {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return ""
	}
	for j := i + 1; j < len(msg); j++ {
		if msg[j] == '\\' {
			j++
			continue
		}
		if msg[j] == '"' {
			s, err := strconv.Unquote(msg[i : j+1])
			if err != nil {
				return ""
			}
			return s
		}
	}
	return ""
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
		if c.Side != "" || (c.Kind != "action" && c.Kind != "trigger") {
			continue
		}
		switch c.Change {
		case "removed":
			if d, ok := n.Dropped[c.Group]; ok && d.Operation != "" {
				c.Message = "removed: operation " + d.Operation + " is not in " + newSpec
			} else if ok {
				c.Message = "removed: its config no longer builds with " + newSpec + ": " + d.Reason
			}
		case "added":
			if d, ok := o.Dropped[c.Group]; ok && d.Operation != "" {
				c.Message = "added: operation " + d.Operation + " is new in " + newSpec
			} else if ok {
				c.Message = "added: its config does not build with " + oldSpec + ": " + d.Reason
			}
		}
	}
	for _, s := range []*Side{o, n} {
		for _, d := range s.Ignored {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s: ignored for %s: %s (the config needs the same change as the spec)", d.Location(), s.SpecPath, d.Message))
		}
	}
	rep.count()
	return rep, ds
}
