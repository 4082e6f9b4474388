# frozen_string_literal: true

require 'json'

module Workatogen
  HWIA = ActiveSupport::HashWithIndifferentAccess

  # Utilities::HashWithIndifferentAccess.wrap of the gem: nil → {}, HWIA as is, anything
  # else via with_indifferent_access (so an Array raises NoMethodError, as in the gem).
  def self.wrap(value)
    return HWIA.new unless value
    return value if value.is_a?(HWIA)

    value.with_indifferent_access
  end

  # The connection: its source (`connection:` hash of the connector), the user's settings
  # and the authorization logic (workato-sdk.md §2).
  class Connection
    attr_reader :source

    def initialize(connection: {}, methods: {}, settings: HWIA.new)
      @source = Workatogen.wrap(connection)
      @methods_source = Workatogen.wrap(methods)
      @settings = settings
    end

    # The shared settings object (acquire's helper connection writes into the same hash).
    def settings!
      @settings
    end

    # A fresh copy each time: connector code may scribble on what it gets.
    def settings
      @settings.with_indifferent_access
    end

    def merge_settings!(settings)
      @settings.merge!(settings)
    end

    def authorization?
      source[:authorization].present?
    end

    def authorization
      raise ::NotImplementedError, 'define authorization: before use' if source[:authorization].blank?

      @authorization ||= Authorization.new(connection: self, authorization: source[:authorization],
                                           methods: @methods_source)
    end

    # Evaluated for every request (and current_url) in the reduced DSL context (§2.4).
    def base_uri(settings = nil)
      return unless source[:base_uri]

      merge_settings!(settings) if settings
      Dsl::WithDsl.new(self).execute(self.settings, &source[:base_uri])
    end

    # Refresh bookkeeping (§5.8): merge what the refresher returned into the settings and
    # report it to the harness as connection_updates. false when nothing was returned.
    def update_settings!(_settings_before)
      new_settings = yield
      return false unless new_settings

      merged = settings.merge(new_settings)
      merge_settings!(merged)
      Workatogen.current_case&.connection_updated(new_settings)
      true
    end

    class Authorization
      def initialize(connection:, authorization:, methods:)
        @connection = connection
        @connection_source = connection.source
        @source = authorization
        @methods_source = methods
      end

      # Only /oauth2/i and 'multi' matter; every other type behaves the same (§2.3).
      def type
        (source[:type].presence || 'none').to_s
      end

      def oauth2?
        !!(/oauth2/i =~ type)
      end

      def multi?
        @source[:type].to_s == 'multi'
      end

      def refresh_on
        Array.wrap(source[:refresh_on]).compact
      end

      def detect_on
        Array.wrap(source[:detect_on]).compact
      end

      def client_id(settings = nil)
        literal_or_lambda(:client_id, settings)
      end

      def client_secret(settings = nil)
        literal_or_lambda(:client_secret, settings)
      end

      def authorization_url(settings = nil)
        @connection.merge_settings!(settings) if settings
        return unless source[:authorization_url]

        Dsl::WithDsl.new(@connection).execute(@connection.settings, &source[:authorization_url])
      end

      def token_url(settings = nil)
        @connection.merge_settings!(settings) if settings
        return unless source[:token_url]

        Dsl::WithDsl.new(@connection).execute(@connection.settings, &source[:token_url])
      end

      # acquire(connection, auth_code, redirect_uri): its own requests go without `apply`
      # (but with base_uri and detect_on), through a helper connection sharing settings.
      def acquire(settings = nil, oauth2_code = nil, redirect_url = nil)
        @connection.merge_settings!(settings) if settings
        acquire_proc = source[:acquire]
        raise Sdk::InvalidDefinitionError, "Expect 'acquire' block" unless acquire_proc

        helper = Connection.new(
          connection: @connection_source.merge(authorization: source.merge(apply: nil)),
          methods: @methods_source,
          settings: @connection.settings!
        )
        Operation.new(connection: helper, methods: @methods_source)
                 .execute(settings, { auth_code: oauth2_code, redirect_url: redirect_url }) do |connection, input|
          Arity.exec(self, acquire_proc, connection, input[:auth_code], input[:redirect_url])
        end
      end

      def reauthorizable?
        oauth2? || source[:acquire].present?
      end

      # refresh_on empty ⇒ any failure qualifies; otherwise Integer = status, String/Regexp
      # matched with === against message and body. Only for reauthorizable auth (§2.3).
      def refresh?(http_code, http_body, message)
        return false unless reauthorizable?

        patterns = refresh_on
        patterns.blank? || patterns.any? do |pattern|
          (pattern.is_a?(::Integer) && pattern == http_code) ||
            pattern === message&.to_s || # rubocop:disable Style/CaseEquality
            pattern === http_body # rubocop:disable Style/CaseEquality
        end
      end

      def refresh!(settings)
        if oauth2?
          refresh_oauth2_token(settings)
        elsif source[:acquire].present?
          acquire(settings)
        end
      end

      # refresh(connection, refresh_token): runs on a bare connection (no base_uri, no auth).
      def refresh(settings = nil, refresh_token = nil)
        @connection.merge_settings!(settings) if settings
        refresh_proc = source[:refresh]
        raise Sdk::InvalidDefinitionError, "Expect 'refresh' block" unless refresh_proc

        helper = Connection.new(methods: @methods_source, settings: @connection.settings!)
        Operation.new(connection: helper, methods: @methods_source)
                 .execute(settings, { refresh_token: refresh_token }) do |connection, input|
          Arity.exec(self, refresh_proc, connection, input[:refresh_token])
        end
      end

      # Multi-auth: `selected` picks a key of `options` (§2.3).
      def source
        return @source unless multi?

        raise Sdk::InvalidMultiAuthDefinition, "Multi-auth connection must define 'selected' block" unless @source[:selected]
        raise Sdk::InvalidMultiAuthDefinition, "Multi-auth connection must define 'options' list" if @source[:options].blank?

        key = Arity.call(@source[:selected], @connection.settings)
        selected = @source.dig(:options, key)
        raise Sdk::UnresolvedMultiAuthOptionError, key unless selected

        selected
      end

      private

      def literal_or_lambda(key, settings)
        @connection.merge_settings!(settings) if settings
        value = source[key]
        value.is_a?(::Proc) ? Dsl::WithDsl.new(@connection).execute(@connection.settings, &value) : value
      end

      def refresh_oauth2_token(settings)
        if source[:refresh].present?
          new_tokens, new_settings = refresh(settings, settings[:refresh_token])
          new_tokens = Workatogen.wrap(new_tokens)
          new_settings ? new_tokens.merge(new_settings) : new_tokens
        elsif source[:token_url].present?
          refresh_with_token_url(settings)
        else
          raise Sdk::InvalidDefinitionError, "'refresh' block or 'token_url' is required for refreshing the token"
        end
      end

      # Standard grant_type=refresh_token POST (form body, Accept: application/json) when
      # an oauth2 auth has no `refresh` lambda (§2.3).
      def refresh_with_token_url(settings)
        if settings[:refresh_token].blank?
          raise Sdk::NotImplementedError, 'refresh_token is empty. ' \
                                          'Use workato oauth2 command to acquire access_token and refresh_token'
        end

        response = Transport.execute(
          method: 'POST',
          url: token_url(settings),
          headers: { accept: :json },
          payload: {
            client_id: client_id(settings),
            client_secret: client_secret(settings),
            grant_type: :refresh_token,
            refresh_token: settings[:refresh_token]
          }
        )
        tokens = ::JSON.parse(response.body)
        {
          access_token: tokens['access_token'],
          refresh_token: tokens['refresh_token'].presence || settings[:refresh_token]
        }.with_indifferent_access
      end
    end
  end
end
