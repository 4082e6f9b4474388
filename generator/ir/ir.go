// Package ir is the connector model the templates render: a plain, sorted,
// fully resolved description of a Workato connector. Templates see nothing
// else — no OpenAPI, no $ref chasing, no decisions.
//
// Two string types carry the safety rule of the project:
//   - Text is text from a spec or config. Printing it in a template yields a
//     Ruby string literal made by rubylit.Quote, so it can never become code.
//   - Code is Ruby the generator built itself (from fixed tokens and Quote'd
//     text) and is printed as is.
//
// A template that writes {{ .Title }} therefore always writes a safe literal.
package ir

import (
	"github.com/workatogen/workatogen/generator/rubylit"
)

// Text is spec or config text; it prints as a quoted Ruby literal.
type Text string

// String renders the Ruby literal.
func (t Text) String() string { return rubylit.Quote(string(t)) }

// Raw returns the text itself (for Markdown output, never for Ruby).
func (t Text) Raw() string { return string(t) }

// Code is generator-built Ruby; it prints verbatim.
type Code string

func (c Code) String() string { return string(c) }

// Connector is the whole generated connector.
type Connector struct {
	Name  string // output folder name
	Title Text
	// Header lines become "# ..." comments at the top (already comment-safe).
	Header     []string
	Connection Connection
	Test       *Request
	Actions    []*Action
	Triggers   []*Trigger
	// ObjectDefinitions are sorted by name.
	ObjectDefinitions []*ObjectDefinition
	PickLists         []*PickList
	Errors            ErrorPolicy
	// UserMethods are hand-written method entries copied verbatim.
	UserMethods []Code
	// Helpers lists the built-in helper methods the connector needs.
	Helpers map[string]bool
	Docs    Docs
}

// Connection is the connection hash.
type Connection struct {
	Fields  []*Field
	Auth    *Auth
	BaseURI Code // body of base_uri lambda (uses `connection`)
}

// Auth is the authorization hash.
type Auth struct {
	// Type is the Workato type: custom_auth, basic_auth, api_key, oauth2, multi, none.
	Type string
	// ApplyArgs is the parameter list of apply ("connection" or "connection, access_token").
	ApplyArgs string
	// Apply is the body of the apply lambda; empty means no apply.
	Apply  Code
	OAuth2 *OAuth2
	// Options are the alternatives of a multi auth (sorted by key).
	Options []*AuthOption
	// SelectorField is the connection field whose value picks the option.
	SelectorField string
	DefaultOption string
}

// OAuth2 holds the authorization-code flow lambdas' bodies.
type OAuth2 struct {
	AuthorizationURL Code
	TokenURL         Code
	ClientID         Code
	ClientSecret     Code
	RefreshOn        []int
	// Acquire and Refresh are optional lambda bodies (empty: Workato's defaults).
	Acquire Code
	Refresh Code
}

// AuthOption is one alternative of a multi auth.
type AuthOption struct {
	Key    string
	Label  Text
	Fields []*Field
	Auth   *Auth
}

// Field is a Workato schema field (input, output, connection or object definition).
type Field struct {
	Name    Text
	APIName string // the name the API uses (mapping happens in execute)
	Label   Text
	Hint    Text
	// Type is one of string, integer, number, boolean, date, date_time, object, array.
	Type        string
	Of          string
	ControlType string
	Optional    bool
	Sticky      bool
	Default     Code // Ruby literal, empty when none
	PickList    string
	// PickListParams maps pick-list parameter names to sibling field names.
	PickListParams [][2]string
	Options        [][2]Text // inline options (connection select fields)
	ConvertInput   string
	ConvertOutput  string
	Properties     []*Field
	// PropertiesRef names an object definition used as properties instead.
	PropertiesRef string
	ToggleHint    Text
	ToggleField   *Field
	ExtendsSchema bool
	NgIf          Text
}

// ObjectDefinition is a reusable list of fields.
type ObjectDefinition struct {
	Name   string
	Fields []*Field
	// Source names the schema it came from (for comments and docs).
	Source string
	// Method, when set, builds the fields with a hand-written method instead.
	Method string
}

// PickList is a static or request-backed list of [label, value] pairs.
type PickList struct {
	Name    string
	Options [][2]Text // static lists
	// Params are keyword parameters of a dependent pick list.
	Params []string
	// Body is the lambda body for request-backed lists.
	Body Code
}

// Pair is one "key => value" line of a hash the generator builds.
type Pair struct {
	Key   Text
	Value Code
	// Raw values (JSON text, hand-built form values) are sent as they are:
	// only a nil or "" value itself is dropped, never the nulls inside it
	// ({"value": null} is meaningful to the API).
	Raw bool
}

