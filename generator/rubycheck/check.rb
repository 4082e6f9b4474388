# Reads Ruby source on stdin and reports, as one JSON line, whether it
# compiles and is exactly one hash literal (what Workato's console and the SDK
# gem accept: the connector file is eval'ed to a Hash). Nothing is executed:
# compiling and Ripper only parse.
require 'ripper'
require 'json'

src = STDIN.read
name = ARGV[0] || 'connector.rb'
result =
  begin
    RubyVM::InstructionSequence.compile(src, name)
    sexp = Ripper.sexp(src)
    stmts = sexp && sexp[0] == :program ? sexp[1].reject { |s| s == [:void_stmt] } : []
    if stmts.length != 1 || stmts[0][0] != :hash
      found = stmts.map { |s| s[0].to_s }.join(', ')
      { ok: false, line: 1, message: "expected exactly one hash literal, found #{found.empty? ? 'nothing' : found}" }
    else
      assocs = (stmts[0][1] && stmts[0][1][1]) || []
      keys = assocs.map do |assoc|
        key = assoc[1]
        if key && key[0] == :@label
          key[1].chomp(':')
        else
          key.flatten.find { |part| part.is_a?(String) }
        end
      end
      { ok: true, keys: keys }
    end
  rescue SyntaxError => e
    line = e.message[/:(\d+):/, 1].to_i
    { ok: false, line: line, message: e.message.sub(/\A.*?:\d+:\s*/, '').lines.first.to_s.strip }
  end
STDOUT.write(JSON.generate(result))
