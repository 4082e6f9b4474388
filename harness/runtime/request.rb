# frozen_string_literal: true

require 'delegate'
require 'uri'
require 'active_support/json'

module Workatogen
  # The chainable, lazy HTTP request of the SDK (workato-sdk.md §5.2, §5.3). Like the gem's
  # Workato::Connector::Sdk::Request it is a SimpleDelegator whose target is the response:
  # any method it does not define itself forces the request (method_missing), so
  # `get(...)['x']`, `.presence`, `.try`, `.each` all send it, while building and returning
  # it does not. Kernel methods kept by Delegator (is_a?, nil?, tap, ...) do not force.
  class Request < SimpleDelegator
    HWIA = ActiveSupport::HashWithIndifferentAccess

    DEFAULT_RENDER_REQUEST = ->(_payload) {}
    DEFAULT_PARSE_RESPONSE = ->(body) { body }
    DEFAULT_AFTER_RESPONSE = ->(_code, parsed, _headers) { parsed }

    def initialize(uri, method: 'GET', connection: nil, action: nil)
      super(nil)
      @uri = uri
      @verb = method
      @connection = connection
      @action = action
      @headers = {}
      @case_sensitive_headers = {}
      @render_request = DEFAULT_RENDER_REQUEST
      @parse_response = DEFAULT_PARSE_RESPONSE
      @after_response = DEFAULT_AFTER_RESPONSE
      @state = nil
    end

    ruby2_keywords def method_missing(name, *args, &block)
      response!.__send__(name, *args, &block)
    end

    # Forces the request. Each Request goes on the wire at most once (§5.3 / brief item
    # 6): the outcome, including an error or an after_error_response result, is
    # memoised. (The gem memoises only truthy successful results and would resend when
    # an errored request is forced again; the harness wants one request per object.)
    def response!
      case @state
      when :done then return __getobj__
      when :failed then ::Kernel.raise @error
      end
      begin
        value = perform
      rescue ::Exception => e # rubocop:disable Lint/RescueException
        @state = :failed
        @error = e
        ::Kernel.raise
      end
      @state = :done
      __setobj__(value)
      value
    end

    # ---- chain methods (§5.2) ----

    def headers(headers)
      @headers.merge!(headers)
      self
    end

    def case_sensitive_headers(headers)
      @case_sensitive_headers.merge!(headers)
      self
    end

    # Hash: merged with indifferent access; anything else replaces the params verbatim.
    def params(params)
      if params.is_a?(::Hash)
        @params ||= HWIA.new
        @params.merge!(params)
      else
        @params = params
      end
      self
    end

    # Hash merged into the payload (block gets the payload to mutate); a first non-Hash
    # value becomes the whole payload.
    def payload(payload = nil)
      if defined?(@payload) || payload.is_a?(::Hash)
        @payload ||= HWIA.new
        @payload.merge!(payload) if payload
      else
        @payload = payload
      end
      if ::Kernel.block_given?
        @payload ||= HWIA.new
        yield(@payload)
      end
      self
    end

    def user(usr)
      @user = usr
      self
    end

    def password(pwd)
      @password = pwd
      self
    end

    def digest_auth
      ::Kernel.raise Workatogen.not_implemented('digest_auth')
    end

    def follow_redirection
      @follow_redirection = true
      self
    end

    def ignore_redirection
      @follow_redirection = false
      self
    end

    def after_response(&block)
      @after_response = block
      self
    end

    def after_error_response(*matches, &block)
      @after_error_response_matches = matches
      @after_error_response = block
      self
    end

    def format_json
      request_format_json.response_format_json
    end

    def request_format_json
      @content_type_header = :json
      @render_request = wrap_errors(Sdk::JSONRequestFormatError) { |payload| Query.json(payload) if payload }
      self
    end

    # Empty body parses as {} (OBS: 204 No Content → {}).
    def response_format_json
      @accept_header = :json
      @parse_response = wrap_errors(Sdk::JSONResponseFormatError) do |body|
        ActiveSupport::JSON.decode(body.presence || '{}')
      end
      self
    end

    def format_xml(*)
      ::Kernel.raise Workatogen.not_implemented('format_xml')
    end

    def request_format_xml(*)
      ::Kernel.raise Workatogen.not_implemented('request_format_xml')
    end

    def response_format_xml(*)
      ::Kernel.raise Workatogen.not_implemented('response_format_xml')
    end

    # Raw body, no rendering: a String goes as is, a Hash is form-encoded by rest-client.
    def request_body(body)
      @payload = body
      @render_request = ->(payload) { payload }
      self
    end

    # Does not touch the Accept header set by a verb helper (§5.6).
    def response_format_raw
      @parse_response = wrap_errors(Sdk::RAWResponseFormatError) { |body| body.dup.force_encoding(::Encoding::BINARY) }
      self
    end

    # `[data, content_type, filename]` values become file parts; the rest plain fields.
    def request_format_multipart_form
      @content_type_header = nil
      @render_request = wrap_errors(Sdk::MultipartFormRequestFormatError) do |payload|
        rendered = payload&.each_with_object({}) do |(name, raw), out|
          value, content_type, filename = raw.is_a?(::Array) ? raw : [raw]
          out[name] = if content_type.present?
                        Query::FilePart.new(name, content_type, filename || ::File.basename(name.to_s), value.to_s)
                      else
                        value
                      end
        end
        rendered ? rendered.merge!(multipart: true) : {}
      end
      self
    end

    def request_format_www_form_urlencoded
      @content_type_header = 'application/x-www-form-urlencoded'
      @render_request = wrap_errors(Sdk::WWWFormURLEncodedRequestFormatError) { |payload| Query.to_param(payload) }
      self
    end

    def current_verb
      @verb
    end

    def current_url
      build_url
    end

    def auth_type(auth_type)
      @auth_type = auth_type
      self
    end

    # TLS settings are meaningless against the plain-TCP replay server; accepted and ignored.
    def tls_client_cert(**)
      self
    end

    def tls_server_certs(**)
      self
    end

    def puts(*args)
      ::Kernel.puts(*args)
    end

    ruby2_keywords def try(*args, &block)
      response!.try(*args, &block)
    end

    # Resolves Requests anywhere inside Hashes/Arrays returned by execute/poll (§5.3),
    # copying containers only where something changed.
    def self.response!(value)
      case value
      when Request
        response!(value.response!)
      when ::Array
        value.each_with_index.inject(value) do |acc, (item, index)|
          resolved = response!(item)
          next acc if resolved.equal?(item)

          (acc.equal?(value) ? acc.dup : acc).tap { |a| a[index] = resolved }
        end
      when ::Hash
        value.inject(value) do |acc, (key, item)|
          resolved = response!(item)
          next acc if resolved.equal?(item)

          (acc.equal?(value) ? acc.dup : acc).tap { |h| h[key] = resolved }
        end
      else
        value
      end
    end

    private

    # What response! does on first use: send (inside auth handling), then map transport
    # failures to SDK errors exactly where the gem rescues RestClient exceptions (§5.7).
    def perform
      response
    rescue HTTPTimeout => e
      ::Kernel.raise Sdk::RequestTimeoutError, e.message
    rescue HTTPError => e
      return apply_after_error_response(e) if after_error_response_matches?(e)

      ::Kernel.raise Sdk::RequestFailedError.new(response: e.http_body, message: e.message,
                                                 method: current_verb, code: e.http_code)
    end

    def response
      authorized do
        begin
          params = rest_request_params
          res = Transport.execute(**params)
        rescue URI::InvalidURIError => e
          ::Kernel.raise Sdk::InvalidURIError, e.message
        end
        detect_auth_error!(res.body)
        parsed = @parse_response.call(res.body)
        detect_auth_error!(parsed)
        apply_after_response(res.code, parsed, res.headers)
      end
    end

    def rest_request_params
      url = build_url
      headers = build_headers
      {
        method: @verb,
        url: url,
        headers: headers,
        payload: @render_request.call(@payload),
        case_sensitive_headers: @case_sensitive_headers.transform_keys(&:to_s),
        follow: @follow_redirection
      }
    end

    # §2.4 / §5.4: RFC 3986 merge with base_uri; the URL's own query is kept (empty
    # segments dropped) and params' to_param appended after '&'.
    def build_url
      uri = if (base_uri = @connection&.base_uri)
              unless valid_uri?(@uri)
                ::Kernel.raise Sdk::InvalidURIError, "Expected String or URI as request URL, got: #{@uri.class.name}"
              end
              unless valid_uri?(base_uri)
                ::Kernel.raise Sdk::InvalidURIError,
                               "Expected String or URI as output of base_uri lambda, got: #{base_uri.class.name}"
              end
              (base_uri.is_a?(::String) ? URI.parse(base_uri) : base_uri).merge(@uri)
            else
              URI.parse(@uri)
            end

      return uri.to_s unless @params || @user || @password

      uri.user = URI.encode_www_form_component(@user) if @user
      uri.password = URI.encode_www_form_component(@password) if @password

      return uri.to_s unless @params

      query = uri.query.to_s.split('&').select(&:present?).join('&').presence
      params = Query.to_param(@params).presence
      if query && params
        uri.query = "#{query}&#{params}"
      elsif params
        uri.query = params
      end
      uri.to_s
    end

    def valid_uri?(value)
      value.is_a?(::String) || value.is_a?(URI::Generic)
    end

    # §5.6: the format's Content-Type/Accept only when no header key already matches.
    def build_headers
      headers = @headers
      if @content_type_header.present? && headers.keys.none? { |key| /^content[-_]type$/i =~ key }
        headers[:content_type] = @content_type_header
      end
      headers[:accept] = @accept_header if @accept_header && headers.keys.none? { |key| /^accept$/i =~ key }
      headers.compact
    end

    # §2.3: detect_on only when the auth is reauthorizable, matched with `===`.
    def detect_auth_error!(response)
      return unless authorization? && @connection.authorization.reauthorizable?

      patterns = @connection.authorization.detect_on
      matched = patterns.any? do |pattern|
        pattern === response # rubocop:disable Style/CaseEquality
      rescue ::StandardError
        false
      end
      ::Kernel.raise Sdk::DetectOnUnauthorizedRequestError, response.to_s if matched
    end

    # §5.7: Integer = status; String/Regexp = match against message or raw body. No
    # matchers: never.
    def after_error_response_matches?(error)
      return false if @after_error_response_matches.blank?

      @after_error_response_matches.find do |match|
        case match
        when ::Integer then match == error.http_code
        when ::String then error.message.to_s.match(match) || error.http_body&.match(match)
        when ::Regexp then match =~ error.message || match =~ error.http_body
        end
      end
    end

    def apply_after_error_response(error)
      headers = HWIA.new(error.http_headers || {})
      within_action_context(error.http_code, error.http_body, headers, error.message, &@after_error_response)
    end

    # Beautified headers (lower-case, '-' → '_') with indifferent access (§5.7).
    def apply_after_response(code, parsed, headers)
      within_action_context(code, parsed, HWIA.new(headers || {}), &@after_response)
    end

    def within_action_context(*args, &block)
      ::Kernel.raise Sdk::InvalidDefinitionError, 'after_error_response needs a block' unless block

      Arity.exec(@action || self, block, *args)
    end

    def authorization?
      !!@connection&.authorization?
    end

    # §5.8: apply (custom: connection, auth_type; oauth2: connection, access_token,
    # auth_type) right before sending, after the request's own headers; on a transport
    # error or detect_on match, refresh once if refresh? says so, re-apply and resend once.
    def authorized
      return yield unless authorization?

      authorization = @connection.authorization
      apply = authorization.source[:apply] || authorization.source[:credentials]
      return yield unless apply

      first = true
      begin
        settings = @connection.settings
        if authorization.oauth2?
          Arity.exec(self, apply, settings, settings[:access_token], @auth_type)
        else
          Arity.exec(self, apply, settings, @auth_type)
        end
        yield
      rescue HTTPError, Sdk::DetectOnUnauthorizedRequestError => e
        ::Kernel.raise unless first
        ::Kernel.raise unless refresh_authorization!(settings, e.try(:http_code), e.try(:http_body), e.message)

        first = false
        retry
      end
    end

    def refresh_authorization!(settings_before, http_code, http_body, message)
      authorization = @connection.authorization
      return false unless authorization.refresh?(http_code, http_body, message)

      @connection.update_settings!(settings_before) do
        next @connection.settings unless @connection.settings == settings_before

        authorization.refresh!(settings_before)
      end
    end

    def wrap_errors(error_class, &block)
      ::Kernel.lambda do |value|
        block.call(value)
      rescue ::StandardError => e
        ::Kernel.raise error_class, e.message
      end
    end
  end
end
