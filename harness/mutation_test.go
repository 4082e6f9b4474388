package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/generator"
)

// Mutation tests: the Tallyfy fixtures must catch a connector that is wrong
// in one small way. Each mutation takes the freshly generated Tallyfy
// connector, changes one thing (found by a regexp, so a generator change
// that moves the anchor fails here loudly instead of passing vacuously),
// replays the cases that exercise it, and asserts the case FAILS with a
// report that names the change (the header, the path, the field...).

const (
	tallyfyConfig   = "../spec/tallyfy/connector.yaml"
	tallyfySpec     = "../spec/tallyfy/openapi.yaml"
	tallyfyFixtures = "../spec/tallyfy/fixtures"
)

type mutation struct {
	name string
	// action limits the anchor to that action's block in the connector
	// ("" = the whole file), so a line shared by several actions is changed
	// only where the named cases exercise it.
	action string
	// anchor must match exactly once in scope; replace is its replacement
	// (regexp.Expand syntax, $1 etc.).
	anchor, replace string
	// cases are the fixture IDs to replay; each must fail.
	cases []string
	// says must all appear in the failing cases' report.
	says []string
}

var tallyfyMutations = []mutation{
	{
		// The API-token auth's apply (the OAuth 2.0 one has its own below).
		name:    "header value",
		anchor:  `(connection\['api_token'\]\}", )'X-Tallyfy-Client' => 'APIClient'`,
		replace: `${1}'X-Tallyfy-Client' => 'WorkatoClient'`,
		cases:   []string{"get_current_user/basic", "connection/test_ok"},
		says:    []string{`headers.X-Tallyfy-Client: sent "WorkatoClient", want "APIClient"`},
	},
	{
		name:    "path segment",
		action:  "complete_task",
		anchor:  `(/runs/#\{input\['run_id'\]\.to_s\.encode_url\}/completed-task)s"`,
		replace: `$1"`,
		cases:   []string{"complete_task/approve"},
		says: []string{
			`path: sent "/api/organizations/0123456789abcdef0123456789abcdef/runs/7ded1b837ef6137ec16fca3b8ce85488/completed-task", want "/api/organizations/0123456789abcdef0123456789abcdef/runs/7ded1b837ef6137ec16fca3b8ce85488/completed-tasks"`,
			"POST /organizations/0123456789abcdef0123456789abcdef/runs/7ded1b837ef6137ec16fca3b8ce85488/completed-task: no matching operation was found in the spec",
		},
	},
	{
		name:    "dropped body field",
		action:  "launch_process",
		anchor:  `\n\s*'owner_id' => input\['owner_id'\],`,
		replace: ``,
		cases:   []string{"launch_process/basic"},
		says:    []string{`body.owner_id: not sent, want 1001`},
	},
	{
		name:    "renamed body field",
		action:  "complete_task",
		anchor:  `'task_id' => input\['task_id'\]`,
		replace: `'id' => input['task_id']`,
		cases:   []string{"complete_task/approve"},
		says: []string{
			`body.task_id: not sent, want "67585b93c0338bd64c094dd7a76df2b3"`,
			`body.id: sent "67585b93c0338bd64c094dd7a76df2b3", not in the fixture`,
			`property "task_id" is missing`,
		},
	},
	{
		// The fixture types override_user as text ("1001"), as a recipe
		// mapping a datapill into a text box does; without the conversion
		// the string reaches the API.
		name:    "integer sent as string",
		action:  "complete_task",
		anchor:  `(\{ name: 'override_user'[^\n]*?), convert_input: 'integer_conversion'`,
		replace: `$1`,
		cases:   []string{"complete_task/approve"},
		says:    []string{`body.override_user: sent "1001", want 1001`, `/override_user: value must be an integer`},
	},
	{
		// A toggle field sends "true"; boolean_conversion makes it true.
		// Both the field and its toggle_field lose the conversion.
		name:    "missing convert_input",
		action:  "update_process",
		anchor:  `(?s)(\{ name: 'starred'.*?), convert_input: 'boolean_conversion'(.*?), convert_input: 'boolean_conversion'`,
		replace: `$1$2`,
		cases:   []string{"update_process/basic"},
		says:    []string{`body.starred: sent "true", want true`, `/starred: value must be a boolean`},
	},
	{
		name:    "unwrapped envelope",
		action:  "get_current_user",
		anchor:  `response\['data'\] \|\| \{\}`,
		replace: `response`,
		cases:   []string{"get_current_user/basic"},
		says:    []string{`output.data: returned {`, `output.id: not returned, want 1001`, `wrapped in "data"`},
	},
	{
		// The execute lambda builds the DELETE but returns a plain hash, so
		// nothing forces the lazy request.
		name:    "request built but never forced",
		action:  "archive_process",
		anchor:  `(?m)^(\s*)response\['data'\] \|\| \{\}$`,
		replace: `${1}{ 'archived' => true }`,
		cases:   []string{"archive_process/basic"},
		says: []string{
			"recorded but not requested: DELETE /api/organizations/0123456789abcdef0123456789abcdef/runs/db34db938c900499ec07f6a01f98f6ec",
			"was the request built but never forced?",
		},
	},
	{
		// Passing the list to .params makes Workato's to_query send
		// owners[]=1001&owners[]=1002 instead of the comma-separated owners.
		name:    "wrong query encoding",
		action:  "list_tasks",
		anchor:  `call\(:join_list, input\['owners'\], ','\)`,
		replace: `input['owners']`,
		cases:   []string{"list_tasks/filtered"},
		says:    []string{`query.owners: not sent, want ["1001,1002"]`, `query["owners[]"]: sent ["1001","1002"], not in the fixture`},
	},
	{
		name:    "wrong HTTP method",
		action:  "update_process",
		anchor:  `response = put\(`,
		replace: `response = patch(`,
		cases:   []string{"update_process/basic"},
		says:    []string{`method: sent "PATCH", want "PUT"`, "method not allowed in the spec"},
	},
	{
		name:    "multipart file part renamed",
		action:  "upload_file",
		anchor:  `'name' => call\(:file_part,`,
		replace: `'file' => call(:file_part,`,
		cases:   []string{"upload_file/task_field"},
		says:    []string{`body[0].name: sent "file", want "name"`},
	},
	{
		name:    "list key renamed",
		action:  "list_processes",
		anchor:  `'processes' => response\['data'\]`,
		replace: `'runs' => response['data']`,
		cases:   []string{"list_processes/page_1_of_2"},
		says:    []string{`output.processes: not returned`, `output.runs: returned [`},
	},
	{
		name:    "Retry-After left out of the 429 error",
		anchor:  `(?m)^\s*hint = \[hint, "Retry after #\{retry_after\} seconds\."\]\.compact\.join\(' '\) if [^\n]*\n`,
		replace: "\n",
		cases:   []string{"add_comment_to_task/hourly_limit_429"},
		says: []string{
			"the target raised a different error",
			`want exactly "Add comment to task failed: 429 Too Many Requests.`,
			`Retry after 1800 seconds."`,
		},
	},
	{
		name:    "GET no longer retried on 429",
		action:  "get_task",
		anchor:  `retry_on_response: \[429, `,
		replace: `retry_on_response: [`,
		cases:   []string{"get_task/rate_limited_then_ok"},
		says: []string{
			"recorded but not requested: GET /api/organizations/0123456789abcdef0123456789abcdef/tasks/4501c0b7bde3f16568c0524814b198e2 (interaction 2",
			"the target raised Workato::Connector::Sdk::RequestFailedError: 429 Too Many Requests",
		},
	},
	// ---- dynamic forms, multi-step actions, pick lists, webhooks, OAuth 2.0
	{
		name:    "dropdown value without value: null",
		anchor:  `\{ 'id' => option\['id'\], 'text' => option\['text'\], 'value' => nil \}`,
		replace: `{ 'id' => option['id'], 'text' => option['text'] }`,
		cases:   []string{"launch_process/basic", "update_task_form_fields/taskdata"},
		says:    []string{`body.prerun["9f2b7c1e4a6d8035b1c7e9d2f4a6b801"].value: not sent, want null`},
	},
	{
		name:    "multiselect items without selected: true",
		anchor:  `, 'value' => nil, 'selected' => true \}`,
		replace: `, 'value' => nil }`,
		cases:   []string{"launch_process/all_field_types", "update_task_form_fields/taskdata"},
		says:    []string{`body.taskdata.fe316c2ac44a421cafbf128c9462b8e9[0].selected: not sent, want true`},
	},
	{
		name:    "file field sent as asset IDs instead of asset objects",
		anchor:  `(call\(:api_error, "Read file #\{asset_id\}", code, body, headers, message\)\n\s*)end\['data'\]`,
		replace: `${1}end['data']['id']`,
		cases:   []string{"launch_process/all_field_types"},
		says:    []string{`body.prerun["13764464301a24f796a7048c7f264cee"][0]: sent "713b387cd91a499e30f912c64725bbde", want {`},
	},
	{
		name:    "form values not saved before completing",
		action:  "complete_task",
		anchor:  `unless before_payload\.nil\?`,
		replace: `if false`,
		cases:   []string{"complete_task/with_form_values"},
		says:    []string{`method: sent "POST", want "PUT"`, "recorded but not requested: POST"},
	},
	{
		name:    "upload attached as one asset, not a list",
		anchor:  `\{ 'taskdata' => \{ field_id => \[asset\] \} \}`,
		replace: `{ 'taskdata' => { field_id => asset } }`,
		cases:   []string{"upload_file_to_form_field/basic"},
		says:    []string{`body.taskdata["13764464301a24f796a7048c7f264cee"]: sent {`},
	},
	{
		name:    "pick list pairs reversed",
		anchor:  `(?s)(/checklists-list"\).*?)\[call\(:dig_path, item, 'title'\)\.to_s, call\(:dig_path, item, 'id'\)\]`,
		replace: `${1}[call(:dig_path, item, 'id'), call(:dig_path, item, 'title').to_s]`,
		cases:   []string{"pick_lists/templates"},
		says:    []string{`output[0]: returned ["a9ae58ccb056740486285285cdf12e27","Employee Onboarding"], not in the fixture`},
	},
	{
		name:    "instant trigger takes every event",
		action:  "process_completed_instant",
		anchor:  `next nil unless \['process\.completed'\]\.include\?\(event\)`,
		replace: `next nil if event.nil?`,
		cases:   []string{"process_completed_instant/webhook_notification_other_event"},
		says:    []string{`output: returned {"event":"process.launched"`},
	},
	{
		name:    "template webhook from any organization",
		action:  "template_webhook",
		anchor:  `next nil unless sent\.to_s == connection\['organization_id'\]\.to_s`,
		replace: `sent`,
		cases:   []string{"template_webhook/webhook_notification_other_org", "template_webhook/webhook_notification_no_org_header"},
		says:    []string{`output: returned {"this_task":`},
	},
	{
		name:    "OAuth 2.0 token not refreshed on 401",
		anchor:  `refresh_on: \[401\]`,
		replace: `refresh_on: [403]`,
		cases:   []string{"oauth2/action_refresh_on_401"},
		says:    []string{"recorded but not requested: POST /oauth/token", "401 Unauthorized"},
	},
	{
		name:    "OAuth 2.0 requests without X-Tallyfy-Client",
		anchor:  `("Bearer #\{access_token\}"), 'X-Tallyfy-Client' => 'APIClient'`,
		replace: `$1`,
		cases:   []string{"oauth2/action_refresh_on_401"},
		says:    []string{`headers.X-Tallyfy-Client: not sent, want "APIClient"`},
	},
	// ---- polls and fetch-all-pages (methods.poll_list, methods.fetch_all_pages)
	{
		name:    "poll keeps events older than the cursor",
		anchor:  `items\.select \{ \|item\| \(time = time_of\.call\(item\)\) && time >= since \}`,
		replace: `items`,
		cases:   []string{"new_process/poll_page_since", "task_completed/poll_page", "new_comment/poll_page"},
		says:    []string{`"id":"0589e7038b0c83e740b3ca3b5a5d00e2"`, `"content":"Sent the draft."`},
	},
	{
		name:    "newest-first poll pages on past the cursor",
		anchor:  `\(!spec\['sorted'\] \|\| spec\['time_field'\]\.blank\? \|\| oldest_on_page\.nil\? \|\| oldest_on_page >= since\)`,
		replace: `true`,
		cases:   []string{"task_completed/poll_page", "new_process/poll_page_next_page"},
		says:    []string{"output.can_poll_more: returned true, want false", "output.next_poll.page: returned 3, want 1"},
	},
	{
		name:    "poll cursor not carried to the next page",
		anchor:  `\{ 'since' => since\.iso8601, 'page' => page \+ 1, 'newest' => newest&\.iso8601 \}`,
		replace: `{ 'since' => (newest || since).iso8601, 'page' => page + 1 }`,
		cases:   []string{"new_process/poll_page_full_page", "process_completed/poll_page"},
		says:    []string{`output.next_poll.since: returned "2025-01-15T10:00:00Z", want "2025-01-14T00:00:00Z"`},
	},
	{
		name:    "fetch all pages ignores max_pages",
		anchor:  `max_pages = \[spec\['max_pages'\]\.to_i, 1\]\.max`,
		replace: `max_pages = 10`,
		cases:   []string{"list_tasks/fetch_all_pages_max_pages"},
		says:    []string{"unexpected request 3 GET /api/organizations/0123456789abcdef0123456789abcdef/tasks?"},
	},
}

