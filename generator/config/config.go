// Package config reads connector.yaml: what the OpenAPI description cannot
// say about a Workato connector (connection form, how auth applies, which
// path parameters come from the connection, which operations become actions
// and triggers, names, help, glossary, pick lists, retry policy).
//
// Decoding is strict: an unknown key is an error naming the file, the line
// and the closest known key. The same structure is published as a JSON
// Schema (connector.schema.json) so editors can autocomplete; a test keeps the
// two in step.
package config

// Config is the root of connector.yaml.
type Config struct {
	// Spec is the OpenAPI description, relative to connector.yaml.
	Spec string `yaml:"spec"`
	// Name is the output folder name (out/<name>/) and defaults to the config's folder name.
	Name string `yaml:"name"`
	// Title is the connector title shown in Workato.
	Title string `yaml:"title"`
	// Description is a short text for the generated README.
	Description string `yaml:"description"`
	// DocsURL is the API reference used for every action's "learn more" link.
	DocsURL string `yaml:"docs_url"`

	Connection *Connection       `yaml:"connection"`
	Test       *Test             `yaml:"test"`
	Glossary   []GlossaryEntry   `yaml:"glossary"`
	Envelope   *Envelope         `yaml:"envelope"`
	Errors     *Errors           `yaml:"errors"`
	Retry      *Retry            `yaml:"retry"`
	Pagination *Pagination       `yaml:"pagination"`
	Operations *OperationsFilter `yaml:"operations"`
	Schemas    *Schemas          `yaml:"schemas"`

	Actions           map[string]*Action   `yaml:"actions"`
	Triggers          map[string]*Trigger  `yaml:"triggers"`
	PickLists         map[string]*PickList `yaml:"pick_lists"`
	ObjectDefinitions map[string]string    `yaml:"object_definitions"`
	// Methods lists Ruby files (relative to connector.yaml) whose top-level
	// hash entries are copied verbatim into the connector's `methods`.
	Methods []string `yaml:"methods"`
}

// Connection describes the connection form and how requests are authorised.
type Connection struct {
	Fields []Field `yaml:"fields"`
	Auth   *Auth   `yaml:"auth"`
	// BaseURI says where requests go. Ends with "/" (paths are then relative).
	BaseURI *BaseURI `yaml:"base_uri"`
	// PathParameters binds path template variables to connection fields:
	// {org} ← organization_id. Bound parameters never appear as action inputs.
	PathParameters map[string]string `yaml:"path_parameters"`
}

// Field is a Workato schema field for the connection form.
type Field struct {
	Name        string      `yaml:"name"`
	Label       string      `yaml:"label"`
	Hint        string      `yaml:"hint"`
	ControlType string      `yaml:"control_type"`
	Type        string      `yaml:"type"`
	Optional    *bool       `yaml:"optional"`
	Default     string      `yaml:"default"`
	Options     [][2]string `yaml:"options"` // [[label, value], ...] for control_type select
	Sticky      bool        `yaml:"sticky"`
	// Toggle adds a text field to a select so users can type a custom value.
	Toggle bool `yaml:"toggle"`
	// PickList names a pick list (trigger inputs only; connection fields use options).
	PickList string `yaml:"pick_list"`
}

// Auth describes how each request is authorised.
type Auth struct {
	// Type: bearer | api_key | basic | oauth2 | none | multi.
	Type string `yaml:"type"`
	// Label names this auth option in a multi-auth selector.
	Label string `yaml:"label"`
	// TokenField is the connection field holding the bearer token.
	TokenField string `yaml:"token_field"`
	// Headers are added to every request (after the action's own headers, so
	// they win). Values may reference connection fields as {field_name}.
	Headers map[string]string `yaml:"headers"`
	// Query parameters added to every request (api_key in query).
	Query map[string]string `yaml:"query"`
	// UsernameField and PasswordField name the basic-auth fields.
	UsernameField string `yaml:"username_field"`
	PasswordField string `yaml:"password_field"`
	// Fields are connection fields shown only for this option (multi auth).
	Fields []Field `yaml:"fields"`
	OAuth2 *OAuth2 `yaml:"oauth2"`
	// Options are the alternatives of a multi auth, keyed by option value.
	Options map[string]*Auth `yaml:"options"`
	// Default is the option preselected in a multi-auth selector.
	Default string `yaml:"default"`
}