// Request is the single HTTP call an action (or test) makes.
type Request struct {
	Verb string // get, post, put, patch, delete, head, options
	Path Code   // Ruby string expression, relative to base_uri
	// Query holds scalar (or already joined) query parameters for .params.
	Query []Pair
	// ExplodedQuery holds arrays sent as repeated keys (ids=1&ids=2).
	ExplodedQuery []Pair
	Headers       []Pair
	// BodyKind is "", "json", "multipart" or "form".
	BodyKind string
	Body     []Pair
	// BodyValue replaces Body when the JSON body is not an object.
	BodyValue Code
	// ErrorMatchers is the argument list of after_error_response.
	ErrorMatchers Code
	// Title names the operation in error messages.
	Title Text
	// RawResponse returns the body as a string (downloads).
	RawResponse bool
	// QueryVar and PayloadVar name the Ruby variables holding the query and
	// the body ("query"/"payload" unless paging or a step renames them).
	QueryVar   string
	PayloadVar string
}

// Action is one entry of `actions`.
type Action struct {
	Key             string
	Title           Text
	Subtitle        Text
	Description     Text
	Help            Help
	DisplayPriority int
	Deprecated      bool
	InputFields     []*Field
	// OutputRef names the object definition of the output; otherwise OutputFields.
	OutputRef    string
	OutputFields []*Field
	Request      *Request
	// Output is a Ruby expression over `response` giving the action's result.
	Output       Code
	SampleOutput Code
	Retry        *Retry
	// ConfigFields are shown first and drive DynamicInputs.
	ConfigFields []*Field
	// DynamicInputs names a method returning extra input fields:
	// call(name, connection, config_fields).
	DynamicInputs string
	// Paging, when set, adds "fetch all pages" to a list action.
	Paging *Paging
	// Before and Then are extra requests of a multi-step action.
	Before *Step
	Then   *Step
	// Operation names the spec operation ("POST /organizations/{org}/runs").
	Operation string
	// Docs carries text for the generated README.
	Docs OperationDocs
}

// Paging describes page/per_page pagination for the shared paging methods.
type Paging struct {
	// Spec is a Ruby hash literal with the paging settings (param names,
	// response paths, bounds) handed to the fetch_all_pages / poll_list methods.
	Spec Code
	// Condition is the Ruby expression that turns fetching all pages on.
	Condition Code
}

// Step is one more request of a multi-step action: Method builds its body
// (call(method, connection, input, previous)); nil skips the request.
type Step struct {
	Request *Request
	Method  string
	// KeepFirst keeps the earlier request's output as the action output;
	// otherwise Output (over then_response) is the action's output.
	KeepFirst bool
	Output    Code
}

// Help is the help hash.
type Help struct {
	Body     Text
	URL      Text
	LinkText Text
}

// Retry is the retry policy of one action.
type Retry struct {
	OnResponse []int
	Methods    []string
	MaxRetries int
}

// Trigger is one entry of `triggers`.
type Trigger struct {
	Key          string
	Title        Text
	Subtitle     Text
	Description  Text
	Help         Help
	InputFields  []*Field
	OutputRef    string
	OutputFields []*Field
	// Kind is "poll" or "webhook".
	Kind string
	// Poll trigger: the list request, the query, and the poll_list settings.
	Request  *Request
	PollSpec Code
	// Webhook trigger: hand-written methods and the event filter.
	SubscribeMethod   string
	UnsubscribeMethod string
	// EventPath is a Ruby array literal of the event field's path segments.
	EventPath Code
	Events    []Text
	// VerifyHeader and VerifyField reject deliveries whose header does not
	// equal the connection field.
	VerifyHeader Text
	VerifyField  Text
	// Rename maps payload keys to field names inline (webhook_notification
	// may not call methods); empty when no key changes.
	Rename Code
	// DedupPaths are the record's dotted paths joined with "@".
	DedupPaths   []Text
	SampleOutput Code
	Docs         OperationDocs
}

// ErrorPolicy feeds the shared error method.
type ErrorPolicy struct {
	MessagePaths    []Text
	FieldErrorsPath Text
	Hints           []CodeHint
}

// CodeHint is a sentence shown for one status code.
type CodeHint struct {
	Code int
	Hint Text
}

// Docs is what the generated README needs beyond the connector itself.
type Docs struct {
	Description string
	SpecPath    string
	ConfigPath  string
	DocsURL     string
	Glossary    [][3]string
}

// OperationDocs describes an action or trigger for people reading the README.
type OperationDocs struct {
	Method, Path string
	Inputs       []DocField
	Outputs      []DocField
}

// DocField is one row of an inputs/outputs table in the README.
type DocField struct {
	Name, Label, Type, Required, Hint string
}
