# frozen_string_literal: true

require_relative 'helper'
require 'open3'
require 'rbconfig'

# Brief items 11–12 and PROTOCOL.md: main.rb as a subprocess, messages on stdin, results
# on fd 3; connector output never reaches the protocol; one failing case does not stop
# the process; load errors are per case; HTTP goes to WORKATOGEN_REPLAY_ADDR only.
class TestProtocol < Minitest::Test
  include RuntimeTestHelpers

  MAIN = File.expand_path('../main.rb', __dir__)

  # Runs main.rb with the given messages; returns [protocol lines (parsed), stdout, stderr].
  def run_main(messages, env: {})
    proto_r, proto_w = IO.pipe
    stdin_r, stdin_w = IO.pipe
    out_r, out_w = IO.pipe
    err_r, err_w = IO.pipe
    env = { 'WORKATOGEN_REPLAY_ADDR' => SERVER.addr, 'TZ' => 'UTC' }.merge(env)
    pid = Process.spawn(env, RbConfig.ruby, '--disable-did_you_mean', '-W0', MAIN,
                        in: stdin_r, out: out_w, err: err_w, 3 => proto_w)
    [stdin_r, proto_w, out_w, err_w].each(&:close)
    messages.each { |m| stdin_w.puts(m.is_a?(String) ? m : JSON.generate(m)) }
    stdin_w.close
    readers = [proto_r, out_r, err_r].map { |io| Thread.new { io.read } }
    Process.wait(pid)
    proto, stdout, stderr = readers.map(&:value)
    [proto.lines.map { |l| JSON.parse(l) }, stdout, stderr, $?.exitstatus]
  end

  def msg(id, path, target, **extra)
    { type: 'run', id: id, connector: path, target: target, retry_delay_scale: 0 }.merge(extra)
  end

  def test_protocol_round_trip
    SERVER.on('POST', '/v1/runs', status: 201, body: '{"id":"r1"}')
    good = write_connector(action_connector(<<~RUBY))
      lambda do |connection, input|
        puts 'noise on stdout'
        $stderr.puts 'noise on stderr'
        print '{"type":"result","id":"fake"}'
        post('runs', name: input['name'])
      end
    RUBY
    broken = write_connector("{ title: oops( }\n")
    lines, stdout, stderr, status = run_main([
      msg('ok/1', good, { kind: 'action', name: 'a', part: 'execute' }, input: { name: 'n' }),
      msg('boom', good, { kind: 'method', name: 'missing' }),
      msg('syntax', broken, { kind: 'describe' }),
      'this is not json',
      msg('ok/2', good, { kind: 'describe' })
    ])
    assert_equal 0, status
    ready = lines.shift
    assert_equal({ 'type' => 'ready', 'ruby' => RUBY_VERSION, 'activesupport' => ActiveSupport::VERSION::STRING, 'protocol' => 1 }, ready)
    assert_equal ['ok/1', 'boom', 'syntax', nil, 'ok/2'], lines.map { |l| l['id'] }
    assert lines.all? { |l| l['type'] == 'result' }

    first = lines[0]
    assert_equal [true, { 'id' => 'r1' }, nil, 0], first.values_at('ok', 'output', 'error', 'retries')
    assert_equal 1, first['requests'].length
    assert_equal ['POST', 'https://api.test/v1/runs', 201], first['requests'][0].values_at('method', 'url', 'status')
    assert_kind_of Numeric, first['duration_ms']
    assert_equal '{"name":"n"}', SERVER.requests.last.body

    assert_equal "Method 'missing' does not exists", lines[1]['error']['message']
    assert_equal 'syntax', lines[2]['error']['kind']
    assert_match(/connector\.rb:1/, lines[2]['error']['message'])
    assert_match(/bad protocol message/, lines[3]['error']['message'])
    assert_equal 'Test', lines[4]['output']['title']

    assert_includes stdout, 'noise on stdout'
    assert_includes stdout, '{"type":"result","id":"fake"}'
    assert_includes stderr, 'noise on stderr'
  end

  def test_connector_cannot_read_protocol_input_or_exit_the_process
    path = write_connector(action_connector('lambda { |c| { line: $stdin.gets, got: gets } }',
                                            top_extra: 'methods: { bye: lambda { exit 1 } },'))
    lines, = run_main([
      msg('read', path, { kind: 'action', name: 'a', part: 'execute' }),
      msg('exit', path, { kind: 'method', name: 'bye' }),
      msg('after', path, { kind: 'describe' })
    ])
    assert_equal({ 'line' => nil, 'got' => nil }, lines[1]['output'])
    assert_equal 'SystemExit', lines[2]['error']['class']
    assert_equal true, lines[3]['ok']
  end

  def test_requests_go_only_to_the_replay_address
    other = TCPServer.new('127.0.0.1', 0)
    path = write_connector(action_connector(<<~RUBY))
      lambda do |c|
        require 'net/http'
        Net::HTTP.get(URI('http://127.0.0.1:#{other.addr[1]}/steal'))
      end
    RUBY
    lines, = run_main([msg('direct', path, { kind: 'action', name: 'a', part: 'execute' })])
    err = lines[1]['error']
    assert_equal 'Workatogen::NetGuard::Blocked', err['class']
    assert_match(/only the replay server/, err['message'])
  ensure
    other&.close
  end

  def test_without_replay_address_nothing_is_contacted
    path = write_connector(action_connector("lambda { |c| get('x') }"))
    lines, = run_main([msg('noaddr', path, { kind: 'action', name: 'a', part: 'execute' })],
                      env: { 'WORKATOGEN_REPLAY_ADDR' => nil })
    assert_match(/WORKATOGEN_REPLAY_ADDR is not set/, lines[1]['error']['message'])
    assert_empty SERVER.requests
  end

  def test_fd3_missing_exits_3
    _, _, status = Open3.capture3(RbConfig.ruby, MAIN, stdin_data: '')
    assert_equal 3, status.exitstatus
  end
end
