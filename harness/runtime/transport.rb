# frozen_string_literal: true

require 'cgi'
require 'net/http'
require 'rbconfig'
require 'socket'
require 'uri'

module Workatogen
  # The wire: what rest-client 2.1 would do with the request the SDK built, except that
  # every connection goes to the replay server (PROTOCOL.md "HTTP on the wire"). The
  # original host travels in the Host header, path and query are sent unchanged.
  module Transport
    # rest-client 2.1 reason phrases (RestClient::STATUSES); error messages are
    # "<code> <phrase>", or "HTTP status code <code>" for codes not listed (§5.7).
    STATUSES = {
      100 => 'Continue', 101 => 'Switching Protocols', 102 => 'Processing',
      200 => 'OK', 201 => 'Created', 202 => 'Accepted', 203 => 'Non-Authoritative Information',
      204 => 'No Content', 205 => 'Reset Content', 206 => 'Partial Content', 207 => 'Multi-Status',
      208 => 'Already Reported', 226 => 'IM Used',
      300 => 'Multiple Choices', 301 => 'Moved Permanently', 302 => 'Found', 303 => 'See Other',
      304 => 'Not Modified', 305 => 'Use Proxy', 306 => 'Switch Proxy', 307 => 'Temporary Redirect',
      308 => 'Permanent Redirect',
      400 => 'Bad Request', 401 => 'Unauthorized', 402 => 'Payment Required', 403 => 'Forbidden',
      404 => 'Not Found', 405 => 'Method Not Allowed', 406 => 'Not Acceptable',
      407 => 'Proxy Authentication Required', 408 => 'Request Timeout', 409 => 'Conflict', 410 => 'Gone',
      411 => 'Length Required', 412 => 'Precondition Failed', 413 => 'Payload Too Large',
      414 => 'URI Too Long', 415 => 'Unsupported Media Type', 416 => 'Range Not Satisfiable',
      417 => 'Expectation Failed', 418 => "I'm A Teapot", 421 => 'Too Many Connections From This IP',
      422 => 'Unprocessable Entity', 423 => 'Locked', 424 => 'Failed Dependency', 425 => 'Unordered Collection',
      426 => 'Upgrade Required', 428 => 'Precondition Required', 429 => 'Too Many Requests',
      431 => 'Request Header Fields Too Large', 449 => 'Retry With', 450 => 'Blocked By Windows Parental Controls',
      500 => 'Internal Server Error', 501 => 'Not Implemented', 502 => 'Bad Gateway',
      503 => 'Service Unavailable', 504 => 'Gateway Timeout', 505 => 'HTTP Version Not Supported',
      506 => 'Variant Also Negotiates', 507 => 'Insufficient Storage', 508 => 'Loop Detected',
      509 => 'Bandwidth Limit Exceeded', 510 => 'Not Extended', 511 => 'Network Authentication Required'
    }.freeze

    # rest-client's default User-Agent format (Platform.default_user_agent). The platform's
    # real value is unknown and the gem's own VCR matcher ignores it (§5.6).
    USER_AGENT = "rest-client/2.1.0 (#{RbConfig::CONFIG['host_os']} #{RbConfig::CONFIG['host_cpu']}) " \
                 "#{RUBY_ENGINE}/#{RUBY_VERSION}p#{RUBY_PATCHLEVEL}"

    # rest-client converts bare extensions in Content-Type/Accept through MIME::Types
    # (`:json` → application/json). Only the common ones are listed.
    MIME_EXTENSIONS = {
      'json' => 'application/json', 'xml' => 'application/xml', 'html' => 'text/html', 'htm' => 'text/html',
      'txt' => 'text/plain', 'text' => 'text/plain', 'csv' => 'text/csv', 'pdf' => 'application/pdf',
      'js' => 'application/javascript', 'yaml' => 'text/x-yaml', 'yml' => 'text/x-yaml',
      'png' => 'image/png', 'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'gif' => 'image/gif',
      'zip' => 'application/zip', 'bin' => 'application/octet-stream'
    }.freeze

    MAX_REDIRECTS = 10

    Response = Struct.new(:code, :body, :headers, keyword_init: true)

    module_function

    # Where requests go: "host:port" from WORKATOGEN_REPLAY_ADDR (there is no other mode).
    def replay_addr
      addr = ENV['WORKATOGEN_REPLAY_ADDR'].to_s
      m = addr.match(/\A\[?([^\[\]]+?)\]?:(\d+)\z/)
      unless m
        raise Sdk::RuntimeError,
              "WORKATOGEN_REPLAY_ADDR is not set (got #{addr.inspect}): the runtime only sends requests to the replay server"
      end
      [m[1], m[2].to_i]
    end

    # Sends one request the way RestClient::Request#execute would, following redirects
    # like rest-client 2.1 (§5.7). `follow` is the SDK's follow_redirection flag
    # (nil = rest-client default). Returns a Response or raises HTTPError.
    def execute(method:, url:, headers:, payload:, case_sensitive_headers: {}, follow: nil, redirects_left: MAX_REDIRECTS)
      url = url.to_s
      url = "http://#{url}" unless url.match?(%r{\A[a-z][a-z0-9+.-]*://}i)
      uri = parse_url(url)
      user = uri.user && CGI.unescape(uri.user)
      password = uri.password && CGI.unescape(uri.password)
      body, payload_headers = generate_payload(payload)
      processed = make_headers(headers, payload_headers)
      processed = processed.merge(case_sensitive_headers) if case_sensitive_headers.present?

      req = net_http_request(method, uri, processed, case_sensitive_headers)
      req.basic_auth(user, password.to_s) if user && !headers.key?('Authorization')
      req.body = body if body

      res = transmit(req, uri)
      response = build_response(res)
      handle_status(response, res, method: method, url: url, headers: headers, payload: payload,
                                   case_sensitive_headers: case_sensitive_headers, follow: follow,
                                   redirects_left: redirects_left)
    end

    def parse_url(url)
      uri = URI.parse(url)
      raise URI::InvalidURIError, "bad URI(no host provided): #{url}" if uri.hostname.nil? || uri.hostname.empty?

      uri
    rescue ::ArgumentError => e
      raise URI::InvalidURIError, "Invalid URL: #{e.message}"
    end

    # rest-client Payload.generate: String → as is; Hash → urlencoded, or multipart when
    # flagged; anything else → no body. Returns [body, payload_headers].
    def generate_payload(payload)
      case payload
      when ::String
        [payload, { 'Content-Length' => payload.bytesize.to_s }]
      when ::Hash
        params = payload.dup
        multipart = (params.delete(:multipart) == true) || params.values.any? { |v| v.is_a?(Query::FilePart) }
        if multipart
          body, boundary = Query.multipart(params)
          [body, { 'Content-Length' => body.bytesize.to_s,
                   'Content-Type' => "multipart/form-data; boundary=#{boundary}" }]
        else
          body = Query.rest_client_form(params)
          [body, { 'Content-Length' => body.bytesize.to_s, 'Content-Type' => 'application/x-www-form-urlencoded' }]
        end
      else
        [nil, {}]
      end
    end

    # rest-client make_headers: defaults, then the user's headers (stringified), then the
    # payload's own headers, which win (with rest-client's warning).
    def make_headers(user_headers, payload_headers)
      headers = stringify_headers(accept: '*/*', user_agent: USER_AGENT).merge(stringify_headers(user_headers))
      payload_headers.each do |key, value|
        if headers.key?(key) && headers[key] != value
          warn("warning: Overriding #{key.inspect} header #{headers[key].inspect} with #{value.inspect} due to payload")
        end
      end
      headers.merge(payload_headers)
    end

    # §5.6: symbol keys split on '_' and capitalised (`:content_type` → Content-Type,
    # `:"X-Api-Key"` → X-api-key); Content-Type/Accept values may be bare extensions.
    def stringify_headers(headers)
      headers.each_with_object({}) do |(key, value), out|
        key = key.to_s.split('_').map(&:capitalize).join('-') if key.is_a?(::Symbol)
        key = key.to_s
        out[key] = case key.upcase
                   when 'CONTENT-TYPE'
                     mime(value.to_s)
                   when 'ACCEPT'
                     values = value.is_a?(::Array) ? value : value.to_s.split(',')
                     values.map { |v| mime(v.to_s.strip) }.join(', ')
                   else
                     value.to_s
                   end
      end
    end

    def mime(ext)
      return ext unless ext.match?(/\A[a-zA-Z0-9_@-]+\z/)

      MIME_EXTENSIONS.fetch(ext.downcase, ext)
    end

    # Net::HTTP writes header names Title-Cased; case_sensitive_headers keep their exact
    # spelling on the wire (the gem patches Net::HTTPHeader#capitalize the same way).
    module CaseSensitiveNames
      attr_accessor :case_sensitive_names

      def capitalize(name)
        original = case_sensitive_names&.keys&.find { |n| n.to_s.downcase == name }
        original ? original.to_s : super
      end
    end

    def net_http_request(method, uri, headers, case_sensitive_headers)
      klass = Net::HTTP.const_get(method.to_s.downcase.capitalize, false)
      req = klass.new(uri, headers)
      if case_sensitive_headers.present?
        req.extend(CaseSensitiveNames)
        req.case_sensitive_names = case_sensitive_headers
      end
      req
    end

    def transmit(req, uri)
      host, port = replay_addr
      http = Net::HTTP.new(host, port, nil) # nil: never use a proxy from the environment
      http.use_ssl = false
      # rest-client/Net::HTTP default of 60 s; overridable for tests of the timeout path.
      timeout = (ENV['WORKATOGEN_HTTP_TIMEOUT'].presence || 60).to_f
      http.open_timeout = timeout
      http.read_timeout = timeout
      record = Workatogen.current_case&.begin_request(req.method, log_url(uri), req)
      begin
        res = http.start { |conn| conn.request(req) }
      rescue Net::OpenTimeout
        raise HTTPTimeout, 'Timed out connecting to server'
      rescue Net::ReadTimeout
        raise HTTPTimeout, 'Timed out reading data from server'
      rescue EOFError
        raise HTTPError, 'Server broke connection'
      ensure
        record&.finish(req, res)
      end
      res
    end

    # requests[].url is the full original URL; credentials never travel in it.
    def log_url(uri)
      return uri.to_s unless uri.userinfo

      uri.to_s.sub("#{uri.userinfo}@", '')
    end

    def build_response(res)
      body = res.body || +''
      body = body.dup if body.frozen?
      charset = res['content-type'].to_s[/;\s*charset\s*=\s*["']?([^"';\s]+)/i, 1]
      if charset
        encoding = (::Encoding.find(charset) rescue nil) # rubocop:disable Style/RescueModifier
        body.force_encoding(encoding) if encoding
      end
      Response.new(code: res.code.to_i, body: body, headers: beautify_headers(res.to_hash))
    end

    # rest-client AbstractResponse.beautify_headers: lower-case, '-' → '_', values joined
    # with ", " except Set-Cookie which stays an array (§5.7).
    def beautify_headers(headers)
      headers.each_with_object({}) do |(key, values), out|
        name = key.tr('-', '_').downcase
        out[name] = key.downcase == 'set-cookie' ? values : Array(values).join(', ')
      end
    end

    # rest-client 2.1 Response#return! plus the SDK's follow/ignore_redirection block.
    def handle_status(response, res, follow:, redirects_left:, **request)
      code = response.code
      redirect = [301, 302, 307, 308].include?(code)
      if !follow.nil? && redirect
        return response unless follow

        return follow_redirect(response, res, request, follow, redirects_left, get: false)
      end
      return response if (200..207).cover?(code)

      if [301, 302, 307].include?(code) && %w[get head].include?(request[:method].to_s.downcase)
        return follow_redirect(response, res, request, follow, redirects_left, get: false)
      end
      return follow_redirect(response, res, request, follow, redirects_left, get: true) if code == 303

      raise failure(response)
    end

    def follow_redirect(response, res, request, follow, redirects_left, get:)
      raise failure(response) if redirects_left <= 0

      location = res['location'].to_s
      location = URI.parse(request[:url]).merge(location).to_s unless location.match?(/\Ahttp/)
      args = request.merge(url: location, follow: follow, redirects_left: redirects_left - 1)
      args = args.merge(method: 'GET', payload: nil) if get
      execute(**args)
    end

    def failure(response)
      phrase = STATUSES[response.code]
      message = phrase ? "#{response.code} #{phrase}" : "HTTP status code #{response.code}"
      HTTPError.new(message, http_code: response.code, http_body: response.body, http_headers: response.headers)
    end
  end

  # Defence in depth for "it must be impossible to reach any other address" (brief item
  # 11): once installed, TCP connections from this process (Net::HTTP, TCPSocket,
  # Socket#connect, also from connector code that uses them directly) may only go to the
  # replay address. Unix sockets and listening sockets are untouched.
  module NetGuard
    Blocked = Class.new(SecurityError)

    class << self
      attr_reader :allowed

      def install!(host, port)
        @allowed = [host.to_s, port.to_i]
        return if @installed

        @installed = true
        ::TCPSocket.prepend(TCPSocketGuard)
        ::Socket.prepend(SocketGuard)
      end

      def check!(host, port)
        return unless @allowed
        return if same_host?(host.to_s, @allowed[0]) && port.to_i == @allowed[1]

        raise Blocked, "workatogen runtime: outbound connection to #{host}:#{port} refused " \
                       "(only the replay server #{@allowed.join(':')} may be contacted)"
      end

      def check_sockaddr!(sockaddr)
        return unless @allowed

        ai = sockaddr.is_a?(::Addrinfo) ? sockaddr : ::Addrinfo.new(sockaddr)
        return unless ai.ip?

        check!(ai.ip_address, ai.ip_port)
      end

      private

      def same_host?(a, b)
        return true if a == b

        loopback = ['127.0.0.1', 'localhost', '::1']
        loopback.include?(a) && loopback.include?(b)
      end
    end

    module TCPSocketGuard
      def initialize(host, port, *rest, **kw)
        NetGuard.check!(host, port)
        super
      end
    end

    module SocketGuard
      def connect(addr)
        NetGuard.check_sockaddr!(addr)
        super
      end

      def connect_nonblock(addr, *rest, **kw)
        NetGuard.check_sockaddr!(addr)
        super
      end
    end
  end
end