// actionBlock returns the byte range of `    name: {` … `    },` in the
// generated connector.
func actionBlock(src, name string) (int, int, bool) {
	start := regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(name) + `: \{\n`).FindStringIndex(src)
	if start == nil {
		return 0, 0, false
	}
	end := strings.Index(src[start[1]:], "\n    }")
	if end < 0 {
		return 0, 0, false
	}
	return start[0], start[1] + end, true
}

// apply performs m on src; it fails unless the anchor matches exactly once.
func (m mutation) apply(src string) (string, error) {
	lo, hi := 0, len(src)
	if m.action != "" {
		var ok bool
		if lo, hi, ok = actionBlock(src, m.action); !ok {
			return "", fmt.Errorf("action %q not found in the generated connector", m.action)
		}
	}
	re := regexp.MustCompile(m.anchor)
	scope := src[lo:hi]
	matches := re.FindAllStringSubmatchIndex(scope, -1)
	if len(matches) != 1 {
		where := "the connector"
		if m.action != "" {
			where = "action " + m.action
		}
		return "", fmt.Errorf("anchor %q matches %d times in %s, want exactly 1: the generated code changed, update the mutation", m.anchor, len(matches), where)
	}
	mt := matches[0]
	repl := re.ExpandString(nil, m.replace, scope, mt)
	return src[:lo] + scope[:mt[0]] + string(repl) + scope[mt[1]:] + src[hi:], nil
}

