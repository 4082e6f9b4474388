package naming

import "testing"

func TestSnake(t *testing.T) {
	tests := map[string]string{
		"createRun":                  "create_run",
		"Get Run Form Fields":        "get_run_form_fields",
		"getHTTPStatus":              "get_http_status",
		"form_value (if textfields)": "form_value_if_textfields",
		"X-Tallyfy-Client":           "x_tallyfy_client",
		"123abc":                     "n123abc",
		"":                           "",
		"__weird__--name":            "weird_name",
		"ListMeta":                   "list_meta",
	}
	for in, want := range tests {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldName(t *testing.T) {
	tests := map[string]string{
		"checklist_id":               "checklist_id",
		"ClientURL":                  "ClientURL",
		"process-tasks":              "process_tasks",
		"form_value (if textfields)": "form_value_if_textfields",
		"<Process id>":               "Process_id",
		"9lives":                     "n9lives",
		"!!!":                        "field",
		"é":                          "field",
	}
	for in, want := range tests {
		if got := FieldName(in); got != want {
			t.Errorf("FieldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabel(t *testing.T) {
	tests := map[string]string{
		"checklist_id":   "Checklist ID",
		"createdAt":      "Created at",
		"ClientURL":      "Client URL",
		"per_page":       "Per page",
		"ko-form-fields": "KO form fields",
		"task_ids":       "Task IDs",
	}
	for in, want := range tests {
		if got := Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := map[string]string{"run": "runs", "process": "processes", "category": "categories", "day": "days", "box": "boxes", "": ""}
	for in, want := range tests {
		if got := Plural(in); got != want {
			t.Errorf("Plural(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamer(t *testing.T) {
	n := NewNamer("reserved")
	got := []string{n.Claim("a"), n.Claim("a", "query"), n.Claim("a", "query"), n.Claim("a"), n.Claim("reserved")}
	want := []string{"a", "a_query", "a_2", "a_3", "reserved_2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("claim %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestGlossary(t *testing.T) {
	g := NewGlossary(map[string]string{"checklist": "template", "run": "process", "capture": "form field", "field": "input"})
	tests := map[string]string{
		"Checklist ID":                       "Template ID",
		"List runs in a checklist":           "List processes in a template",
		"the capture":                        "the form field",
		"Runs":                               "Processes",
		"use `run_id` from https://x/runs/1": "use `run_id` from https://x/runs/1",
		"the checklist_id of the run":        "the checklist_id of the process",
		"a field":                            "a input",
		"rerun":                              "rerun",
		"{run_id}":                           "{run_id}",
	}
	for in, want := range tests {
		if got := g.Apply(in); got != want {
			t.Errorf("Apply(%q) = %q, want %q", in, got, want)
		}
	}
}