// OAuth2 is the authorization-code flow Workato runs for the user.
type OAuth2 struct {
	AuthorizationURL string `yaml:"authorization_url"`
	TokenURL         string `yaml:"token_url"`
	Scope            string `yaml:"scope"`
	// ClientIDField and ClientSecretField name connection fields; when empty
	// the generator adds client_id / client_secret fields.
	ClientIDField     string `yaml:"client_id_field"`
	ClientSecretField string `yaml:"client_secret_field"`
	// RefreshOn lists status codes that trigger a token refresh (default [401]).
	RefreshOn []int `yaml:"refresh_on"`
	// TokenRequest is how the token endpoint takes its parameters: form
	// (default, RFC 6749) or json.
	TokenRequest string `yaml:"token_request"`
}

// BaseURI picks the base URI, optionally from a connection field.
type BaseURI struct {
	// Field names a connection field holding the base URI (e.g. a host choice).
	Field string `yaml:"field"`
	// Default is used when the field is empty, or alone when Field is unset.
	Default string `yaml:"default"`
}

// Test names the operation the connection test calls.
type Test struct {
	Operation string `yaml:"operation"`
}

// GlossaryEntry maps an API word to the word users see.
type GlossaryEntry struct {
	API string `yaml:"api"`
	UI  string `yaml:"ui"`
	// Explain is appended to the help of every action that uses the term.
	Explain string `yaml:"explain"`
}

// Envelope says how responses wrap their payload.
type Envelope struct {
	// Data is the property holding the payload ({data: ...}); "" disables unwrapping.
	Data string `yaml:"data"`
	// Meta is the property holding list metadata (pagination).
	Meta string `yaml:"meta"`
}

// Errors tunes the messages recipe builders see when a request fails.
type Errors struct {
	// MessagePaths are dotted paths tried in order to find the API's message.
	MessagePaths []string `yaml:"message_paths"`
	// FieldErrorsPath is the dotted path of a {field: [messages]} map (422).
	FieldErrorsPath string `yaml:"field_errors_path"`
	// Hints add a sentence per status code ("401": "Check the token ...").
	Hints map[int]string `yaml:"hints"`
}

// Retry is the retry policy of actions.
type Retry struct {
	MaxRetries int   `yaml:"max_retries"`
	OnResponse []int `yaml:"on_response"`
	// Methods lists HTTP methods that may be retried (idempotent ones).
	Methods []string `yaml:"methods"`
}

// Pagination describes how list operations page (page/per_page style).
// List actions whose operation takes the page parameter get "fetch all
// pages" inputs; polling triggers page with it.
type Pagination struct {
	PageParam    string `yaml:"page_param"`
	PerPageParam string `yaml:"per_page_param"`
	// CurrentPagePath and TotalPagesPath are dotted paths in the response
	// (meta.pagination.current_page); NextLinkPath is the fallback when
	// total pages are absent (meta.pagination.links.next).
	CurrentPagePath string `yaml:"current_page_path"`
	TotalPagesPath  string `yaml:"total_pages_path"`
	NextLinkPath    string `yaml:"next_link_path"`
	// MaxPages bounds "fetch all pages" (default 10); DefaultPerPage is the
	// page size then (default 100).
	MaxPages       int `yaml:"max_pages"`
	DefaultPerPage int `yaml:"default_per_page"`
}

