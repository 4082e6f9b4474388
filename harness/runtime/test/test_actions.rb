# frozen_string_literal: true

require_relative 'helper'

# Brief item 3: the full action invoke of §3.1, the other action parts, schema defaults
# and the gem's retry loop.
class TestActions < Minitest::Test
  include RuntimeTestHelpers

  def invoke(execute, fields:, output: '[]', action_extra: '', top_extra: '', **msg)
    extra = "input_fields: lambda { |object_definitions, connection, config_fields| #{fields} },\n" \
            "output_fields: lambda { |object_definitions| #{output} },\n#{action_extra}"
    run_action(execute, part: 'invoke', action_extra: extra, top_extra: top_extra, **msg)
  end

  def test_input_fields_see_input_as_config_fields
    out = ok!(invoke('lambda { |c, input| input }',
                     fields: "config_fields['mode'] == 'x' ? [{ name: 'x_only' }] : [{ name: 'other' }]",
                     action_extra: "config_fields: [{ name: 'mode' }],",
                     input: { mode: 'x', x_only: 1, other: 2 }))
    assert_equal({ 'mode' => 'x', 'x_only' => 1 }, out)
  end

  # OBS: undeclared top-level keys (tags/owner) were removed from the POST body; toggle
  # field names count as declared.
  def test_undeclared_top_level_input_is_trimmed
    SERVER.on('POST', '/v1/runs')
    fields = "[{ name: 'name' }, { name: 'status', control_type: 'select', pick_list: [['A','a']], toggle_hint: 'Select', " \
             "toggle_field: { name: 'status_text', type: 'string', toggle_hint: 'Custom' } }, " \
             "{ name: 'meta', type: 'object', properties: [{ name: 'k' }] }]"
    ok!(invoke("lambda { |c, input| post('runs', input) }", fields: fields,
               input: { name: 'n', tags: ['x'], owner: 'o', status_text: 's', meta: { k: 1, extra: 2 } }))
    assert_equal({ 'name' => 'n', 'status_text' => 's', 'meta' => { 'k' => 1, 'extra' => 2 } }, SERVER.requests.last.json)
  end

  def test_execute_part_skips_schema
    out = ok!(run_action('lambda { |c, input| input }', action_extra: "input_fields: lambda { [{ name: 'a' }] },",
                                                        input: { a: 1, b: '2' }))
    assert_equal({ 'a' => 1, 'b' => '2' }, out)
  end

  def test_required_field_messages
    fields = "[{ name: 'blueprint_id', optional: false }]"
    err = error!(invoke('lambda { |c, i| i }', fields: fields, input: {}))
    assert_equal ['Workato::Connector::Sdk::MissingRequiredInput', "'Blueprint ID' must be present", 'missing_input'],
                 err.values_at('class', 'message', 'kind')
    assert_equal 'missing_input', error!(invoke('lambda { |c, i| i }', fields: fields, input: { blueprint_id: nil }))['kind']

    toggle = "[{ name: 'status', label: 'Status', optional: false, toggle_hint: 'Select', " \
             "toggle_field: { name: 'status_id', label: 'Status ID', type: 'string' } }]"
    assert_equal "Either 'Status' or 'Status ID' must be present",
                 error!(invoke('lambda { |c, i| i }', fields: toggle, input: {}))['message']
    assert_equal({ 'status_id' => 'x' }, ok!(invoke('lambda { |c, i| i }', fields: toggle, input: { status_id: 'x' })))
  end

  # The gem's check: present?, or false, or a non-empty String — so false and " " count
  # as present while "" and nil do not.
  def test_false_counts_as_present_and_optional_defaults_to_true
    fields = "[{ name: 'flag', type: 'boolean', optional: false }, { name: 's', optional: false }, { name: 'free' }]"
    assert_equal({ 'flag' => false, 's' => ' ' }, ok!(invoke('lambda { |c, i| i }', fields: fields, input: { flag: false, s: ' ' })))
    assert_equal "'S' must be present", error!(invoke('lambda { |c, i| i }', fields: fields, input: { flag: false, s: '' }))['message']
  end

  def test_convert_input_builtins_nested_and_methods
    fields = <<~RUBY.tr("\n", ' ')
      [{ name: 'n', type: 'integer', convert_input: 'integer_conversion' },
       { name: 'f', type: 'number', convert_input: 'float_conversion' },
       { name: 'b', type: 'boolean', convert_input: 'boolean_conversion' },
       { name: 'obj', type: 'object', properties: [{ name: 'deep', convert_input: 'integer_conversion' }] },
       { name: 'list', type: 'array', of: 'object', properties: [{ name: 'v', render_input: 'float_conversion' }] },
       { name: 'ids', type: 'array', of: 'string', convert_input: 'upcase_it' },
       { name: 'when', type: 'date_time' },
       { name: 'ts', convert_input: 'render_iso8601_timestamp' }]
    RUBY
    top = "methods: { upcase_it: lambda { |v| v.is_a?(Array) ? v.join(',') : v.upcase } },"
    input = { n: '12', f: '1.5', b: 'yes', obj: { deep: '7' }, list: [{ v: '2' }, { v: '3.5' }], ids: %w[a b],
              when: '2024-01-02T03:04:05Z', ts: '2024-05-06 07:08:09 +02:00' }
    out = ok!(invoke('lambda { |c, i| i.merge(classes: i.values.map { |v| v.class.name }) }', fields: fields,
                                                                                              top_extra: top, input: input))
    assert_equal 12, out['n']
    assert_equal 1.5, out['f']
    assert_equal true, out['b']
    assert_equal({ 'deep' => 7 }, out['obj'])
    assert_equal [{ 'v' => 2.0 }, { 'v' => 3.5 }], out['list']
    assert_equal 'A,B', out['ids'] # per element, then on the whole array
    assert_equal '2024-01-02T03:04:05.000Z', out['when']
    assert_equal 'Time', out['classes'][6]
    assert_equal '2024-05-06T05:08:09+00:00', out['ts'] # String#to_time(:local), TZ=UTC
  end

  def test_date_time_input_without_offset_is_pacific
    out = ok!(invoke('lambda { |c, i| { t: i[:when].iso8601 } }', fields: "[{ name: 'when', type: 'date_time' }]",
                                                                  input: { when: '2024-01-02 03:04:05' }))
    assert_equal '2024-01-02T03:04:05-08:00', out['t']
  end

  def test_unknown_converter
    err = error!(invoke('lambda { |c, i| i }', fields: "[{ name: 'x', convert_input: 'nope' }]", input: { x: '1' }))
    assert_equal ['Workato::Connector::Sdk::ArgumentError', "Cannot find converter 'nope'."], err.values_at('class', 'message')
  end

  def test_boolean_conversion_rejects_garbage
    err = error!(invoke('lambda { |c, i| i }', fields: "[{ name: 'b', convert_input: 'boolean_conversion' }]", input: { b: 'maybe' }))
    assert_equal "Can't convert string value maybe to boolean", err['message']
  end

  def test_output_converted_by_type_defaults_without_trimming
    output = "[{ name: 'count', type: 'integer' }, { name: 'price', type: 'number' }, { name: 'at', type: 'date_time' }, " \
             "{ name: 'day', type: 'date' }, { name: 'items', type: 'array', of: 'object', properties: [{ name: 'n', type: 'integer' }] }, " \
             "{ name: 'custom', convert_output: 'wrap_it' }]"
    execute = "lambda { |c, i| { count: '12', price: '9.5', at: '2024-01-02T03:04:05Z', day: '2024-02-03', items: [{ n: '4' }], " \
              "custom: 'x', undeclared: 'kept' } }"
    out = ok!(invoke(execute, fields: '[]', output: output, top_extra: "methods: { wrap_it: lambda { |v| [v] } },"))
    assert_equal({ 'count' => 12, 'price' => 9.5, 'at' => '2024-01-02T03:04:05.000Z', 'day' => '2024-02-03',
                   'items' => [{ 'n' => 4 }], 'custom' => ['x'], 'undeclared' => 'kept' }, out)
  end

  def test_invoke_resolves_lazy_requests_in_output
    SERVER.on('GET', '/v1/x', body: '{"id":"3"}')
    out = ok!(invoke("lambda { |c, i| { a: get('x'), list: [get('x')] } }", fields: '[]',
                     output: "[{ name: 'a', type: 'object', properties: [{ name: 'id', type: 'integer' }] }]"))
    assert_equal({ 'a' => { 'id' => 3 }, 'list' => [{ 'id' => '3' }] }, out)
  end

  def test_input_output_fields_and_sample_output_parts
    src = action_connector('lambda { |c, i| {} }', action_extra: <<~RUBY)
      input_fields: lambda { |od, c, cf| [{ name: 'in', hint: cf['h'] }] },
      output_fields: lambda { |od| od['thing'] },
      sample_output: lambda { |c, i| { id: 1, from: i['x'] } },
    RUBY
    src = src.sub("title: 'Test',", "title: 'Test', object_definitions: { thing: { fields: lambda { |c, cf, od| [{ name: 'id' }] } } },")
    assert_equal [{ 'name' => 'in', 'hint' => 'H' }], ok!(run_case(src, kind: 'action', name: 'a', part: 'input_fields', config_fields: { h: 'H' }))
    assert_equal [{ 'name' => 'id' }], ok!(run_case(src, kind: 'action', name: 'a', part: 'output_fields'))
    assert_equal({ 'id' => 1, 'from' => 'y' }, ok!(run_case(src, kind: 'action', name: 'a', part: 'sample_output', input: { x: 'y' })))
  end

  # Retry: only RequestFailedError, whole execute re-run, codes default, GET/HEAD default.
  def test_retry_on_response_reruns_whole_execute
    SERVER.on('GET', '/v1/flaky', responses: [[503, {}, ''], [503, {}, ''], [200, {}, '{"ok":1}']])
    SERVER.on('GET', '/v1/count')
    result = run_action("lambda { |c| get('count').presence; get('flaky') }", action_extra: 'retry_on_response: [503],')
    assert_equal({ 'ok' => 1 }, ok!(result))
    assert_equal 2, result['retries']
    assert_equal %w[/v1/count /v1/flaky] * 3, SERVER.requests.map(&:path)
  end

  def test_retry_defaults_and_limits
    SERVER.on('*', '/v1/fail', status: 500, body: 'server exploded')
    # Matchers only: codes default to [429, 500, 502, 503, 504, 507]; clamp to 3.
    result = run_action("lambda { |c| get('fail') }", action_extra: "retry_on_response: [/exploded/], max_retries: 10,")
    assert_equal 3, result['retries']
    assert_equal 4, SERVER.requests.length
    SERVER.reset!
    SERVER.on('*', '/v1/fail', status: 500, body: 'server exploded')
    # POST is not retried unless listed in retry_on_request.
    assert_equal 0, run_action("lambda { |c| post('fail') }", action_extra: 'retry_on_response: [500],')['retries']
    assert_equal 1, run_action("lambda { |c| post('fail') }",
                               action_extra: "retry_on_response: [500], retry_on_request: ['POST'], max_retries: 1,")['retries']
    # A matcher that does not match: no retry; without retry_on_response: none either.
    assert_equal 0, run_action("lambda { |c| get('fail') }", action_extra: "retry_on_response: [500, 'other'],")['retries']
    assert_equal 0, run_action("lambda { |c| get('fail') }", action_extra: 'max_retries: 2,')['retries']
    # error() is not a RequestFailedError: never retried.
    assert_equal 0, run_action("lambda { |c| error('no') }", action_extra: 'retry_on_response: [500],')['retries']
  end

  def test_retry_sleeps_are_scaled
    SERVER.on('GET', '/v1/fail', status: 429, body: '')
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    result = run_action("lambda { |c| get('fail') }", action_extra: 'retry_on_response: [429], max_retries: 2,',
                                                      retry_delay_scale: 0.01)
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_equal 2, result['retries']
    assert_operator elapsed, :>=, 0.15 # 5 s + 10 s, scaled by 0.01
  end

  def test_reinvoke_after
    out = ok!(run_action("lambda { |c, i, eis, eos, cont| n = cont['n'].to_i; n < 2 ? reinvoke_after(seconds: 100, continue: { n: n + 1 }) : { n: n } }"))
    assert_equal({ 'n' => 2 }, out)
  end
end
