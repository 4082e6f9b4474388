# frozen_string_literal: true

require_relative 'helper'

# Brief item 4: test, methods via call, object_definitions (lazy, deep-dup, recursion).
class TestDefinitions < Minitest::Test
  include RuntimeTestHelpers

  def test_test_lambda
    SERVER.on('GET', '/me', body: '{"id":"me"}')
    src = "{ connection: { base_uri: lambda { |c| 'https://api.test/' } }, test: lambda { |connection| get('me') } }"
    assert_equal({ 'id' => 'me' }, ok!(run_case(src, kind: 'test')))
    assert_match(/no top-level 'test'/, error!(run_case('{ connection: { test: lambda { |c| 1 } } }', kind: 'test'))['message'])
  end

  def test_call_and_undefined_method
    src = "{ methods: { outer: lambda { |x| call('inner', x) + 1 }, inner: lambda { |x| x * 10 }, broken: lambda { call(:missing) }, notlambda: 'str' } }"
    assert_equal 31, ok!(run_case(src, kind: 'method', name: 'outer', args: [3]))
    err = error!(run_case(src, kind: 'method', name: 'broken'))
    assert_equal ['Workato::Connector::Sdk::UndefinedMethodError', "Method 'missing' does not exists"], err.values_at('class', 'message')
    err = error!(run_case(src, kind: 'method', name: 'notlambda'))
    assert_equal "Expected lambda for method 'notlambda' definition, got: String", err['message']
  end

  def test_object_definitions_lazy_composed_and_deep_duped
    src = <<~RUBY
      {
        object_definitions: {
          never: { fields: lambda { raise 'must not be evaluated' } },
          base: { fields: lambda { |connection, config_fields, object_definitions| [{ name: 'id', hint: config_fields['h'] }] } },
          composed: {
            fields: lambda do |connection, config_fields, object_definitions|
              mutated = object_definitions['base']
              mutated.first[:name] = 'changed'
              [{ name: 'child', type: 'object', properties: object_definitions['base'] }, { name: 'k', hint: connection['k'] }]
            end
          }
        }
      }
    RUBY
    out = ok!(run_case(src, kind: 'object_definition', name: 'composed', config_fields: { h: 'H' }, connection: { k: 'K' }))
    assert_equal [{ 'name' => 'child', 'type' => 'object', 'properties' => [{ 'name' => 'id', 'hint' => 'H' }] },
                  { 'name' => 'k', 'hint' => 'K' }], out
  end

  def test_object_definition_recursion_and_unknown
    src = <<~RUBY
      {
        object_definitions: {
          a: { fields: lambda { |c, cf, od| od['b'] } },
          b: { fields: lambda { |c, cf, od| od['a'] } },
          bad: { fields: lambda { |c, cf, od| od['ghost'] } }
        }
      }
    RUBY
    err = error!(run_case(src, kind: 'object_definition', name: 'a'))
    assert_equal ['Workato::Connector::Sdk::CircleReferenceObjectDefinitionError',
                  "Infinite recursion occurred in object definition for 'a'"], err.values_at('class', 'message')
    assert_equal "Cannot find object definition for 'ghost'", error!(run_case(src, kind: 'object_definition', name: 'bad'))['message']
  end

  def test_schema_helpers_on_object_definitions
    src = <<~RUBY
      {
        object_definitions: { task: { fields: lambda { |c, cf, od| [{ name: 'id' }, { name: 'name' }, { name: 'x' }] } } },
        actions: { a: { input_fields: lambda { |od| od['task'].only('id', 'name').required('name') + od['task'].ignored('id', 'name') },
                        execute: lambda { |c, i| i } } }
      }
    RUBY
    assert_equal [{ 'name' => 'id' }, { 'name' => 'name', 'optional' => false }, { 'name' => 'x' }],
                 ok!(run_case(src, kind: 'action', name: 'a', part: 'input_fields'))
  end
end
