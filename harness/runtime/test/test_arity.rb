# frozen_string_literal: true

require_relative 'helper'

# Brief item 2: args.take(parameters.length); too many required parameters raise
# ArgumentError; lambdas run via instance_exec so DSL functions are bare calls.
class TestArity < Minitest::Test
  include RuntimeTestHelpers

  def test_execute_gets_at_most_declared_arguments
    assert_equal 0, ok!(run_action('lambda { 0 }'))
    assert_equal({ 'k' => 'v' }, ok!(run_action('lambda { |c| c }', connection: { k: 'v' })))
    out = ok!(run_action('lambda { |c, i, eis, eos, cont| [i, eis, eos, cont] }', input: { x: 1 }))
    assert_equal [{ 'x' => 1 }, [], [], {}], out
  end

  def test_proc_with_fewer_parameters_and_optional_ones
    # parameters.length counts the splat as one: 3 of the 5 arguments arrive.
    assert_equal [{ 'x' => 1 }, 1], ok!(run_action('proc { |c, i, *rest| [i, rest.length] }', input: { x: 1 }))
    assert_equal [1, nil], ok!(run_case('{ methods: { m: proc { |a, b| [a, b] } } }', kind: 'method', name: 'm', args: [1]))
  end

  def test_lambda_declaring_more_required_parameters_raises_argument_error
    src = <<~RUBY
      {
        triggers: {
          t: { webhook_unsubscribe: lambda { |webhook_subscribe_output, connection| 1 } }
        }
      }
    RUBY
    err = error!(run_case(src, kind: 'trigger', name: 't', part: 'webhook_unsubscribe',
                               webhook: { subscribe_output: { id: 1 } }))
    assert_equal 'ArgumentError', err['class']
    assert_equal 'wrong number of arguments (given 1, expected 2)', err['message']
  end

  def test_dsl_functions_are_bare_calls
    out = ok!(run_action('lambda { |c| { m: call(:double, 21), blank: blank, u: uuid.length } }',
                         top_extra: 'methods: { double: lambda { |x| x * 2 } },'))
    assert_equal({ 'm' => 42, 'blank' => '', 'u' => 36 }, out)
  end

  def test_method_arity_truncation_and_positional_args
    src = "{ methods: { m: lambda { |a| a }, none: lambda { 'n' } } }"
    assert_equal 1, ok!(run_case(src, kind: 'method', name: 'm', args: [1, 2, 3]))
    assert_equal 'n', ok!(run_case(src, kind: 'method', name: 'none', args: [1]))
  end

  def test_pick_list_arity_zero_one_and_kwargs
    src = <<~RUBY
      {
        pick_lists: {
          zero: lambda { [['A', 'a']] },
          one: lambda { |connection| [[connection['k'], 'v']] },
          kw: lambda { |connection, workspace_id:| [[workspace_id, connection['k']]] }
        }
      }
    RUBY
    assert_equal [%w[A a]], ok!(run_case(src, kind: 'pick_list', name: 'zero'))
    assert_equal [%w[K v]], ok!(run_case(src, kind: 'pick_list', name: 'one', connection: { k: 'K' }))
    assert_equal [%w[w1 K]], ok!(run_case(src, kind: 'pick_list', name: 'kw', connection: { k: 'K' },
                                                args: [{ workspace_id: 'w1' }]))
    err = error!(run_case(src, kind: 'pick_list', name: 'kw', args: []))
    assert_equal 'ArgumentError', err['class']
  end
end
