# frozen_string_literal: true

module Workatogen
  # An action (workato-sdk.md §3): execute with the gem's retry and reinvoke loops, and
  # the full `invoke` of §3.1.
  class Action < Operation
    include Dsl::ReinvokeAfter

    RETRY_DEFAULT_CODES = [429, 500, 502, 503, 504, 507].freeze
    RETRY_DEFAULT_METHODS = %w[get head].freeze
    RETRY_DELAY = 5 # seconds, doubled after each retry: 5, 10, 20 (§3 [DIVERGENCE])
    MAX_RETRIES = 3

    def initialize(action:, methods: {}, connection: Connection.new, object_definitions: nil)
      super(operation: action, methods: methods, connection: connection, object_definitions: object_definitions)
      @retry_delay_factor = 1
      @retries_left = 0
      @retry_codes = []
      @retry_methods = []
      @retry_matchers = []
      initialize_retry
    end

    # A RequestFailedError matching retry_on_response/retry_on_request re-runs the whole
    # execute lambda (not just the request), at most max_retries (≤ 3) times.
    def execute(settings = nil, input = {}, extended_input_schema = [], extended_output_schema = [], continue = {},
                &block)
      raise Sdk::InvalidDefinitionError, "'execute' block is required for action" unless block || action[:execute]

      loop_reinvoke_after(continue) do |next_continue|
        return super(settings, input, extended_input_schema, extended_output_schema, next_continue,
                     &(block || action[:execute]))
      end
    rescue Sdk::RequestFailedError => e
      raise unless retry?(e)

      @retries_left -= 1
      Workatogen.current_case&.retried!
      retry_sleep
      retry
    end

    # §3.1: schema with config_fields = input, trim + required + convert_input, execute,
    # convert_output.
    def invoke(input = {})
      extended = extended_schema(nil, input)
      config_schema = Schema.new(schema: config_fields_schema)
      input_schema = Schema.new(schema: extended[:input])
      output_schema = Schema.new(schema: extended[:output])

      input = apply_input_schema(input, config_schema + input_schema)
      output = execute(nil, input, input_schema, output_schema)
      apply_output_schema(output, output_schema)
    end

    private

    def action
      operation
    end

    def initialize_retry
      matchers = Array(action[:retry_on_response])
      return if matchers.blank?

      matchers.each { |m| m.is_a?(::Integer) ? @retry_codes << m : @retry_matchers << m }
      @retry_codes = RETRY_DEFAULT_CODES if @retry_codes.empty?
      @retry_methods = (Array(action[:retry_on_request]).presence || RETRY_DEFAULT_METHODS).map { |m| m.to_s.downcase }
      max = action[:max_retries]
      @retries_left = ((max.is_a?(::Integer) && max) || MAX_RETRIES).clamp(0, MAX_RETRIES)
    end

    def retry?(error)
      return false unless @retries_left.positive?
      return false unless @retry_codes.include?(error.code.to_i)
      return false unless @retry_matchers.empty? || @retry_matchers.any? do |m|
        m === error.message || m === error.response # rubocop:disable Style/CaseEquality
      end

      @retry_methods.include?(error.method.to_s.downcase)
    end

    def retry_sleep
      ::Kernel.sleep(@retry_delay_factor * RETRY_DELAY * Workatogen.delay_scale)
      @retry_delay_factor *= 2
    end
  end
end
