package rubylit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuote(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `''`},
		{"plain", `'plain'`},
		{"it's", `'it\'s'`},
		{`back\slash`, `'back\\slash'`},
		{"#{system('x')}", `'#{system(\'x\')}'`}, // single quotes never interpolate
		{"line1\nline2", `"line1\nline2"`},
		{"tab\there #{x}", `"tab\there \#{x}"`},
		{"quote \" and \\", `'quote " and \\'`},
		{"nl \" #@x #$y", `'nl " #@x #$y'`},
		{"nl\n\" #@x #$y", `"nl\n\" \#@x \#$y"`},
		{"\x00nul", `"\u{0}nul"`},
		{"éàü 日本", `'éàü 日本'`},
		{"rtl\u202eevil", `"rtl\u{202e}evil"`},
		{"bad\xffutf8", "'bad\uFFFDutf8'"},
		{"end\n=begin\n__END__\n<<~EOS", `"end\n=begin\n__END__\n<<~EOS"`},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"title", "title:"},
		{"_x1", "_x1:"},
		{"end", "end:"},
		{"Title", `'Title' =>`},
		{"form value", `'form value' =>`},
		{"a'b", `'a\'b' =>`},
		{"1abc", `'1abc' =>`},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestComment(t *testing.T) {
	got := Comment("a\nb\rc\u2028d\te")
	if strings.ContainsAny(got, "\n\r\u2028\t") {
		t.Fatalf("Comment left a line break: %q", got)
	}
}

// decode is an independent reading of the literals Quote produces, following
// Ruby's rules for the escapes Quote uses. The fuzz target checks that every
// literal decodes back to its input and contains nothing Ruby would evaluate.
func decode(lit string) (string, error) {
	if len(lit) < 2 {
		return "", fmt.Errorf("too short")
	}
	q := lit[0]
	if lit[len(lit)-1] != q || (q != '\'' && q != '"') {
		return "", fmt.Errorf("bad delimiters in %q", lit)
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\n' || c == '\r':
			return "", fmt.Errorf("raw line break in literal")
		case c == q:
			return "", fmt.Errorf("unescaped delimiter at %d", i)
		case q == '"' && c == '#' && i+1 < len(body) && strings.IndexByte("{@$", body[i+1]) >= 0:
			return "", fmt.Errorf("interpolation at %d", i)
		case c == '\\':
			i++
			if i >= len(body) {
				return "", fmt.Errorf("dangling backslash")
			}
			e := body[i]
			if q == '\'' {
				if e != '\\' && e != '\'' {
					b.WriteByte('\\')
				}
				b.WriteByte(e)
				continue
			}
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '"', '#':
				b.WriteByte(e)
			case 'u':
				end := strings.IndexByte(body[i:], '}')
				if end < 0 || body[i+1] != '{' {
					return "", fmt.Errorf("bad \\u escape")
				}
				var r rune
				if _, err := fmt.Sscanf(body[i+2:i+end], "%x", &r); err != nil {
					return "", err
				}
				b.WriteRune(r)
				i += end
			default:
				return "", fmt.Errorf("unexpected escape \\%c", e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "a", "#{x}", "'", "\"", "\\", "\n", "end", "<<~EOS\nEOS", "é", "\u202e", "\x00", "#@x", "#$x", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := Quote(s)
		got, err := decode(lit)
		if err != nil {
			t.Fatalf("Quote(%q) = %s: %v", s, lit, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if got != want {
			t.Fatalf("Quote(%q) = %s decodes to %q", s, lit, got)
		}
		if !utf8.ValidString(lit) {
			t.Fatalf("Quote(%q) produced invalid UTF-8", s)
		}
		if c := Comment(s); strings.ContainsAny(c, "\n\r") {
			t.Fatalf("Comment(%q) = %q has a line break", s, c)
		}
	})
}

// TestQuoteWithRuby asks the real Ruby parser to read every tricky literal
// back and compares byte for byte. It also proves nothing inside executed: the
// payloads would create a marker file.
func TestQuoteWithRuby(t *testing.T) {
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		t.Fatal("ruby not found: install it with apt-get install -y ruby ruby-activesupport")
	}
	dir := t.TempDir()
	marker := filepath.Join(dir, "pwned")
	inputs := []string{
		"plain", "it's", `back\slash`, "line1\nline2", "tab\t", "\x00nul\x01\x7f",
		"#{File.write(" + fmt.Sprintf("%q", marker) + ", 'x')}",
		"\"#{File.write(" + fmt.Sprintf("%q", marker) + ", 'x')}\"",
		"'; File.write(" + fmt.Sprintf("%q", marker) + ", 'x'); '",
		"#@x #$0 #{1+1}", "end\n=begin\nx\n=end\n__END__\n<<~EOS\nEOS",
		"éàü 日本 🚀", "rtl\u202eevil\u2028sep\u200bzw", "\\\"", "\\'", "'\\",
	}
	var src strings.Builder
	src.WriteString("STDOUT.binmode\nvals = [\n")
	for _, in := range inputs {
		src.WriteString("  " + Quote(in) + ",\n")
	}
	src.WriteString("]\nvals.each { |v| STDOUT.write([v.bytesize].pack('N') + v.b) }\n")
	file := filepath.Join(dir, "lits.rb")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ruby, "--disable-gems", file).Output()
	if err != nil {
		t.Fatalf("ruby failed: %v\n%s", err, src.String())
	}
	for i, in := range inputs {
		if len(out) < 4 {
			t.Fatalf("short output at %d", i)
		}
		n := int(out[0])<<24 | int(out[1])<<16 | int(out[2])<<8 | int(out[3])
		got := string(out[4 : 4+n])
		out = out[4+n:]
		if got != in {
			t.Errorf("ruby read %s as %q, want %q", Quote(in), got, in)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a payload executed: marker file exists")
	}
}
