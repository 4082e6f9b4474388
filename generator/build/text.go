package build

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"

	"github.com/workatogen/workatogen/generator/naming"
)

// Hints and help bodies are HTML in Workato. OpenAPI descriptions are
// CommonMark, which may carry raw HTML. We keep a small set of harmless tags,
// turn `code` spans into <code>, and escape everything else, so a spec cannot
// put script or markup of its own into the Workato UI.
var (
	allowedTag = regexp.MustCompile(`(?i)^</?(b|i|em|strong|code|br|p|ul|ol|li)\s*/?>$|^<a\s+href="https?://[^"<>]*"\s*>$|^</a>$`)
	anyTag     = regexp.MustCompile(`<[^<>]*>`)
	backticks  = regexp.MustCompile("`([^`]+)`")
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^)\s]+)\)`)
	spaces     = regexp.MustCompile(`[ \t]*\n[ \t]*\n+`)
	lineBreaks = regexp.MustCompile(`[ \t]*\n[ \t]*`)
)

// safeHTML renders description text for a hint or help body. Code spans
// come first: `Bearer <token>` is code, not a tag.
func safeHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var out strings.Builder
	last := 0
	for _, m := range backticks.FindAllStringSubmatchIndex(s, -1) {
		out.WriteString(safeMarkup(s[last:m[0]]))
		out.WriteString("<code>" + html.EscapeString(s[m[2]:m[3]]) + "</code>")
		last = m[1]
	}
	out.WriteString(safeMarkup(s[last:]))
	r := spaces.ReplaceAllString(out.String(), "<br><br>")
	r = strings.ReplaceAll(r, "&#39;", "'")
	r = strings.ReplaceAll(r, "&#34;", `"`)
	return lineBreaks.ReplaceAllString(r, " ")
}

// safeMarkup keeps allowed tags and escapes everything else.
func safeMarkup(s string) string {
	var out strings.Builder
	last := 0
	for _, m := range anyTag.FindAllStringIndex(s, -1) {
		out.WriteString(mdText(s[last:m[0]]))
		tag := s[m[0]:m[1]]
		if allowedTag.MatchString(tag) {
			out.WriteString(tag)
		} else {
			out.WriteString(html.EscapeString(tag))
		}
		last = m[1]
	}
	out.WriteString(mdText(s[last:]))
	return out.String()
}

// mdText escapes plain text and renders Markdown links [text](https://...).
func mdText(s string) string {
	s = html.EscapeString(s)
	return mdLink.ReplaceAllString(s, `<a href="$2">$1</a>`)
}

// plainHint is the hint for a field without schema context.
func (b *builder) plainHint(desc string) string {
	return safeHTML(b.gloss.Apply(strings.TrimSpace(desc)))
}

// hint builds a field hint from its schema: description, then facts a
// recipe builder needs (format, default, deprecation).
func (b *builder) hint(n *node, dir direction) string {
	h := b.plainHint(n.desc)
	if dir == input {
		if n.defaultV != nil && len(n.enum) == 0 {
			h = joinSentences(h, "Default: "+compactJSON(n.defaultV)+".")
		}
		switch n.format {
		case "date-time":
			if !strings.Contains(strings.ToLower(h), "iso") {
				h = joinSentences(h, "Date and time, sent as ISO 8601.")
			}
		}
	}
	if n.deprecated {
		h = joinSentences("Deprecated.", h)
	}
	if n.union != "" && n.union != "json" {
		h = joinSentences(h, "Accepts several shapes: "+n.union+".")
	}
	return h
}

func joinSentences(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	if !strings.HasSuffix(a, ".") && !strings.HasSuffix(a, "!") && !strings.HasSuffix(a, "?") && !strings.HasSuffix(a, ">") {
		a += "."
	}
	return a + " " + b
}

// firstSentence returns the first sentence of plain text (tags stripped).
func firstSentence(s string) string {
	s = strings.TrimSpace(anyTag.ReplaceAllString(s, ""))
	s = lineBreaks.ReplaceAllString(s, " ")
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && (i+1 == len(s) || s[i+1] == ' ') {
			return s[:i+1]
		}
	}
	return s
}

func compactJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

// describe renders the action description Workato shows in the recipe:
// `Launch <span class="provider">process</span> in <span class="provider">Tallyfy</span>`.
func describe(title, connector string) string {
	verb, rest, ok := strings.Cut(title, " ")
	prov := func(s string) string { return `<span class="provider">` + html.EscapeString(s) + "</span>" }
	if !ok {
		return prov(strings.ToLower(title)) + " in " + prov(connector)
	}
	return html.EscapeString(verb) + " " + prov(rest) + " in " + prov(connector)
}

// titleFrom turns an operation summary or id into an action title: sentence
// case, UI words, no trailing period.
func (b *builder) titleFrom(summary, id string) string {
	t := strings.TrimSpace(summary)
	if t == "" {
		t = naming.Label(id)
	}
	t = strings.TrimRight(firstSentence(t), ".")
	return naming.Sentence(b.gloss.Apply(t))
}