// OperationsFilter decides which operations become actions when no explicit
// action list is given (spec-only mode) or in addition to it.
type OperationsFilter struct {
	// Include: "listed" (only config actions, the default with a config) or "all".
	Include           string   `yaml:"include"`
	ExcludeDeprecated *bool    `yaml:"exclude_deprecated"`
	ExcludeTags       []string `yaml:"exclude_tags"`
	ExcludePaths      []string `yaml:"exclude_paths"` // regular expressions
}

// Schemas tunes how component schemas become object definitions.
type Schemas struct {
	// CutCycles turns a property that would make a schema refer to itself into
	// an untyped object instead of failing.
	CutCycles bool `yaml:"cut_cycles"`
}

// Action configures one operation as a Workato action.
type Action struct {
	// Operation is an operationId or "METHOD /path".
	Operation   string `yaml:"operation"`
	Title       string `yaml:"title"`
	Subtitle    string `yaml:"subtitle"`
	Description string `yaml:"description"`
	Help        string `yaml:"help"`
	HelpURL     string `yaml:"help_url"`
	// DisplayPriority orders actions in Workato's list (higher first).
	DisplayPriority int `yaml:"display_priority"`
	// Inputs override generated input fields, keyed by API parameter or body property name.
	Inputs map[string]*InputOverride `yaml:"inputs"`
	// Output says how the response becomes the action's output.
	Output *Output `yaml:"output"`
	// Paginate adds "fetch all pages" to a list action (default: true when
	// the operation takes the pagination page parameter).
	Paginate *bool `yaml:"paginate"`
	// ConfigFields are inputs shown first that drive DynamicInputs (Workato
	// config_fields): changing them re-evaluates the input form.
	ConfigFields []string `yaml:"config_fields"`
	// DynamicInputs adds input fields built at design time by a hand-written
	// method, and the value they send.
	DynamicInputs *DynamicInputs `yaml:"dynamic_inputs"`
	// Before runs another operation first (e.g. save form fields before
	// completing a task); Then runs one after (e.g. attach an upload).
	Before *Step `yaml:"before"`
	Then   *Step `yaml:"then"`
	// ExtraInputs are inputs the operation does not have, read by steps and
	// hand-written methods (e.g. the task a new upload is attached to).
	ExtraInputs []Field `yaml:"extra_inputs"`
}

// DynamicInputs wires hand-written methods into an action.
type DynamicInputs struct {
	// Method returns extra input fields: call(method, connection, config_fields).
	Method string `yaml:"method"`
	// Into names the body property the dynamic values fill (e.g. prerun);
	// empty when only a step's method reads the dynamic inputs.
	Into string `yaml:"into"`
	// Build returns that property's value: call(build, connection, input).
	Build string `yaml:"build"`
}

// Step is a second request of a multi-step action. Its path parameters take
// the action's inputs of the same name; Method builds its body:
// call(method, connection, input, previous_result) — returning nil skips it.
type Step struct {
	Operation string `yaml:"operation"`
	Method    string `yaml:"method"`
	// Output: "first" keeps the first request's output (default for before:
	// the main request's), "last" takes this step's.
	Output string `yaml:"output"`
	// Params maps the step's path parameters to action input names when
	// they differ (run_id: subject_id).
	Params map[string]string `yaml:"params"`
}

// InputOverride changes one generated input field.
type InputOverride struct {
	Label    string `yaml:"label"`
	Hint     string `yaml:"hint"`
	Optional *bool  `yaml:"optional"`
	Sticky   *bool  `yaml:"sticky"`
	Default  string `yaml:"default"`
	Skip     bool   `yaml:"skip"`
	// PickList offers a pick list for the field, with a text toggle so
	// recipe builders can still map a datapill.
	PickList string `yaml:"pick_list"`
	// PickListParams maps the pick list's parameters to sibling input names.
	PickListParams map[string]string `yaml:"pick_list_params"`
	// Value fixes what is sent; the field is not shown to users.
	Value string `yaml:"value"`
}

