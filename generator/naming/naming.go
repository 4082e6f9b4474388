// Package naming turns API names into the names and words a Workato user sees:
// identifiers for actions and fields, labels, plurals, and glossary rewording
// (API terms such as "checklist" shown as the product's UI terms such as
// "template").
package naming

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Snake converts any name ("Get Run Form Fields", "createRun", "form_value (if
// textfields)", "X-Tallyfy-Client") to lower snake_case over [a-z0-9_]. It is
// used for keys of actions, triggers, object definitions and pick lists.
func Snake(s string) string {
	var words []string
	for _, w := range splitWords(s) {
		words = append(words, strings.ToLower(w))
	}
	out := strings.Join(words, "_")
	if out == "" {
		return ""
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "n" + out
	}
	return out
}

// FieldName keeps a field name as the API spells it when Workato accepts it
// (letters, digits, underscore), and otherwise replaces each run of other
// characters with one underscore. Workato datapills break on -<>!@#$%^&*()
// and friends (workato-sdk.md §4), so "process-tasks" becomes "process_tasks"
// and the execute code maps it back.
func FieldName(s string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(r)
			continue
		}
		pendingSep = true
	}
	out := b.String()
	if out == "" {
		return "field"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "n" + out
	}
	return out
}

// splitWords breaks camelCase, PascalCase, snake_case, kebab-case and prose
// into words, keeping acronyms together ("getHTTPStatus" → get HTTP Status).
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r)) || r > unicode.MaxASCII {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// acronyms are rendered upper-case in labels, as Workato's labelize does for ID.
var acronyms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "api": "API",
	"http": "HTTP", "https": "HTTPS", "json": "JSON", "xml": "XML", "utc": "UTC",
	"ip": "IP", "sso": "SSO", "csv": "CSV", "pdf": "PDF", "oauth": "OAuth", "ko": "KO",
}

// Label makes a human label from a name: "checklist_id" → "Checklist ID",
// "createdAt" → "Created at".
func Label(name string) string {
	words := splitWords(name)
	for i, w := range words {
		lw := strings.ToLower(w)
		switch {
		case acronyms[lw] != "":
			words[i] = acronyms[lw]
		case i == 0:
			words[i] = strings.ToUpper(lw[:1]) + lw[1:]
		case isAllUpper(w) && len(w) > 1:
			// keep acronyms the API spelled in capitals ("ClientURL")
		default:
			words[i] = lw
		}
	}
	return strings.Join(words, " ")
}

func isAllUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// Sentence upper-cases the first letter of s.
func Sentence(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// Plural returns a simple English plural, good enough for API nouns.
func Plural(word string) string {
	lw := strings.ToLower(word)
	switch {
	case lw == "":
		return word
	case strings.HasSuffix(lw, "s") || strings.HasSuffix(lw, "x") || strings.HasSuffix(lw, "ch") || strings.HasSuffix(lw, "sh"):
		return word + "es"
	case strings.HasSuffix(lw, "y") && len(lw) > 1 && !strings.ContainsRune("aeiou", rune(lw[len(lw)-2])):
		return word[:len(word)-1] + "ies"
	default:
		return word + "s"
	}
}

// Namer hands out unique identifiers: the first claimant of a name keeps it,
// later ones get a suffix. Callers feed names in a deterministic order, so the
// result is stable from run to run.
type Namer struct {
	used map[string]bool
}

func NewNamer(reserved ...string) *Namer {
	n := &Namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

// Claim returns name if free, else name_<alt> for the first free alternative,
// else name_2, name_3, ...
func (n *Namer) Claim(name string, alts ...string) string {
	if !n.used[name] {
		n.used[name] = true
		return name
	}
	for _, a := range alts {
		c := name + "_" + a
		if !n.used[c] {
			n.used[c] = true
			return c
		}
	}
	for i := 2; ; i++ {
		c := fmt.Sprintf("%s_%d", name, i)
		if !n.used[c] {
			n.used[c] = true
			return c
		}
	}
}

// Taken reports whether name is already claimed.
func (n *Namer) Taken(name string) bool { return n.used[name] }

// Glossary rewrites API terms into UI terms in text shown to users.
type Glossary struct {
	// re matches any term as a whole word, longest first, in one pass.
	re    *regexp.Regexp
	ui    map[string]string // lower-case API term → UI term
	terms []string          // lower-case API terms, longest first
	cache map[string]string // the same descriptions recur across operations
}

// NewGlossary builds a glossary from API→UI pairs. Plural forms are added
// automatically ("checklist"→"template" also maps "checklists"→"templates").
// Longer terms win over shorter ones ("form field" before "field").
func NewGlossary(pairs map[string]string) *Glossary {
	all := map[string]string{}
	for api, ui := range pairs {
		all[strings.ToLower(api)] = ui
		pa := strings.ToLower(Plural(api))
		if _, explicit := pairs[pa]; !explicit {
			all[pa] = Plural(ui)
		}
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	// longest first, then alphabetical: deterministic and most specific first
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	g := &Glossary{ui: all, terms: keys, cache: map[string]string{}}
	if len(keys) > 0 {
		quoted := make([]string, len(keys))
		for i, k := range keys {
			quoted[i] = regexp.QuoteMeta(k)
		}
		// Go's RE2 prefers the leftmost alternative at a position, so the
		// longest-first order makes "form field" win over "field".
		g.re = regexp.MustCompile(`(?i)\b(?:` + strings.Join(quoted, "|") + `)\b`)
	}
	return g
}

// codeSpan matches text that must stay as the API spells it: `code`,
// <code>…</code>, URLs and snake_case identifiers.
var codeSpan = regexp.MustCompile("`[^`]*`|<code>.*?</code>|https?://\\S+|\\b\\w+_\\w+\\b|\\{[^}]*\\}")

// Apply rewrites every glossary term in s, keeping the case of the first
// letter ("Run" → "Process", "run" → "process") and leaving code, URLs and
// identifiers alone.
func (g *Glossary) Apply(s string) string {
	if g == nil || g.re == nil || s == "" {
		return s
	}
	if out, ok := g.cache[s]; ok {
		return out
	}
	var out strings.Builder
	last := 0
	for _, loc := range codeSpan.FindAllStringIndex(s, -1) {
		out.WriteString(g.applyPlain(s[last:loc[0]]))
		out.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	out.WriteString(g.applyPlain(s[last:]))
	g.cache[s] = out.String()
	return out.String()
}

func (g *Glossary) applyPlain(s string) string {
	if s == "" {
		return s
	}
	// One pass: replacements are never rescanned, so a UI word is never
	// rewritten again by a shorter term.
	return g.re.ReplaceAllStringFunc(s, func(m string) string {
		ui := g.ui[strings.ToLower(m)]
		if r := []rune(m); len(r) > 0 && unicode.IsUpper(r[0]) {
			ui = Sentence(ui)
		}
		return ui
	})
}
