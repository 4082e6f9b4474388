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
	Operations *OperationsFilter `yaml:"operations"`
	Schemas    *Schemas          `yaml:"schemas"`

	Actions           map[string]*Action `yaml:"actions"`
	ObjectDefinitions map[string]string  `yaml:"object_definitions"`
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
}

// InputOverride changes one generated input field.
type InputOverride struct {
	Label    string `yaml:"label"`
	Hint     string `yaml:"hint"`
	Optional *bool  `yaml:"optional"`
	Sticky   *bool  `yaml:"sticky"`
	Default  string `yaml:"default"`
	Skip     bool   `yaml:"skip"`
}

// Output shapes the action output.
type Output struct {
	// ListKey names the array of a list response (default: plural of the item schema).
	ListKey string `yaml:"list_key"`
	// ObjectDefinition forces the object definition used for the output.
	ObjectDefinition string `yaml:"object_definition"`
}