func generateTallyfy(t *testing.T) string {
	t.Helper()
	requireRuby(t)
	res, ds := generator.Generate(context.Background(), generator.Options{ConfigPath: tallyfyConfig, OutDir: t.TempDir()})
	if res == nil {
		t.Fatalf("generating the Tallyfy connector failed:\n%s", ds.Error())
	}
	return string(res.Files["connector.rb"])
}

func replayTallyfy(t *testing.T, connector string, ids []string) *Report {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "connector.rb")
	if err := os.WriteFile(path, []byte(connector), 0o644); err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = regexp.QuoteMeta(id)
	}
	rep, err := Run(context.Background(), Options{
		Connector:   path,
		FixturesDir: tallyfyFixtures,
		SpecPath:    tallyfySpec,
		RunFilter:   regexp.MustCompile("^(" + strings.Join(quoted, "|") + ")$"),
		CacheDir:    filepath.Join(dir, "cache"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestTallyfyMutations(t *testing.T) {
	src := generateTallyfy(t)

	// Baseline: every case a mutation relies on passes on the real
	// connector, so a failure below is the mutation's doing.
	var all []string
	for _, m := range tallyfyMutations {
		all = append(all, m.cases...)
	}
	base := replayTallyfy(t, src, all)
	var text bytes.Buffer
	base.WriteText(&text, false)
	if !base.OK() || len(base.Cases) == 0 {
		t.Fatalf("the unmutated connector must pass the cases the mutations use:\n%s", text.String())
	}
	ran := map[string]bool{}
	for _, c := range base.Cases {
		ran[c.ID] = c.Status == StatusPass
	}
	for _, id := range all {
		if !ran[id] {
			t.Fatalf("case %s did not run (or was skipped) on the unmutated connector: fixture renamed?\n%s", id, text.String())
		}
	}

	for _, m := range tallyfyMutations {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			mutated, err := m.apply(src)
			if err != nil {
				t.Fatal(err)
			}
			if mutated == src {
				t.Fatal("the mutation changed nothing")
			}
			rep := replayTallyfy(t, mutated, m.cases)
			var out bytes.Buffer
			rep.WriteText(&out, false)
			report := out.String()
			for _, id := range m.cases {
				var c *CaseResult
				for i := range rep.Cases {
					if rep.Cases[i].ID == id {
						c = &rep.Cases[i]
					}
				}
				switch {
				case c == nil:
					t.Errorf("case %s did not run", id)
				case c.Status != StatusFail:
					t.Errorf("case %s %s with the mutated connector; the fixtures do not catch %q", id, c.Status, m.name)
				}
			}
			for _, want := range m.says {
				if !strings.Contains(report, want) {
					t.Errorf("the report does not say %q", want)
				}
			}
			t.Logf("report:\n%s", report)
		})
	}
}

// TestMutationAnchorsFailLoudly: an anchor that does not match (the
// generator changed) or matches twice is an error, never a silent no-op.
func TestMutationAnchorsFailLoudly(t *testing.T) {
	src := "{\n  actions: {\n    a: {\n      x: 1,\n      x: 1\n    },\n\n    b: {\n      y: 2\n    }\n  }\n}\n"
	for _, tc := range []struct {
		m    mutation
		want string
	}{
		{mutation{anchor: `z: 3`}, "matches 0 times in the connector"},
		{mutation{anchor: `x: 1`}, "matches 2 times in the connector"},
		{mutation{action: "a", anchor: `y: 2`}, "matches 0 times in action a"},
		{mutation{action: "c", anchor: `y: 2`}, `action "c" not found`},
	} {
		_, err := tc.m.apply(src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("apply(%+v) = %v, want an error containing %q", tc.m, err, tc.want)
		}
	}
	got, err := mutation{action: "b", anchor: `y: (\d)`, replace: `y: 1$1`}.apply(src)
	if err != nil || !strings.Contains(got, "y: 12") || !strings.Contains(got, "x: 1,\n      x: 1") {
		t.Errorf("apply in block b = %q, %v", got, err)
	}
}
