# Evaluates a generated connector the way the Workato SDK does (eval of the
# file to a Hash) and reports its structure as JSON for the Go tests. Schema
# lambdas are called with stand-in arguments so the fields they return can be
# checked; no HTTP lambda (execute, test, poll) is ever called.
require 'json'

path, marker = ARGV
src = File.read(path)
connector = eval(src, TOPLEVEL_BINDING, path) # rubocop:disable Security/Eval

defs = Hash.new { |_h, _k| [] }
problems = []

check_fields = lambda do |where, fields|
  Array(fields).each do |f|
    unless f.is_a?(Hash)
      problems << "#{where}: field is #{f.class}"
      next
    end
    name = f[:name].to_s
    problems << "#{where}: field without name" if name.empty?
    problems << "#{where}.#{name}: no explicit optional" unless f.key?(:optional)
    problems << "#{where}.#{name}: bad name" unless name.match?(/\A[A-Za-z_][A-Za-z0-9_]*\z/)
    check_fields.call("#{where}.#{name}", f[:properties]) if f[:properties].is_a?(Array)
    check_fields.call("#{where}.#{name}(toggle)", [f[:toggle_field]]) if f[:toggle_field]
  end
end

schema = lambda do |fn, where|
  next [] unless fn.is_a?(Proc)
  args = [defs, {}, {}].take(fn.parameters.length)
  fields = fn.call(*args)
  check_fields.call(where, fields)
  fields
rescue NoMethodError => e
  problems << "#{where}: #{e.message}" unless e.name == :call
  []
end

report = {
  class: connector.class.name,
  keys: connector.keys.map(&:to_s),
  title: connector[:title],
  connection_fields: Array(connector.dig(:connection, :fields)).map { |f| f[:name] },
  auth_type: connector.dig(:connection, :authorization, :type),
  actions: {},
  triggers: {},
  pick_lists: (connector[:pick_lists] || {}).keys.map(&:to_s),
  pick_list_values: {},
  object_definitions: (connector[:object_definitions] || {}).keys.map(&:to_s),
  methods: (connector[:methods] || {}).keys.map(&:to_s),
  problems: problems
}
check_fields.call('connection', connector.dig(:connection, :fields))
(connector[:pick_lists] || {}).each do |name, fn|
  # Static lists only: request-backed ones call the HTTP DSL, which is not
  # here (NameError/NoMethodError), and are left to the replay harness.
  report[:pick_list_values][name] =
    begin
      fn.parameters.length <= 1 ? fn.call(*[{}].take(fn.parameters.length)) : nil
    rescue NameError
      nil
    end
end
(connector[:object_definitions] || {}).each do |name, od|
  schema.call(od[:fields], "object_definitions.#{name}")
end
(connector[:actions] || {}).each do |key, a|
  inputs = schema.call(a[:input_fields], "actions.#{key}.input")
  schema.call(a[:output_fields], "actions.#{key}.output")
  report[:actions][key] = {
    keys: a.keys.map(&:to_s),
    title: a[:title],
    subtitle: a[:subtitle],
    inputs: Array(inputs).map { |f| f[:name] },
    input_hints: Array(inputs).map { |f| f[:hint] },
    execute_params: a[:execute].parameters.map(&:last),
    help: a[:help].call({}, {})
  }
end
(connector[:triggers] || {}).each do |key, t|
  schema.call(t[:input_fields], "triggers.#{key}.input")
  report[:triggers][key] = { keys: t.keys.map(&:to_s), title: t[:title] }
end
report[:marker_exists] = marker && File.exist?(marker)
STDOUT.write(JSON.generate(report))
