# frozen_string_literal: true

require_relative 'helper'

# Brief item 10 (helpers): String/Hash/Array/Enumerable extensions, workato.* and the
# bare DSL helpers, plus error().
class TestExtensions < Minitest::Test
  include RuntimeTestHelpers

  def eval_in_action(expr)
    ok!(run_action("lambda { |c| #{expr} }"))
  end

  def test_string_extensions
    assert_equal 'a%20b%2Fc~_.-', 'a b/c~_.-'.encode_url
    assert_equal 'a b', 'a+b'.decode_url
    assert_equal [true, false, true, false, false], ['12', '1.5', '-3', 'x', ''].map(&:is_int?).values_at(0, 1, 0, 3, 4)
    assert_equal [true, true, true, false, false], ['12', '1.5', '-3e2', 'x', ''].map(&:is_number?)
    assert_equal [true, true, false, false], %w[yes T no 0].map(&:is_true?)
    assert_raises(RuntimeError) { 'maybe'.is_true? }
    assert_equal ['Blueprint ID', 'Created at', 'First name', 'Concatenated 42 numbers', 'MIXED case', 'Image URL'],
                 %w[blueprint_id created_at firstName concatenated42numbers MIXEDCase image_url].map(&:labelize)
    assert_equal 'Run ID', :run_id.labelize
    assert_equal 'bold text', '<b>bold</b> <i>text</i><!-- c -->'.strip_tags
    assert_equal 'aGk=', 'hi'.encode_base64
    assert_equal 'hi', 'aGk='.decode_base64
    assert_equal Digest::SHA256.digest('x'), 'x'.encode_sha256
    assert_equal OpenSSL::HMAC.hexdigest('SHA256', 'k', 'msg'), 'msg'.hmac_sha256('k').to_hex
    assert_equal %w[a b], ' a, ,b '.split_strip_compact(',')
    assert_equal Time.utc(2024, 3, 1), '01/03/2024'.to_time(format: 'DD/MM/YYYY')
    assert_equal Date.new(2024, 3, 1), '2024-03-01'.to_date
    assert_equal Date.new(2024, 3, 1), '03-01-2024'.to_date(format: 'MM-DD-YYYY')
    assert_equal "it''s", "it's".quote
    err = assert_raises(Workato::Connector::Sdk::ArgumentError) { 'a' + nil } # rubocop:disable Style/StringConcatenation
    assert_equal 'Cannot concatenate string with nil', err.message
  end

  def test_hash_array_enumerable_extensions
    assert_equal 'status=a&status=b&x', { status: %w[a b], x: nil }.encode_www_form
    list = [{ 'id' => 1, 'name' => 'a', 'meta' => { 'n' => 5 } }, { 'id' => 2, 'name' => 'b', 'meta' => { 'n' => 7 } }]
    assert_equal [1, 2], list.pluck('id')
    assert_equal [[1, 'a'], [2, 'b']], list.pluck('id', 'name')
    assert_equal [5, 7], list.pluck(%w[meta n])
    assert_equal [{ 'id' => 2, 'name' => 'b', 'meta' => { 'n' => 7 } }], list.where('id >' => 1).to_a
    assert_equal [2], list.where('meta.n' => 7).pluck('id')
    assert_equal [1], list.where('name' => %w[a z]).pluck('id')
    assert_equal [1], list.where.not('id' => 2).pluck('id')
    assert_equal ['1-a', '2-b'], [[1, 'a'], [2, 'b']].format_map('%s-%s')
    assert_equal 'a, b', ['a ', nil, '', ' b'].smart_join(', ')
    assert_equal 2, [1, 2, 3].transform_find { |x| x * 2 if x > 1 } / 2
    assert_equal "a,b\n1,2\n", [%w[a b], [1, 2]].to_csv
    assert_equal [true, false], [1.is_int?, nil.is_number?]
  end

  def test_workato_helpers
    out = ok!(run_action(<<~RUBY))
      lambda do |c|
      jwt = workato.jwt_encode({ sub: '1' }, 'secret', 'HS256')
      {
        json: workato.parse_json('{"a":[1]}'),
        bare_json: parse_json('[2]'),
        passthrough: workato.parse_json({ 'x' => 1 }),
        uuid: workato.uuid.match?(/\\A\\h{8}-\\h{4}-\\h{4}-\\h{4}-\\h{12}\\z/),
        yaml: workato.parse_yaml(workato.render_yaml({ 'k' => [1, 2] })),
        csv: workato.csv.parse("a,b\\n1,2\\n", headers: true),
        jwt: jwt
      }
      end
    RUBY
    assert_equal({ 'a' => [1] }, out['json'])
    assert_equal [2], out['bare_json']
    assert_equal({ 'x' => 1 }, out['passthrough'])
    assert_equal true, out['uuid']
    assert_equal({ 'k' => [1, 2] }, out['yaml'])
    assert_equal [{ 'a' => '1', 'b' => '2' }], out['csv']
    header, payload, signature = out['jwt'].split('.')
    assert_equal '{"alg":"HS256","typ":"JWT"}', Base64.urlsafe_decode64(header)
    assert_equal '{"sub":"1"}', Base64.urlsafe_decode64(payload)
    expected = Base64.urlsafe_encode64(OpenSSL::HMAC.digest('SHA256', 'secret', "#{header}.#{payload}"), padding: false)
    assert_equal expected, signature
  end

  def test_unknown_and_unsupported_helpers_raise_clearly
    err = error!(run_action('lambda { |c| workato.frobnicate(1) }'))
    assert_equal ['Workato::Connector::Sdk::UndefinedStdLibMethodError', %(Undefined method 'frobnicate' for "workato" namespace)],
                 err.values_at('class', 'message')
    err = error!(run_action("lambda { |c| workato.csv.nope }"))
    assert_equal %(Undefined method 'nope' for "workato.csv" namespace), err['message']
    err = error!(run_action("lambda { |c| encrypt('a', 'k') }"))
    assert_equal 'Workato::Connector::Sdk::NotImplementedError', err['class']
    err = error!(run_action("lambda { |c| workato.parse_json('{oops') }"))
    assert_equal 'Workato::Connector::Sdk::JSONParsingError', err['class']
  end

  def test_error_now_today_sleep_and_puts
    err = error!(run_action("lambda { |c| error('Nope: 42') }"))
    assert_equal ['Workato::Connector::Sdk::RuntimeError', 'Nope: 42', 'error'], err.values_at('class', 'message', 'kind')
    out = nil
    stdout, = capture_io do
      out = eval_in_action("{ zone: now.time_zone.name, today: today.is_a?(Date), slept: (sleep(100); true), printed: (puts('from connector'); 1) }")
    end
    assert_equal "from connector\n", stdout
    assert_equal({ 'zone' => 'Pacific Time (US & Canada)', 'today' => true, 'slept' => true, 'printed' => 1 }, out)
  end

  def test_inputs_have_indifferent_access
    out = ok!(run_action('lambda { |c, input| [input[:a], input["a"], input[:nested][:b], c[:k]] }',
                         input: { a: 1, nested: { b: 2 } }, connection: { k: 3 }))
    assert_equal [1, 1, 2, 3], out
  end
end
