# frozen_string_literal: true

require_relative 'helper'

# Brief item 9 (auth part): apply last with the gem's arity rules, multi-auth,
# refresh_on/detect_on/acquire/refresh (§2.3, §5.8), oauth2 default refresh.
class TestAuth < Minitest::Test
  include RuntimeTestHelpers

  def connector(authorization, test: "get('me')")
    <<~RUBY
      {
        connection: {
          base_uri: lambda { |c| 'https://api.test/' },
          authorization: { #{authorization} }
        },
        test: lambda { |connection| #{test} }
      }
    RUBY
  end

  def test_apply_runs_last_and_wins
    SERVER.on('GET', '/me')
    src = connector("type: 'custom_auth', apply: lambda { |c| headers(Authorization: \"Bearer \#{c['token']}\", 'X-Client': 'wg') }",
                    test: "get('me').headers(Authorization: 'mine', 'X-Other' => '1')")
    ok!(run_case(src, kind: 'test', connection: { token: 'T' }))
    req = SERVER.requests.last
    assert_equal ['Bearer T', 'wg', '1'], [req.header('Authorization'), req.header('X-Client'), req.header('X-Other')]
  end

  def test_apply_arity_custom_and_oauth2
    SERVER.on('GET', '/me')
    custom = connector("type: 'api_key', apply: lambda { |c, auth_type| params(key: c['k'], t: auth_type) }",
                       test: "get('me').auth_type('special')")
    ok!(run_case(custom, kind: 'test', connection: { k: 'K' }))
    assert_equal '/me?key=K&t=special', SERVER.requests.last.target
    oauth = connector("type: 'oauth2', apply: lambda { |c, access_token, auth_type| headers(Authorization: \"Bearer \#{access_token}\", 'X-T': auth_type.to_s) }")
    ok!(run_case(oauth, kind: 'test', connection: { access_token: 'AT' }))
    assert_equal ['Bearer AT', ''], [SERVER.requests.last.header('Authorization'), SERVER.requests.last.header('X-T')]
  end

  def test_legacy_credentials_and_current_url_in_apply
    SERVER.on('GET', %r{/})
    src = connector("type: 'custom_auth', credentials: lambda { |c| headers('X-Url': current_url, 'X-Verb': current_verb) }",
                    test: "get('me', a: 1)")
    ok!(run_case(src, kind: 'test'))
    assert_equal ['https://api.test/me?a=1', 'GET'], [SERVER.requests.last.header('X-Url'), SERVER.requests.last.header('X-Verb')]
  end

  def test_basic_auth_type_via_user_password
    SERVER.on('GET', '/me')
    src = connector("type: 'basic_auth', apply: lambda { |c| user(c['u']); password(c['p']) }")
    ok!(run_case(src, kind: 'test', connection: { u: 'user', p: 'password' }))
    assert_equal 'Basic dXNlcjpwYXNzd29yZA==', SERVER.requests.last.header('Authorization')
  end

  def test_multi_auth_selected_option
    SERVER.on('GET', '/me')
    auth = <<~RUBY
      type: 'multi',
      selected: lambda { |c| c['auth_type'] },
      options: {
        api_key: { type: 'custom_auth', apply: lambda { |c| headers('X-Key': c['api_key']) } },
        oauth2: { type: 'oauth2', apply: lambda { |c, token| headers(Authorization: "Bearer \#{token}") } }
      }
    RUBY
    ok!(run_case(connector(auth), kind: 'test', connection: { auth_type: 'api_key', api_key: 'K' }))
    assert_equal 'K', SERVER.requests.last.header('X-Key')
    ok!(run_case(connector(auth), kind: 'test', connection: { auth_type: 'oauth2', access_token: 'A' }))
    assert_equal 'Bearer A', SERVER.requests.last.header('Authorization')
    err = error!(run_case(connector(auth), kind: 'test', connection: { auth_type: 'nope' }))
    assert_equal "Cannot find multi-auth definition for 'nope'", err['message']
  end

  # §5.8: 401 → acquire once (its request without apply), merge, re-apply, resend once.
  def test_refresh_on_acquire_then_resend
    SERVER.on('GET', '/me') { |req| req.header('Authorization') == 'Bearer fresh' ? [200, {}, '{"me":1}'] : [401, {}, '{}'] }
    SERVER.on('POST', '/token', body: '{"access_token":"fresh"}')
    auth = <<~RUBY
      type: 'custom_auth',
      refresh_on: [401],
      acquire: lambda { |c| { token: post('token', client: c['client'])['access_token'] } },
      apply: lambda { |c| headers(Authorization: "Bearer \#{c['token']}") }
    RUBY
    result = run_case(connector(auth), kind: 'test', connection: { token: 'stale', client: 'cl' })
    assert_equal({ 'me' => 1 }, ok!(result))
    assert_equal [['GET', '/me', 'Bearer stale'], ['POST', '/token', nil], ['GET', '/me', 'Bearer fresh']],
                 SERVER.requests.map { |r| [r.method, r.path, r.header('Authorization')] }
    assert_equal({ 'token' => 'fresh' }, result['connection_updates'])
    assert_equal [1, 2, 3], result['requests'].map { |r| r['seq'] }
  end

  def test_refresh_happens_once_only
    SERVER.on('GET', '/me', status: 401, body: '{}')
    SERVER.on('POST', '/token', body: '{"access_token":"fresh"}')
    auth = "type: 'custom_auth', refresh_on: [401], acquire: lambda { |c| { token: 'x' } }, apply: lambda { |c| headers(A: c['token']) }"
    err = error!(run_case(connector(auth), kind: 'test'))
    assert_equal '401 Unauthorized', err['message']
    assert_equal 2, SERVER.requests.length
  end

  def test_no_refresh_when_not_matching_or_not_reauthorizable
    SERVER.on('GET', '/me', status: 403, body: '{}')
    auth = "type: 'custom_auth', refresh_on: [401, /expired/], acquire: lambda { |c| { token: 'x' } }, apply: lambda { |c| headers(A: 'a') }"
    assert_equal '403 Forbidden', error!(run_case(connector(auth), kind: 'test'))['message']
    assert_equal 1, SERVER.requests.length
    SERVER.reset!
    SERVER.on('GET', '/me', status: 401, body: '{}')
    auth = "type: 'custom_auth', apply: lambda { |c| headers(A: 'a') }" # no acquire: not reauthorizable
    assert_equal '401 Unauthorized', error!(run_case(connector(auth), kind: 'test'))['message']
    assert_equal 1, SERVER.requests.length
  end

  # refresh_on empty ⇒ any failure triggers one refresh.
  def test_blank_refresh_on_refreshes_for_any_error
    SERVER.on('GET', '/me', responses: [[500, {}, ''], [200, {}, '{"ok":true}']])
    auth = "type: 'custom_auth', acquire: lambda { |c| { token: 'new' } }, apply: lambda { |c| headers(A: c['token'].to_s) }"
    result = run_case(connector(auth), kind: 'test')
    assert_equal({ 'ok' => true }, ok!(result))
    assert_equal ['', 'new'], SERVER.requests.map { |r| r.header('A') }
  end

  def test_detect_on_turns_success_into_refresh
    SERVER.on('GET', '/me') { |req| req.header('A') == 'new' ? [200, {}, '{"ok":true}'] : [200, {}, '{"error":"token expired"}'] }
    auth = "type: 'custom_auth', detect_on: [/expired/], acquire: lambda { |c| { token: 'new' } }, apply: lambda { |c| headers(A: c['token'].to_s) }"
    assert_equal({ 'ok' => true }, ok!(run_case(connector(auth), kind: 'test')))
    assert_equal 2, SERVER.requests.length
  end

  # Without a refresh lambda, oauth2 refreshes with a grant_type=refresh_token POST to token_url.
  def test_oauth2_default_refresh_via_token_url
    SERVER.on('GET', '/me') { |req| req.header('Authorization') == 'Bearer new' ? [200, {}, '{"ok":1}'] : [401, {}, ''] }
    SERVER.on('POST', '/oauth/token', body: '{"access_token":"new"}')
    auth = <<~RUBY
      type: 'oauth2',
      client_id: lambda { |c| c['cid'] },
      client_secret: 'sec ret',
      token_url: lambda { |c| 'https://auth.test/oauth/token' },
      refresh_on: [401],
      apply: lambda { |c, token| headers(Authorization: "Bearer \#{token}") }
    RUBY
    result = run_case(connector(auth), kind: 'test', connection: { cid: 'id', access_token: 'old', refresh_token: 'rt' })
    assert_equal({ 'ok' => 1 }, ok!(result))
    token_req = SERVER.requests[1]
    assert_equal ['auth.test', 'client_id=id&client_secret=sec+ret&grant_type=refresh_token&refresh_token=rt',
                  'application/x-www-form-urlencoded', 'application/json'],
                 [token_req.header('Host'), token_req.body, token_req.header('Content-Type'), token_req.header('Accept')]
    assert_equal({ 'access_token' => 'new', 'refresh_token' => 'rt' }, result['connection_updates'])
  end

  def test_oauth2_refresh_lambda
    SERVER.on('GET', '/me') { |req| req.header('Authorization') == 'Bearer r2' ? [200, {}, '{}'] : [401, {}, ''] }
    auth = <<~RUBY
      type: 'oauth2',
      refresh: lambda { |c, refresh_token| [{ access_token: "r\#{refresh_token}" }, { extra: 1 }] },
      apply: lambda { |c, token| headers(Authorization: "Bearer \#{token}") }
    RUBY
    result = run_case(connector(auth), kind: 'test', connection: { access_token: 'old', refresh_token: '2' })
    ok!(result)
    assert_equal({ 'access_token' => 'r2', 'extra' => 1 }, result['connection_updates'])
  end

  def test_connection_parts
    src = <<~RUBY
      {
        connection: {
          fields: [{ name: 'sub' }],
          base_uri: lambda { |c| "https://\#{c['sub']}.test/" },
          authorization: {
            type: 'oauth2',
            authorization_url: lambda { |c| "https://\#{c['sub']}.test/auth?response_type=code" },
            token_url: lambda { |c| 'https://t.test/token' },
            acquire: lambda { |c, code, redirect| [{ access_token: code }, nil, { r: redirect }] },
            refresh: lambda { |c, rt| { access_token: rt } }
          }
        }
      }
    RUBY
    conn = { sub: 'acme' }
    assert_equal 'https://acme.test/', ok!(run_case(src, kind: 'connection', part: 'base_uri', connection: conn))
    assert_equal [{ 'name' => 'sub' }], ok!(run_case(src, kind: 'connection', part: 'fields'))
    assert_equal 'https://acme.test/auth?response_type=code',
                 ok!(run_case(src, kind: 'connection', part: 'authorization_url', connection: conn))
    assert_equal 'https://t.test/token', ok!(run_case(src, kind: 'connection', part: 'token_url'))
    assert_equal [{ 'access_token' => 'CODE' }, nil, { 'r' => 'https://cb' }],
                 ok!(run_case(src, kind: 'connection', part: 'acquire', args: ['CODE', 'https://cb']))
    assert_equal({ 'access_token' => 'RT' }, ok!(run_case(src, kind: 'connection', part: 'refresh', connection: { refresh_token: 'RT' })))
  end

  def test_acquire_with_four_parameters_fails_as_in_the_gem
    src = connector("type: 'oauth2', acquire: lambda { |c, code, redirect, verifier| {} }")
    err = error!(run_case(src, kind: 'connection', part: 'acquire', args: ['c']))
    assert_equal 'wrong number of arguments (given 3, expected 4)', err['message']
  end
end
