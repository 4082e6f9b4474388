package rubyrun

import "encoding/json"

// Message shapes of harness/PROTOCOL.md. They live here, next to the code
// that frames them, and nowhere else in Go.

// ProtocolVersion is the protocol this runner speaks; a runtime announcing
// another version is refused at start rather than misread later.
const ProtocolVersion = 1

// Request asks the runtime to run one target ("type":"run").
type Request struct {
	Type            string         `json:"type"` // always "run"; set by Run
	ID              string         `json:"id"`
	Connector       string         `json:"connector"`
	Target          Target         `json:"target"`
	Connection      map[string]any `json:"connection"`
	Input           map[string]any `json:"input"`
	Closure         any            `json:"closure"`
	ConfigFields    map[string]any `json:"config_fields"`
	Args            []any          `json:"args"`
	Record          any            `json:"record"`
	Webhook         *Webhook       `json:"webhook,omitempty"`
	RetryDelayScale float64        `json:"retry_delay_scale"`
}

// Target is the part of the connector to run.
type Target struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	Part string `json:"part,omitempty"`
}

// Webhook is what a webhook trigger part receives.
type Webhook struct {
	Payload         any               `json:"payload"`
	Headers         map[string]string `json:"headers"`
	Params          map[string]any    `json:"params"`
	URL             string            `json:"url"`
	SubscribeOutput any               `json:"subscribe_output"`
	RecipeID        string            `json:"recipe_id"`
}

// Result is the runtime's answer to one Request.
type Result struct {
	Type              string          `json:"type"`
	ID                string          `json:"id"`
	OK                bool            `json:"ok"`
	Output            json.RawMessage `json:"output"`
	Error             *Error          `json:"error"`
	Requests          []SentRequest   `json:"requests"`
	ConnectionUpdates json.RawMessage `json:"connection_updates"`
	Retries           int             `json:"retries"`
	DurationMS        float64         `json:"duration_ms"`
}

// Error is a failure raised while running the target.
type Error struct {
	Class     string   `json:"class"`
	Message   string   `json:"message"`
	Backtrace []string `json:"backtrace"`
	Kind      string   `json:"kind"`
}

// SentRequest is a request as the runtime believes it sent it; the harness
// takes the scheme from URL (it is not on the wire).
type SentRequest struct {
	Seq     int             `json:"seq"`
	Method  string          `json:"method"`
	URL     string          `json:"url"`
	Headers json.RawMessage `json:"headers"`
}

// Ready is the runtime's first message.
type Ready struct {
	Ruby          string `json:"ruby"`
	ActiveSupport string `json:"activesupport"`
	Protocol      int    `json:"protocol"`
}

// envelope is decoded first to dispatch on "type".
type envelope struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}
