# Reads a JSON list of {"name", "source"} on stdin and reports, as one JSON
# list, whether each source parses and is exactly one hash literal (what
# Workato's console and the SDK gem accept: a connector file is eval'ed to a
# Hash), with the hash's top-level keys. Nothing is executed: the abstract
# syntax tree is only parsed, which is also several times faster than Ripper.
require 'json'

def top_keys(hash_node)
  list = hash_node.children[0]
  return [] unless list

  list.children.each_slice(2).map do |key, _value|
    next nil unless key
    case key.type
    when :LIT, :STR then key.children[0].to_s
    else key.type.to_s
    end
  end.compact
end

results = JSON.parse(STDIN.read).map do |item|
  begin
    root = RubyVM::AbstractSyntaxTree.parse(item['source'])
    body = root.children[2]
    if body.nil?
      { ok: false, line: 1, message: 'expected one hash literal, found nothing' }
    elsif body.type != :HASH
      found = body.type == :BLOCK ? "#{body.children.length} top-level expressions" : "a #{body.type.to_s.downcase} expression"
      { ok: false, line: body.first_lineno, message: "expected exactly one hash literal, found #{found}" }
    else
      { ok: true, keys: top_keys(body) }
    end
  rescue SyntaxError => e
    # The tree parser's message has no line; compiling (slower, only on this
    # failure path) reports "name:LINE: ...".
    message = e.message
    begin
      RubyVM::InstructionSequence.compile(item['source'], item['name'])
    rescue SyntaxError => detailed
      message = detailed.message
    end
    line = message[/:(\d+):/, 1].to_i
    { ok: false, line: line, message: message.sub(/\A.*?:\d+:\s*/, '').lines.first.to_s.strip }
  end
end
STDOUT.write(JSON.generate(results))
