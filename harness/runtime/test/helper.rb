# frozen_string_literal: true

# Shared test setup: one in-process fixture server (stdlib TCPServer) that records what
# arrives on the wire, the runtime loaded in-process pointing at it, and helpers to run
# tiny inline connectors through the same entry point the protocol loop uses.
require 'minitest/autorun'
require 'json'
require 'socket'
require 'tmpdir'

class FixtureServer
  Req = Struct.new(:method, :target, :headers, :body, keyword_init: true) do
    def path
      target.split('?', 2).first
    end

    def query
      target.split('?', 2)[1]
    end

    # Case-insensitive header lookup; nil when absent.
    def header(name)
      headers.find { |k, _| k.casecmp?(name) }&.last
    end

    def header_names
      headers.map(&:first)
    end

    def json
      JSON.parse(body)
    end
  end

  attr_reader :port, :log

  def initialize
    @server = TCPServer.new('127.0.0.1', 0)
    @port = @server.addr[1]
    @routes = []
    @log = []
    @mutex = Mutex.new
    @thread = Thread.new { serve }
  end

  def addr
    "127.0.0.1:#{@port}"
  end

  def reset!
    @mutex.synchronize do
      @routes.clear
      @log.clear
    end
  end

  # Programs a response. `responses` are used in order (the last one repeats); a block
  # gets the request and returns [status, headers, body]. status :close drops the
  # connection without answering, :hang waits before answering.
  def on(method, path, status: 200, headers: { 'Content-Type' => 'application/json' }, body: '{}', responses: nil,
         &block)
    route = { method: method.to_s.upcase, path: path, queue: responses&.dup || [[status, headers, body]], block: block }
    @mutex.synchronize { @routes << route }
    self
  end

  def requests
    @mutex.synchronize { @log.dup }
  end

  private

  # One thread per connection, so a hanging response cannot delay the next test.
  def serve
    loop do
      client = @server.accept
      Thread.new(client) do |conn|
        handle(conn)
      rescue StandardError
        nil
      ensure
        conn.close unless conn.closed?
      end
    end
  end

  def handle(client)
    line = client.gets("\r\n") or return
    method, target, = line.split(' ')
    headers = []
    while (header = client.gets("\r\n")) && header != "\r\n"
      name, value = header.chomp("\r\n").split(':', 2)
      headers << [name, value.to_s.strip]
    end
    length = headers.find { |k, _| k.casecmp?('content-length') }&.last.to_i
    body = length.positive? ? client.read(length) : ''
    req = Req.new(method: method, target: target, headers: headers, body: body)
    status, resp_headers, resp_body = respond(req)
    @mutex.synchronize { @log << req }
    case status
    when :close then return
    when :hang
      sleep 1
      return
    end
    resp_body = resp_body.to_s.b
    out = +"HTTP/1.1 #{status} Whatever\r\n"
    resp_headers.each do |k, v|
      Array(v).each { |vv| out << "#{k}: #{vv}\r\n" }
    end
    out << "Content-Length: #{resp_body.bytesize}\r\nConnection: close\r\n\r\n"
    client.write(out.b + resp_body)
  end

  def respond(req)
    route = @mutex.synchronize do
      @routes.find { |r| (r[:method] == '*' || r[:method] == req.method) && r[:path] === req.path } # rubocop:disable Style/CaseEquality
    end
    return [404, { 'Content-Type' => 'application/json' }, '{"error":"no route"}'] unless route
    return route[:block].call(req) if route[:block]

    @mutex.synchronize { route[:queue].length > 1 ? route[:queue].shift : route[:queue].first }
  end
end

SERVER = FixtureServer.new
ENV['WORKATOGEN_REPLAY_ADDR'] = SERVER.addr
ENV['WORKATOGEN_HTTP_TIMEOUT'] = '0.3'
require_relative '../runtime'
Workatogen::NetGuard.install!('127.0.0.1', SERVER.port)

TMP = Dir.mktmpdir('workatogen-runtime-test')
Minitest.after_run { FileUtils.rm_rf(TMP) }

module RuntimeTestHelpers
  @@seq = 0 # rubocop:disable Style/ClassVars

  def setup
    SERVER.reset!
  end

  def write_connector(source)
    @@seq += 1 # rubocop:disable Style/ClassVars
    path = File.join(TMP, "c#{@@seq}", 'connector.rb')
    FileUtils.mkdir_p(File.dirname(path))
    File.write(path, source)
    path
  end

  # Runs one protocol "run" message in-process and returns the result as the Go side
  # would see it (JSON round trip).
  def run_case(source, kind:, name: nil, part: nil, **msg)
    path = source.start_with?('/') ? source : write_connector(source)
    message = { 'type' => 'run', 'id' => 'test', 'connector' => path,
                'target' => { 'kind' => kind.to_s, 'name' => name&.to_s, 'part' => part&.to_s },
                'retry_delay_scale' => 0 }.merge(msg.transform_keys(&:to_s))
    message = JSON.parse(JSON.generate(message)) # exactly what would arrive on stdin
    JSON.parse(Workatogen::Wire.dump(Workatogen::Runner.run(message)))
  end

  def ok!(result)
    assert result['ok'], "case failed: #{result['error'].inspect}"
    result['output']
  end

  def error!(result)
    refute result['ok'], "case unexpectedly succeeded: #{result['output'].inspect}"
    result['error']
  end

  # A connector with one action `a` whose execute body is given, base_uri
  # https://api.test/v1/ and optional extra top-level/action keys.
  def action_connector(execute, action_extra: '', top_extra: '', connection_extra: '')
    <<~RUBY
      {
        title: 'Test',
        connection: {
          base_uri: lambda { |_connection| 'https://api.test/v1/' },
          #{connection_extra}
        },
        actions: {
          a: {
            #{action_extra}
            execute: #{execute}
          }
        },
        #{top_extra}
      }
    RUBY
  end

  def run_action(execute, part: 'execute', action_extra: '', top_extra: '', connection_extra: '', **msg)
    src = action_connector(execute, action_extra: action_extra, top_extra: top_extra,
                                    connection_extra: connection_extra)
    run_case(src, kind: 'action', name: 'a', part: part, **msg)
  end
end
