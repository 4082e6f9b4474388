# frozen_string_literal: true

module Workatogen
  # A trigger (workato-sdk.md §6), mirroring the gem's Trigger.
  class Trigger < Operation
    # Guard against a poll that never stops asking for more (the gem would loop forever;
    # the Go side would only see a timeout).
    MAX_POLL_PAGES = 1000

    def initialize(trigger:, methods: {}, connection: Connection.new, object_definitions: nil)
      super(operation: trigger, methods: methods, connection: connection, object_definitions: object_definitions)
    end

    # One poll: output must be a Hash; events reversed; blank next_poll keeps the closure.
    def poll_page(settings = nil, input = {}, closure = nil, extended_input_schema = [], extended_output_schema = [])
      poll_proc = trigger[:poll]
      raise Sdk::InvalidDefinitionError, "'poll' is not defined for this trigger" unless poll_proc

      output = execute(settings, { input: input, closure: closure }, extended_input_schema,
                       extended_output_schema) do |connection, payload, eis, eos|
        Arity.exec(self, poll_proc, connection, payload[:input], payload[:closure], eis, eos) || {}
      end
      raise Sdk::InvalidTriggerPollOutputError unless output.is_a?(::Hash)

      output[:events] = Array.wrap(output[:events]).reverse!.map! { |event| ::Hash.try_convert(event) || event }
      output[:next_poll] = output[:next_poll].presence || closure
      output
    end

    # All pages: each page's (reversed) events are prepended (OBS §6.1: pages [11,12],
    # [21,22] → [22,21,12,11]).
    def poll(settings = nil, input = {}, closure = nil, extended_input_schema = [], extended_output_schema = [])
      events = []
      pages = 0
      loop do
        output = poll_page(settings, input, closure, extended_input_schema, extended_output_schema)
        events = output[:events] + events
        closure = output[:next_poll]
        break unless output[:can_poll_more]

        pages += 1
        raise Sdk::RuntimeError, "poll returned can_poll_more: true #{MAX_POLL_PAGES} times in a row" if pages >= MAX_POLL_PAGES
      end
      { events: events, can_poll_more: false, next_poll: closure }.with_indifferent_access
    end

    # dedup is called directly (not instance_exec'd), as in the gem.
    def dedup(record = {})
      dedup_proc = trigger[:dedup]
      raise Sdk::InvalidDefinitionError, "'dedup' is not defined for this trigger" unless dedup_proc

      Arity.call(dedup_proc, record)
    end

    # Reduced context: no HTTP, no `call` (§5.9).
    def webhook_notification(input = {}, payload = {}, extended_input_schema = [], extended_output_schema = [],
                             headers = {}, params = {}, settings = nil, webhook_subscribe_output = {})
      notification = trigger[:webhook_notification]
      raise Sdk::InvalidDefinitionError, "'webhook_notification' is not defined for this trigger" unless notification

      connection.merge_settings!(settings) if settings
      output = Dsl::WithDsl.new(connection).execute(
        Workatogen.wrap(input),
        payload,
        Array.wrap(extended_input_schema).map { |i| Workatogen.wrap(i) },
        Array.wrap(extended_output_schema).map { |i| Workatogen.wrap(i) },
        Workatogen.wrap(headers),
        Workatogen.wrap(params),
        connection.settings,
        Workatogen.wrap(webhook_subscribe_output),
        &notification
      )
      if output.is_a?(::Array)
        output.map! { |event| ::Hash.try_convert(event) || event }
      else
        ::Hash.try_convert(output) || output
      end
    end

    # (webhook_url, connection, input, recipe_id)
    def webhook_subscribe(webhook_url = '', settings = nil, input = {}, recipe_id = recipe_id!)
      subscribe = trigger[:webhook_subscribe]
      raise Sdk::InvalidDefinitionError, "'webhook_subscribe' is not defined for this trigger" unless subscribe

      execute(settings, { input: input, webhook_url: webhook_url, recipe_id: recipe_id }) do |connection, payload|
        Arity.exec(self, subscribe, payload[:webhook_url], connection, payload[:input], payload[:recipe_id])
      end
    end

    # Only the subscribe output is passed (§6.2): a two-parameter lambda raises ArgumentError.
    def webhook_unsubscribe(webhook_subscribe_output = {})
      unsubscribe = trigger[:webhook_unsubscribe]
      raise Sdk::InvalidDefinitionError, "'webhook_unsubscribe' is not defined for this trigger" unless unsubscribe

      execute(nil, webhook_subscribe_output) do |_connection, input|
        Arity.exec(self, unsubscribe, input)
      end
    end

    def sample_output(settings = nil, input = {})
      raise Sdk::InvalidDefinitionError, "'sample_output' is not defined for this trigger" unless trigger[:sample_output]

      super
    end

    private

    def trigger
      operation
    end
  end
end
