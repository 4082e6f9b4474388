# frozen_string_literal: true

require_relative 'helper'

# Brief item 1: eval of the file to a Hash with indifferent access; syntax and load
# errors reported per case with the connector's line.
class TestLoading < Minitest::Test
  include RuntimeTestHelpers

  def test_hash_with_indifferent_access_and_string_keys
    src = <<~RUBY
      # comment before the hash is fine
      {
        'title' => 'Strings',
        actions: { 'a' => { execute: lambda { |c, i| { 'x' => 1 } } } }
      }
    RUBY
    out = ok!(run_case(src, kind: 'describe'))
    assert_equal 'Strings', out['title']
    assert_equal ['a'], out['actions']
    assert_equal({ 'x' => 1 }, ok!(run_case(src, kind: 'action', name: :a, part: 'execute')))
  end

  def test_syntax_error_reports_connector_line
    src = "{\n  title: 'x',\n  actions: { a: { execute: lambda { |c| ) } } }\n}\n"
    err = error!(run_case(src, kind: 'describe'))
    assert_equal 'syntax', err['kind']
    assert_equal 'SyntaxError', err['class']
    assert_match(%r{connector\.rb:3: syntax error}, err['message'])
  end

  def test_load_error_reported_cleanly
    src = "{\n  title: Undefined::Thing\n}\n"
    err = error!(run_case(src, kind: 'describe'))
    assert_equal 'load', err['kind']
    assert_equal 'NameError', err['class']
    assert_match(/uninitialized constant/, err['message'])
    assert_match(/\Aconnector\.rb:2/, err['backtrace'].first)
  end

  def test_non_hash_is_a_load_error
    err = error!(run_case("[1, 2]\n", kind: 'describe'))
    assert_equal 'load', err['kind']
    assert_match(/must evaluate to a Hash, got Array/, err['message'])
  end

  def test_missing_file_is_a_load_error
    err = error!(run_case('/nonexistent/connector.rb', kind: 'describe'))
    assert_equal 'load', err['kind']
  end

  def test_require_byebug_is_tolerated
    src = "require 'byebug'\n{ title: 'dbg', test: lambda { |c| byebug; true } }\n"
    assert_equal 'dbg', ok!(run_case(src, kind: 'describe'))['title']
  end

  def test_reloaded_when_file_changes
    path = write_connector("{ title: 'one' }\n")
    assert_equal 'one', ok!(run_case(path, kind: 'describe'))['title']
    File.write(path, "{ title: 'second' }\n")
    assert_equal 'second', ok!(run_case(path, kind: 'describe'))['title']
  end

  # Constants resolve from Workato::Connector::Sdk::Connector as in the gem: a bare
  # RuntimeError in connector code is the SDK's, which error() raises.
  def test_connector_constants_resolve_in_sdk_scope
    out = ok!(run_action('lambda { |c| begin; error("boom"); rescue RuntimeError => e; { cls: e.class.name }; end }'))
    assert_equal 'Workato::Connector::Sdk::RuntimeError', out['cls']
  end

  def test_unknown_target_gives_clear_error
    err = error!(run_case(action_connector('lambda { {} }'), kind: 'action', name: 'nope', part: 'execute'))
    assert_match(/unknown action 'nope' \(connector defines: a\)/, err['message'])
    err = error!(run_case(action_connector('lambda { {} }'), kind: 'action', name: 'a', part: 'bogus'))
    assert_match(/unknown action part "bogus"/, err['message'])
    err = error!(run_case(action_connector('lambda { {} }'), kind: 'weird'))
    assert_match(/unknown target kind "weird"/, err['message'])
  end
end
