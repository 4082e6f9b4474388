# A deliberately small stand-in for harness/runtime, used by the harness
# tests until (and as a cross-check after) the real Workato emulation lands.
# It covers only what harness/testdata/connectors use: actions' execute with
# get/post/put/patch/delete, params/payload/headers, lazy requests, apply,
# base_uri, error(). Semantics follow ../../shared docs only loosely.
require 'json'
require 'net/http'
require 'active_support/all'

$stdout.sync = true
$stderr.sync = true
PROTO = IO.new(3, 'w')
PROTO.sync = true
PROTO.puts({ type: 'ready', ruby: RUBY_VERSION, activesupport: ActiveSupport::VERSION::STRING, protocol: 1 }.to_json)

class FakeError < StandardError
  attr_reader :kind
  def initialize(msg, kind = 'error')
    super(msg)
    @kind = kind
  end
end

REASONS = { 400 => 'Bad Request', 401 => 'Unauthorized', 404 => 'Not Found', 422 => 'Unprocessable Entity', 599 => 'Unrecorded' }.freeze

class FakeRequest
  def initialize(ctx, verb, url, payload)
    @ctx, @verb, @url, @payload = ctx, verb, url, payload
    @params = {}
    @headers = {}
    @format = 'json'
  end

  def params(h) = tap { @params.merge!(h) }
  def payload(h) = tap { @payload = (@payload || {}).merge(h) }
  def headers(h) = tap { @headers.merge!(h) }
  def request_format_www_form_urlencoded = tap { @format = 'form' }
  def after_error_response(*) = self

  def response!
    @response ||= @ctx.send_request(@verb, @url, @params, @headers, @payload, @format)
  end

  def method_missing(name, *args, &block)
    response!.public_send(name, *args, &block)
  end

  def respond_to_missing?(*) = true
end

class Ctx
  attr_reader :sent

  def initialize(connector, connection)
    @connector, @connection, @sent = connector, connection, []
  end

  %w[get post put patch delete].each do |verb|
    define_method(verb) do |url, arg = nil|
      r = FakeRequest.new(self, verb.upcase, url, verb == 'get' ? nil : arg)
      r.params(arg) if verb == 'get' && arg
      r
    end
  end

  def error(msg) = raise(FakeError.new(msg))

  def base
    b = @connector.dig(:connection, :base_uri)
    b ? b.call(@connection) : ''
  end

  def send_request(verb, url, params, headers, payload, format)
    uri = URI.join(base, url)
    q = [uri.query, params.presence&.to_query].compact.join('&')
    apply = @connector.dig(:connection, :authorization, :apply)
    hdrs = { 'Accept' => 'application/json' }
    hdrs['Content-Type'] = format == 'form' ? 'application/x-www-form-urlencoded' : 'application/json' if verb != 'GET'
    hdrs.merge!(headers.transform_keys(&:to_s))
    if apply
      collector = Object.new
      collector.define_singleton_method(:headers) { |h| hdrs.merge!(h.transform_keys(&:to_s)) }
      collector.instance_exec(@connection, &apply)
    end
    body = payload && (format == 'form' ? payload.to_query : payload.to_json)
    host, port = ENV.fetch('WORKATOGEN_REPLAY_ADDR').split(':')
    path = uri.path + (q.empty? ? '' : "?#{q}")
    req = Net::HTTPGenericRequest.new(verb, !body.nil?, true, path, hdrs.merge('Host' => uri.host))
    req.body = body if body
    @sent << { seq: @sent.size + 1, method: verb, url: "#{uri.scheme}://#{uri.host}#{path}", headers: hdrs }
    res = Net::HTTP.start(host, port.to_i) { |http| http.request(req) }
    code = res.code.to_i
    raise FakeError.new("#{code} #{REASONS[code]}", 'request_failed') unless (200..299).cover?(code)
    res.body.to_s.empty? ? {} : JSON.parse(res.body)
  end
end

def resolve(v)
  case v
  when FakeRequest then v.response!
  when Hash then v.transform_values { |x| resolve(x) }
  when Array then v.map { |x| resolve(x) }
  else v
  end
end

def load_connector(path)
  eval(File.read(path), TOPLEVEL_BINDING, path, 1) # rubocop:disable Security/Eval
rescue SyntaxError => e
  raise FakeError.new(e.message, 'syntax')
end

$stdin.each_line do |line|
  msg = JSON.parse(line)
  out = { type: 'result', id: msg['id'], ok: true, output: nil, error: nil, requests: [], duration_ms: 0 }
  ctx = nil
  begin
    connector = load_connector(msg['connector'])
    t = msg['target']
    if t['kind'] == 'describe'
      out[:output] = { actions: (connector[:actions] || {}).keys, triggers: (connector[:triggers] || {}).keys }
    else
      action = connector.dig(:actions, t['name'].to_sym) or raise FakeError.new("no action #{t['name']}")
      ctx = Ctx.new(connector, msg['connection'].with_indifferent_access)
      args = [msg['connection'].with_indifferent_access, msg['input'].with_indifferent_access]
      lam = action[:execute]
      out[:output] = resolve(ctx.instance_exec(*args.first(lam.arity.negative? ? 2 : lam.arity), &lam))
    end
  rescue FakeError => e
    out[:ok] = false
    out[:error] = { class: e.class.name, message: e.message, backtrace: e.backtrace&.first(3) || [], kind: e.kind }
  rescue StandardError, ScriptError => e
    out[:ok] = false
    out[:error] = { class: e.class.name, message: e.message, backtrace: e.backtrace&.first(3) || [], kind: 'error' }
  end
  out[:requests] = ctx.sent if ctx
  PROTO.puts(out.to_json)
end
