package specload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// jsonNode parses JSON into the same node tree the YAML parser builds, with
// lines and columns, because YAML 1.2 parsers reject valid JSON escapes such
// as "\/" (Tallyfy's own Swagger file uses them).
func jsonNode(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := &jsonParser{dec: dec, data: data, lines: lineStarts(data)}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the top-level value")
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}, Line: 1, Column: 1}, nil
}

type jsonParser struct {
	dec   *json.Decoder
	data  []byte
	lines []int
	prev  int64
}

// start finds where the next token begins: after the previous token, past
// whitespace and the ':' or ',' separators encoding/json consumes silently.
func (p *jsonParser) start() (int, int) {
	i := int(p.prev)
	for i < len(p.data) && bytes.IndexByte([]byte(" \t\r\n:,"), p.data[i]) >= 0 {
		i++
	}
	return p.pos(i)
}

func (p *jsonParser) pos(off int) (int, int) {
	// binary search the line whose start is the last one <= off
	lo, hi := 0, len(p.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - p.lines[lo] + 1
}

func (p *jsonParser) token() (json.Token, int, int, error) {
	line, col := p.start()
	tok, err := p.dec.Token()
	p.prev = p.dec.InputOffset()
	return tok, line, col, err
}

func (p *jsonParser) value() (*yaml.Node, error) {
	tok, line, col, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, line, col)
}

func (p *jsonParser) valueFrom(tok json.Token, line, col int) (*yaml.Node, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: col}
			for {
				kt, kl, kc, err := p.token()
				if err != nil {
					return nil, err
				}
				if d, ok := kt.(json.Delim); ok && d == '}' {
					return n, nil
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("line %d: object key is not a string", kl)
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: kl, Column: kc}, v)
			}
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line, Column: col}
			for {
				et, el, ec, err := p.token()
				if err != nil {
					return nil, err
				}
				if d, ok := et.(json.Delim); ok && d == ']' {
					return n, nil
				}
				v, err := p.valueFrom(et, el, ec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
		}
		return nil, fmt.Errorf("line %d: unexpected %q", line, t)
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t, Line: line, Column: col}, nil
	case json.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: t.String(), Line: line, Column: col}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t), Line: line, Column: col}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: line, Column: col}, nil
	}
	return nil, fmt.Errorf("line %d: unexpected token", line)
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}
