// Package rubylit is the only way text from a spec or a config reaches the
// generated Ruby. Everything that is not a fixed template token goes through
// Quote (a whole literal), DQBody (the literal part of an interpolated string),
// Key (a hash key) or Comment (a comment line).
//
// The rules are chosen so that no input can change the program's structure:
//   - single-quoted literals are used only for text whose every character is
//     printable and not a line break; inside them only \ and ' are special;
//   - anything else becomes a double-quoted literal in which \, ", # and every
//     non-printable or invisible character is escaped, so "#{...}", "#@x" and
//     "#$x" can never interpolate and no line break ever appears in the output
//     (which also rules out heredoc terminators, =begin and __END__ lines);
//   - bidirectional-control and zero-width characters are escaped even though
//     Ruby would accept them, so the connector reads the same in an editor as it
//     runs (no "Trojan Source" tricks);
//   - invalid UTF-8 is replaced with U+FFFD: Workato requires UTF-8 source.
package rubylit

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote returns a Ruby string literal whose value is exactly s (after invalid
// UTF-8 is replaced).
func Quote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if canSingleQuote(s) {
		var b strings.Builder
		b.Grow(len(s) + 2)
		b.WriteByte('\'')
		for _, r := range s {
			if r == '\\' || r == '\'' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('\'')
		return b.String()
	}
	return `"` + DQBody(s) + `"`
}

// DQBody escapes s for use between the double quotes of a Ruby string literal,
// typically next to #{...} interpolations the generator writes itself.
func DQBody(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '#':
			b.WriteString(`\#`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if needsEscape(r) {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// Comment makes s safe for the rest of a "# ..." line: line breaks and other
// invisible characters become spaces, so a comment can never end early.
func Comment(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if needsEscape(r) || r == '\t' {
			return ' '
		}
		return r
	}, s)
}

var labelKey = regexp.MustCompile(`^[a-z_][a-zA-Z0-9_]*$`)

// Key renders a hash key: `name:` when name is a plain Ruby label, otherwise
// `'name' =>`. The generator uses it for every key it did not hard-code.
func Key(name string) string {
	if labelKey.MatchString(name) {
		return name + ":"
	}
	return Quote(name) + " =>"
}

func canSingleQuote(s string) bool {
	for _, r := range s {
		if needsEscape(r) || r == '\n' || r == '\t' || r == '\r' {
			return false
		}
	}
	return true
}

// needsEscape reports characters that must not appear raw in generated code.
func needsEscape(r rune) bool {
	if r == utf8.RuneError {
		return false // the replacement character itself is printable
	}
	if r < 0x20 || r == 0x7f {
		return true
	}
	if isInvisible(r) {
		return true
	}
	return !unicode.IsPrint(r) && r != ' '
}

// isInvisible lists format characters that render as nothing or reorder text.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, // zero-width space/joiners, LRM, RLM
		r >= 0x2028 && r <= 0x202E, // line/paragraph separators, bidi embeddings
		r >= 0x2060 && r <= 0x2069, // word joiner, bidi isolates
		r == 0x061C, r == 0xFEFF, r == 0x00AD:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
