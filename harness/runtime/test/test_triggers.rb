# frozen_string_literal: true

require_relative 'helper'

# Brief item 5: poll / poll_page / dedup / webhook_* with the gem's arguments.
class TestTriggers < Minitest::Test
  include RuntimeTestHelpers

  def trigger(body)
    "{ connection: { base_uri: lambda { |c| 'https://api.test/' } }, triggers: { t: { #{body} } } }"
  end

  # OBS §6.1: pages [11,12], [21,22] → [22,21,12,11], next_poll 3, can_poll_more false.
  def test_poll_reverses_each_page_and_prepends_later_pages
    src = trigger(<<~RUBY)
      poll: lambda do |connection, input, closure|
        page = closure.to_i
        events = page.zero? ? [{ id: 11 }, { id: 12 }] : [{ id: 21 }, { id: 22 }]
        { events: events, next_poll: page + 1 + (page.zero? ? 0 : 1), can_poll_more: page.zero? }
      end
    RUBY
    out = ok!(run_case(src, kind: 'trigger', name: 't', part: 'poll'))
    assert_equal [22, 21, 12, 11], out['events'].map { |e| e['id'] }
    assert_equal 3, out['next_poll']
    assert_equal false, out['can_poll_more']
  end

  def test_poll_page_uses_closure_and_keeps_it_when_next_poll_blank
    src = trigger("poll: lambda { |c, input, closure| { events: [1, 2], next_poll: nil, can_poll_more: true, seen: [input['since'], closure] } }")
    out = ok!(run_case(src, kind: 'trigger', name: 't', part: 'poll_page', input: { since: 's' }, closure: { 'cursor' => 'c1' }))
    assert_equal [2, 1], out['events']
    assert_equal({ 'cursor' => 'c1' }, out['next_poll'])
    assert_equal true, out['can_poll_more']
    assert_equal ['s', { 'cursor' => 'c1' }], out['seen']
  end

  def test_poll_with_requests_and_invalid_output
    SERVER.on('GET', '/items', body: '{"data":[{"id":1}]}')
    src = trigger("poll: lambda { |c, i, closure| { events: get('items')['data'], next_poll: 'x' } }")
    assert_equal [{ 'id' => 1 }], ok!(run_case(src, kind: 'trigger', name: 't', part: 'poll'))['events']
    err = error!(run_case(trigger('poll: lambda { |c| [1] }'), kind: 'trigger', name: 't', part: 'poll_page'))
    assert_equal 'Workato::Connector::Sdk::InvalidTriggerPollOutputError', err['class']
  end

  def test_dedup
    src = trigger("dedup: lambda { |record| \"\#{record['id']}@\#{record['updated_at']}\" }")
    assert_equal '1@t', ok!(run_case(src, kind: 'trigger', name: 't', part: 'dedup', record: { id: 1, updated_at: 't' }))
  end

  def test_webhook_subscribe_arguments
    SERVER.on('POST', '/hooks', body: '{"id":"h1"}')
    src = trigger("webhook_subscribe: lambda { |webhook_url, connection, input, recipe_id| post('hooks', url: webhook_url, room: input['room'], name: \"r \#{recipe_id}\", k: connection['k']) }")
    out = ok!(run_case(src, kind: 'trigger', name: 't', part: 'webhook_subscribe', input: { room: 'R' }, connection: { k: 'K' },
                            webhook: { url: 'https://example.test/hook', recipe_id: 'recipe-1' }))
    assert_equal({ 'id' => 'h1' }, out)
    assert_equal({ 'url' => 'https://example.test/hook', 'room' => 'R', 'name' => 'r recipe-1', 'k' => 'K' }, SERVER.requests.last.json)
  end

  def test_webhook_unsubscribe_gets_only_the_subscribe_output
    SERVER.on('DELETE', '/hooks/h1', status: 204, body: '')
    src = trigger("webhook_unsubscribe: lambda { |webhook_subscribe_output| delete(\"hooks/\#{webhook_subscribe_output['id']}\") }")
    assert_equal({}, ok!(run_case(src, kind: 'trigger', name: 't', part: 'webhook_unsubscribe', webhook: { subscribe_output: { id: 'h1' } })))
    assert_equal '/hooks/h1', SERVER.requests.last.path
  end

  def test_webhook_notification_arguments_and_reduced_context
    src = trigger(<<~RUBY)
      webhook_notification: lambda do |input, payload, eis, eos, headers, params, connection, webhook_subscribe_output|
        { input: input, data: payload['data'], eis: eis, eos: eos, sig: headers['X-Sig'], p: params['a'],
          k: connection['k'], wso: webhook_subscribe_output['id'], now: now.is_a?(ActiveSupport::TimeWithZone) }
      end
    RUBY
    out = ok!(run_case(src, kind: 'trigger', name: 't', part: 'webhook_notification', input: { i: 1 }, connection: { k: 'K' },
                            webhook: { payload: { data: [1] }, headers: { 'X-Sig' => 's' }, params: { a: 'b' },
                                       subscribe_output: { id: 'h' } }))
    assert_equal({ 'input' => { 'i' => 1 }, 'data' => [1], 'eis' => [], 'eos' => [], 'sig' => 's', 'p' => 'b', 'k' => 'K',
                   'wso' => 'h', 'now' => true }, out)
    %w[get('x') call(:m) error('e')].each do |forbidden|
      err = error!(run_case(trigger("webhook_notification: lambda { |input, payload| #{forbidden} }"),
                            kind: 'trigger', name: 't', part: 'webhook_notification', webhook: { payload: {} }))
      assert_equal 'NoMethodError', err['class'], forbidden
    end
  end

  def test_trigger_schema_parts
    src = trigger("input_fields: lambda { |od, c, cf| [{ name: 'since' }] }, output_fields: lambda { [{ name: 'id' }] }, " \
                  "sample_output: lambda { |c, i| { id: 1 } }")
    assert_equal [{ 'name' => 'since' }], ok!(run_case(src, kind: 'trigger', name: 't', part: 'input_fields'))
    assert_equal [{ 'name' => 'id' }], ok!(run_case(src, kind: 'trigger', name: 't', part: 'output_fields'))
    assert_equal({ 'id' => 1 }, ok!(run_case(src, kind: 'trigger', name: 't', part: 'sample_output')))
  end
end