// Output shapes the action output.
type Output struct {
	// ListKey names the array of a list response (default: plural of the item schema).
	ListKey string `yaml:"list_key"`
	// ObjectDefinition forces the object definition used for the output.
	ObjectDefinition string `yaml:"object_definition"`
}

// Trigger configures a polling or a dynamic webhook trigger.
type Trigger struct {
	Title       string `yaml:"title"`
	Subtitle    string `yaml:"subtitle"`
	Description string `yaml:"description"`
	Help        string `yaml:"help"`
	HelpURL     string `yaml:"help_url"`
	// Inputs are extra trigger input fields.
	Inputs []Field   `yaml:"inputs"`
	Poll   *Poll     `yaml:"poll"`
	Hook   *Webhook  `yaml:"webhook"`
	Output *TrOutput `yaml:"output"`
}

// TrOutput names the schema of a trigger's events.
type TrOutput struct {
	// Schema is a component schema name; default: the list operation's item.
	Schema string `yaml:"schema"`
	// ObjectDefinition names the object definition to use instead.
	ObjectDefinition string `yaml:"object_definition"`
}

// Poll builds a polling trigger on a list operation. The API may ignore
// "since" filters, so events are recognised on the client: items newer than
// the trigger's cursor (TimeField), de-duplicated by DedupKeys.
type Poll struct {
	Operation string `yaml:"operation"`
	// Params are fixed query parameters (sort order, status filter).
	Params map[string]string `yaml:"params"`
	// Inputs are query parameters (API names) offered as trigger inputs.
	Inputs []string `yaml:"inputs"`
	// TimeField is the item's timestamp (dotted path) that orders events.
	TimeField string `yaml:"time_field"`
	// DedupKeys are item fields joined with "@" (default: id and TimeField).
	DedupKeys []string `yaml:"dedup_keys"`
	// Filter keeps items whose field (dotted path) equals the value.
	Filter map[string]string `yaml:"filter"`
	// Each is a dotted path of nested events inside each item (a task's
	// threads.data); Parent is the key the item is attached under.
	Each   string `yaml:"each"`
	Parent string `yaml:"parent"`
	// Sorted says the list comes newest first by TimeField (default true),
	// so paging can stop at the first page older than the cursor. When it
	// is false every page up to MaxPages is read.
	Sorted *bool `yaml:"sorted"`
	// PerPage and MaxPages bound one polling session.
	PerPage  int `yaml:"per_page"`
	MaxPages int `yaml:"max_pages"`
}

// Webhook builds a dynamic webhook trigger from hand-written methods:
// subscribe is call(m, webhook_url, connection, input, recipe_id) and returns
// what unsubscribe gets: call(m, webhook_subscribe_output).
type Webhook struct {
	SubscribeMethod   string `yaml:"subscribe_method"`
	UnsubscribeMethod string `yaml:"unsubscribe_method"`
	// EventField is the payload's event name (dotted path); Events are the
	// names this trigger turns into jobs (others are ignored).
	EventField string   `yaml:"event_field"`
	Events     []string `yaml:"events"`
	// VerifyHeader rejects deliveries whose header does not equal the
	// connection field (Tallyfy signs nothing, but sends X-Tallyfy-orgID).
	VerifyHeader *VerifyHeader `yaml:"verify_header"`
	DedupKeys    []string      `yaml:"dedup_keys"`
}

// VerifyHeader compares a delivery header with a connection field.
type VerifyHeader struct {
	Header string `yaml:"header"`
	Field  string `yaml:"field"`
}

// PickList builds a dynamic pick list from a list operation.
type PickList struct {
	Operation string `yaml:"operation"`
	// Label and Value are dotted paths inside each item.
	Label string `yaml:"label"`
	Value string `yaml:"value"`
	// Params are fixed query parameters.
	Params map[string]string `yaml:"params"`
	// DependsOn lists path or query parameters (API names) the pick list
	// takes from sibling inputs (Workato pick_list_params).
	DependsOn []string `yaml:"depends_on"`
}
