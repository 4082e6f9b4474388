# frozen_string_literal: true

require_relative 'helper'

# Brief items 6, 8, 9 (headers part), 10 (HTTP errors) and 11: the request DSL, bodies,
# headers and responses as they arrive on the wire.
class TestHTTP < Minitest::Test
  include RuntimeTestHelpers

  def last
    SERVER.requests.last
  end

  # ---- verbs (§5.1) ----

  def test_verbs_and_their_second_argument
    SERVER.on('*', %r{/v1/})
    %w[get options head].each do |verb|
      ok!(run_action("lambda { |c| #{verb}('things', q: 1) }"))
      assert_equal [verb.upcase, '/v1/things?q=1', ''], [last.method, last.target, last.body]
    end
    %w[post put patch delete copy move].each do |verb|
      ok!(run_action("lambda { |c| #{verb}('things', id: 1, tags: ['a']) }"))
      assert_equal [verb.upcase, '/v1/things', '{"id":1,"tags":["a"]}'], [last.method, last.target, last.body]
      assert_equal 'application/json', last.header('Content-Type')
    end
  end

  # OBS: DELETE with a hash sends a JSON body (not query params).
  def test_delete_with_hash_sends_json_body
    SERVER.on('DELETE', '/ok')
    ok!(run_action("lambda { |c| delete('/ok', id: 1, tags: ['a']) }"))
    assert_equal '{"id":1,"tags":["a"]}', last.body
    assert_equal '/ok', last.target
  end

  def test_keyword_style_payload_and_block_form
    SERVER.on('POST', '/v1/x')
    ok!(run_action("lambda { |c| post('x', name: 'n').payload(extra: 1) { |p| p[:blk] = true } }"))
    assert_equal({ 'name' => 'n', 'extra' => 1, 'blk' => true }, last.json)
  end

  # ---- URL building (§2.4, §5.4) ----

  # OBS: params appended after the URL's own query, not re-sorted with it.
  def test_params_appended_to_existing_query
    SERVER.on('GET', '/probe')
    ok!(run_action("lambda { |c| get('/probe?x=1&y=').params(page: 2, per_page: nil) }"))
    assert_equal '/probe?x=1&y=&page=2&per_page=', last.target
  end

  def test_empty_query_segments_dropped_only_when_params_present
    SERVER.on('GET', '/probe')
    ok!(run_action("lambda { |c| get('/probe?a=1&&b=2').params(c: 3) }"))
    assert_equal '/probe?a=1&b=2&c=3', last.target
    ok!(run_action("lambda { |c| get('/probe?a=1&&b=2') }"))
    assert_equal '/probe?a=1&&b=2', last.target
  end

  # OBS example of §5.4, verbatim.
  def test_to_query_obs_example
    SERVER.on('GET', '/q')
    params = '{q: "hello world & more", ids: [1,2,3], empty_list: [], nothing: nil, flag: true, off: false, ' \
             'n: 10, filter: {status: "active", owner: {id: 5}}, unicode: "éè/+="}'
    ok!(run_action("lambda { |c| get('/q', #{params}) }"))
    expected = 'filter%5Bowner%5D%5Bid%5D=5&filter%5Bstatus%5D=active&flag=true&ids%5B%5D=1&ids%5B%5D=2' \
               '&ids%5B%5D=3&n=10&nothing=&off=false&q=hello+world+%26+more&unicode=%C3%A9%C3%A8%2F%2B%3D'
    assert_equal "/q?#{expected}", last.target
  end

  # ActiveSupport 5.2 (the platform's) sorts inside arrays of hashes; 6.1 would keep
  # insertion order (b before a).
  def test_to_query_follows_activesupport_5_2_inside_arrays_of_hashes
    assert_equal 'k%5B%5D%5Ba%5D=1&k%5B%5D%5Bb%5D=2', Workatogen::Query.to_param(k: [{ b: 2, a: 1 }])
    if Gem::Version.new(ActiveSupport::VERSION::STRING) >= Gem::Version.new('6.1')
      assert_equal 'k%5B%5D%5Bb%5D=2&k%5B%5D%5Ba%5D=1', { k: [{ b: 2, a: 1 }] }.to_query # why we do not use it
    end
  end

  def test_params_string_used_verbatim
    SERVER.on('GET', '/v1/s')
    ok!(run_action("lambda { |c| get('s').params('z=1&a=2') }"))
    assert_equal '/v1/s?z=1&a=2', last.target
  end

  def test_base_uri_merge_rules
    SERVER.on('GET', %r{.*})
    cases = {
      ['https://go.tallyfy.com/api/', 'organizations/1/runs'] => ['go.tallyfy.com', '/api/organizations/1/runs'],
      ['https://go.tallyfy.com/api', 'organizations/1/runs'] => ['go.tallyfy.com', '/organizations/1/runs'],
      ['https://go.tallyfy.com/api/', '/organizations/1/runs'] => ['go.tallyfy.com', '/organizations/1/runs'],
      ['https://go.tallyfy.com/api/', 'https://other.example/x'] => ['other.example', '/x'],
      ['https://go.tallyfy.com/api/', 'runs?x=1'] => ['go.tallyfy.com', '/api/runs?x=1'],
      ['http://local.test:8080/', 'p'] => ['local.test:8080', '/p']
    }
    cases.each do |(base, url), (host, target)|
      src = "{ connection: { base_uri: lambda { |c| '#{base}' } }, test: lambda { |c| get('#{url}') } }"
      result = run_case(src, kind: 'test')
      ok!(result)
      assert_equal [host, target], [last.header('Host'), last.target], "#{base} + #{url}"
      assert_equal "#{base[/\Ahttps?/]}://#{host}#{target}", result['requests'][0]['url'] unless url.start_with?('http')
    end
  end

  def test_invalid_uri_raises_invalid_uri_error
    err = error!(run_action("lambda { |c| get('runs/a b') }"))
    assert_equal 'Workato::Connector::Sdk::InvalidURIError', err['class']
    err = error!(run_case("{ test: lambda { |c| get('/no/host') } }", kind: 'test'))
    assert_equal 'Workato::Connector::Sdk::InvalidURIError', err['class']
    assert_match(/no host provided/, err['message'])
    err = error!(run_case("{ connection: { base_uri: lambda { |c| 42 } }, test: lambda { |c| get('x') } }", kind: 'test'))
    assert_equal 'Expected String or URI as output of base_uri lambda, got: Integer', err['message']
    assert_empty SERVER.requests
  end

  # ---- bodies (§5.5) ----

  def test_json_body_escaping_order_and_time
    SERVER.on('POST', '/v1/j')
    ok!(run_action("lambda { |c| post('j', z: '<a&b>', a: nil, t: Time.utc(2024, 1, 2, 3, 4, 5), u: 'é') }"))
    assert_equal '{"z":"\u003ca\u0026b\u003e","a":null,"t":"2024-01-02T03:04:05.000Z","u":"é"}',
                 last.body.force_encoding('UTF-8')
  end

  def test_string_and_array_payloads_are_json_encoded
    SERVER.on('POST', '/v1/j')
    ok!(run_action("lambda { |c| post('j', 'foo=bar') }"))
    assert_equal '"foo=bar"', last.body
    ok!(run_action("lambda { |c| post('j', [1, 2, 3]) }"))
    assert_equal '[1,2,3]', last.body
  end

  # OBS: empty POST/PUT/PATCH send Content-Length: 0; DELETE sends no body at all.
  def test_empty_payload_content_length
    SERVER.on('*', '/v1/e')
    %w[post put patch].each do |verb|
      ok!(run_action("lambda { |c| #{verb}('e') }"))
      assert_equal '0', last.header('Content-Length'), verb
      assert_equal 'application/json', last.header('Content-Type'), verb
    end
    ok!(run_action("lambda { |c| delete('e') }"))
    assert_nil last.header('Content-Length')
    assert_equal 'application/json', last.header('Content-Type')
  end

  def test_get_ignores_payload_unless_format_set
    SERVER.on('GET', '/v1/g')
    ok!(run_action("lambda { |c| get('g').payload(a: 1) }"))
    assert_equal '', last.body
    assert_nil last.header('Content-Type')
    ok!(run_action("lambda { |c| get('g').payload(a: 1).request_format_json }"))
    assert_equal '{"a":1}', last.body
  end

  # OBS: a=1+2&b%5B%5D=1&b%5B%5D=2&c=&d%5Be%5D=f (sorted, AS to_param rules).
  def test_www_form_urlencoded_body
    SERVER.on('POST', '/v1/f')
    ok!(run_action("lambda { |c| post('f', d: { e: 'f' }, c: nil, b: [1, 2], a: '1 2').request_format_www_form_urlencoded }"))
    assert_equal 'a=1+2&b%5B%5D=1&b%5B%5D=2&c=&d%5Be%5D=f', last.body
    assert_equal 'application/x-www-form-urlencoded', last.header('Content-Type')
    ok!(run_action("lambda { |c| post('f', title: 'foo', body: 'bar', userId: 1).request_format_www_form_urlencoded }"))
    assert_equal 'body=bar&title=foo&userId=1', last.body
  end

  def test_multipart_form_body
    SERVER.on('POST', '/v1/m')
    ok!(run_action(<<~'RUBY'))
      lambda do |c|
        post('m').payload(name: 'x', file: ['hello', 'text/plain', 'h.txt'], n: 2).request_format_multipart_form
      end
    RUBY
    ctype = last.header('Content-Type')
    boundary = ctype[/\Amultipart\/form-data; boundary=(----RubyFormBoundary[A-Za-z0-9]{16})\z/, 1]
    refute_nil boundary, ctype
    expected = "--#{boundary}\r\n" \
               "Content-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--#{boundary}\r\n" \
               "Content-Disposition: form-data; name=\"file\"; filename=\"h.txt\"\r\n" \
               "Content-Type: text/plain\r\n\r\nhello\r\n--#{boundary}\r\n" \
               "Content-Disposition: form-data; name=\"n\"\r\n\r\n2\r\n--#{boundary}--\r\n"
    assert_equal expected, last.body
    assert_equal expected.bytesize.to_s, last.header('Content-Length')
  end

  def test_request_body_raw_string_and_hash
    SERVER.on('POST', '/v1/r')
    ok!(run_action("lambda { |c| post('r').request_body('<x/>').headers('Content-Type' => 'application/xml') }"))
    assert_equal ['<x/>', 'application/xml'], [last.body, last.header('Content-Type')]
    _, stderr = capture_io { ok!(run_action("lambda { |c| post('r').request_body(b: [1, 2], a: 'x y') }")) }
    assert_equal ['b[]=1&b[]=2&a=x+y', 'application/x-www-form-urlencoded'], [last.body, last.header('Content-Type')]
    # rest-client's payload headers win over the SDK's JSON Content-Type, with its warning.
    assert_match(/Overriding "Content-Type" header "application\/json"/, stderr)
  end

  def test_request_format_xml_is_not_implemented_cleanly
    err = error!(run_action("lambda { |c| post('x', a: 1).request_format_xml('Root') }"))
    assert_equal 'Workato::Connector::Sdk::NotImplementedError', err['class']
    assert_match(/request_format_xml is not supported/, err['message'])
  end

  # ---- headers (§5.6) ----

  def test_default_headers
    SERVER.on('*', '/v1/h')
    ok!(run_action("lambda { |c| get('h') }"))
    assert_equal 'application/json', last.header('Accept')
    assert_equal 'gzip;q=1.0,deflate;q=0.6,identity;q=0.3', last.header('Accept-Encoding')
    assert_match(%r{\Arest-client/2\.1\.0 \(\S+ \S+\) ruby/\d}, last.header('User-Agent'))
    assert_equal 'api.test', last.header('Host')
    assert_nil last.header('Content-Type')
    ok!(run_action("lambda { |c| get('h').response_format_raw }"))
    assert_equal 'application/json', last.header('Accept')
  end

  def test_header_override_rules
    SERVER.on('*', '/v1/h')
    ok!(run_action("lambda { |c| post('h', a: 1).headers('Accept' => 'text/plain', content_type: 'text/csv') }"))
    assert_equal ['text/plain', 'text/csv'], [last.header('Accept'), last.header('Content-Type')]
    # A *string* key 'content_type' stops the SDK default (/^content[-_]type$/i) but is sent
    # literally, so Net::HTTP then supplies its own form Content-Type — as with the gem.
    ok!(run_action("lambda { |c| post('h', a: 1).headers('content_type' => 'text/csv') }"))
    assert_equal ['text/csv', 'application/x-www-form-urlencoded'], [last.header('Content_type'), last.header('Content-Type')]
    ok!(run_action("lambda { |c| post('h', a: 1).headers(content_type: :xml, accept: 'json, text/plain') }"))
    assert_equal ['application/json, text/plain', 'application/xml'], [last.header('Accept'), last.header('Content-Type')]
  end

  def test_symbol_header_names_and_case_sensitive_headers
    SERVER.on('*', '/v1/h')
    ok!(run_action("lambda { |c| get('h').headers(x_request_id: '1', 'X-Api-Key': '2').case_sensitive_headers('X-CaSe' => '3') }"))
    assert_equal '1', last.header('X-Request-Id')
    assert_equal '2', last.header('X-api-key')
    assert_includes last.header_names, 'X-CaSe'
  end

  def test_basic_auth_user_password
    SERVER.on('GET', '/v1/b')
    result = run_action("lambda { |c| get('b').user('u s').password('p@ss') }")
    ok!(result)
    assert_equal "Basic #{['u s:p@ss'].pack('m0')}", last.header('Authorization')
    assert_equal 'https://api.test/v1/b', result['requests'][0]['url']
  end

  # ---- responses and errors (§5.7) ----

  def test_204_is_empty_hash_and_raw_format
    SERVER.on('DELETE', '/v1/n', status: 204, body: '')
    assert_equal({}, ok!(run_action("lambda { |c| delete('n') }")))
    SERVER.on('GET', '/v1/raw', headers: { 'Content-Type' => 'text/plain' }, body: 'plain text')
    assert_equal 'plain text', ok!(run_action("lambda { |c| get('raw').response_format_raw }"))
  end

  def test_invalid_json_response
    SERVER.on('GET', '/v1/bad', body: 'not json')
    err = error!(run_action("lambda { |c| get('bad') }"))
    assert_equal 'Workato::Connector::Sdk::JSONResponseFormatError', err['class']
  end

  def test_request_failed_message_and_details
    SERVER.on('POST', '/v1/f', status: 422, body: '{"e":1}')
    err = error!(run_action("lambda { |c| post('f', a: 1) }"))
    assert_equal ['Workato::Connector::Sdk::RequestFailedError', '422 Unprocessable Entity', 'request_failed', 422, '{"e":1}'],
                 err.values_at('class', 'message', 'kind', 'code', 'response')
    SERVER.on('GET', '/v1/odd', status: 499, body: '')
    assert_equal 'HTTP status code 499', error!(run_action("lambda { |c| get('odd') }"))['message']
  end

  def test_after_response_gets_code_parsed_body_and_beautified_headers
    SERVER.on('GET', '/v1/ar', headers: { 'Content-Type' => 'application/json', 'X-Total-Count' => '7',
                                          'Link' => '<n>; rel="next"', 'Set-Cookie' => %w[a=1 b=2] },
                               body: '{"items":[1]}')
    out = ok!(run_action(<<~RUBY))
      lambda do |c|
        get('ar').after_response do |code, body, headers|
          { code: code, items: body['items'], total: headers['x_total_count'], sym: headers[:link],
            ctype: headers['content_type'], cookies: headers['set_cookie'] }
        end
      end
    RUBY
    assert_equal({ 'code' => 200, 'items' => [1], 'total' => '7', 'sym' => '<n>; rel="next"',
                   'ctype' => 'application/json', 'cookies' => %w[a=1 b=2] }, out)
  end

  def test_after_error_response_matchers
    SERVER.on('GET', '/v1/e', status: 404, headers: { 'Content-Type' => 'application/json', 'X-Trace' => 't' },
                              body: '{"message":"gone"}')
    handler = '{ |code, body, headers, message| { code: code, body: body, trace: headers[:x_trace], message: message } }'
    expected = { 'code' => 404, 'body' => '{"message":"gone"}', 'trace' => 't', 'message' => '404 Not Found' }
    ['404', "'Not Found'", '/gone/', '500, /Not Fo/', "'gon+e'"].each do |matchers|
      assert_equal expected, ok!(run_action("lambda { |c| get('e').after_error_response(#{matchers}) #{handler} }")),
                   matchers
    end
    ['500', '/nomatch/'].each do |matchers|
      err = error!(run_action("lambda { |c| get('e').after_error_response(#{matchers}) #{handler} }"))
      assert_equal '404 Not Found', err['message']
    end
  end

  # OBS: without matchers the block is never called.
  def test_after_error_response_without_matchers_never_fires
    SERVER.on('POST', '/v1/err', status: 500, body: 'x')
    err = error!(run_action("lambda { |c| post('err').after_error_response { |*| { handled: true } } }"))
    assert_equal '500 Internal Server Error', err['message']
  end

  def test_error_inside_after_error_response
    SERVER.on('GET', '/v1/e', status: 400, body: '{"detail":"bad"}')
    err = error!(run_action("lambda { |c| get('e').after_error_response(/.*/) { |_c, body| error(parse_json(body)['detail']) } }"))
    assert_equal ['Workato::Connector::Sdk::RuntimeError', 'bad', 'error'], err.values_at('class', 'message', 'kind')
  end

  def test_broken_connection_and_timeout
    SERVER.on('GET', '/v1/close', status: :close)
    err = error!(run_action("lambda { |c| get('close') }"))
    assert_equal ['Workato::Connector::Sdk::RequestFailedError', 'Server broke connection'], err.values_at('class', 'message')
    SERVER.on('GET', '/v1/hang', status: :hang)
    err = error!(run_action("lambda { |c| get('hang') }"))
    assert_equal ['Workato::Connector::Sdk::RequestTimeoutError', 'timeout'], err.values_at('class', 'kind')
  end

  def test_redirects
    SERVER.on('GET', '/v1/from', status: 302, headers: { 'Location' => '/v1/to' })
    SERVER.on('*', '/v1/to', body: '{"arrived":true}')
    SERVER.on('POST', '/v1/pfrom', status: 302, headers: { 'Location' => 'https://api.test/v1/to' })
    result = run_action("lambda { |c| get('from') }")
    assert_equal({ 'arrived' => true }, ok!(result))
    assert_equal ['https://api.test/v1/from', 'https://api.test/v1/to'], result['requests'].map { |r| r['url'] }
    assert_equal '302 Found', error!(run_action("lambda { |c| post('pfrom') }"))['message']
    assert_equal({ 'arrived' => true }, ok!(run_action("lambda { |c| post('pfrom').follow_redirection }")))
    assert_equal 'POST', last.method
    assert_equal({}, ok!(run_action("lambda { |c| get('from').ignore_redirection }")))
  end

  # ---- laziness (§5.3) ----

  def test_unforced_requests_are_never_sent
    SERVER.on('GET', '/v1/ok')
    result = run_action("lambda { |c| get('ok?lazy=1'); { done: true } }")
    assert_equal({ 'done' => true }, ok!(result))
    assert_empty SERVER.requests
    assert_empty result['requests']
  end

  def test_forcing_order_and_at_most_once
    SERVER.on('GET', %r{/v1/n\d}) { |req| [200, {}, %({"n":"#{req.path[-1]}"})] }
    result = run_action(<<~RUBY)
      lambda do |c|
        a = get('n1'); b = get('n2'); d = get('n3')
        x = b['n']; y = a.presence; z = b.try(:[], 'n')
        { b: x, a: y['n'], again: z, nested: [d], h: { r: get('n4') } }
      end
    RUBY
    assert_equal({ 'b' => '2', 'a' => '1', 'again' => '2', 'nested' => [{ 'n' => '3' }], 'h' => { 'r' => { 'n' => '4' } } },
                 ok!(result))
    assert_equal %w[/v1/n2 /v1/n1 /v1/n3 /v1/n4], SERVER.requests.map(&:path)
    assert_equal [1, 2, 3, 4], result['requests'].map { |r| r['seq'] }
    assert_equal %w[GET] * 4, result['requests'].map { |r| r['method'] }
  end

  def test_returned_request_is_resolved
    SERVER.on('GET', '/v1/r', body: '{"id":5}')
    assert_equal({ 'id' => 5 }, ok!(run_action("lambda { |c| get('r') }")))
  end

  def test_current_url_and_current_verb
    SERVER.on('PUT', '/v1/cu')
    out = ok!(run_action("lambda { |c| r = put('cu').params(a: 1); { url: r.current_url, verb: r.current_verb } }"))
    assert_equal({ 'url' => 'https://api.test/v1/cu?a=1', 'verb' => 'PUT' }, out)
    assert_empty SERVER.requests
  end

  def test_requests_record_wire_headers_and_status
    SERVER.on('POST', '/v1/rec', status: 201)
    result = run_action("lambda { |c| post('rec', a: 1) }")
    ok!(result)
    req = result['requests'].first
    assert_equal ['POST', 'https://api.test/v1/rec', 201], req.values_at('method', 'url', 'status')
    assert_equal 'application/json', req['headers']['Content-Type']
    assert_equal 'api.test', req['headers']['Host']
    assert_equal '7', req['headers']['Content-Length']
  end
end
