# frozen_string_literal: true

require 'active_support/json'

module Workatogen
  # Per-case bookkeeping reported back to Go: the requests as sent, retries, settings
  # changed by acquire/refresh (PROTOCOL.md "Ruby → Go").
  class CaseContext
    attr_reader :requests, :retries, :connection_updates, :retry_delay_scale

    def initialize(retry_delay_scale: 1)
      @requests = []
      @retries = 0
      @connection_updates = nil
      @retry_delay_scale = retry_delay_scale.nil? ? 1 : retry_delay_scale.to_f
    end

    # One entry per request put on the wire, in sending order (§5.3 forcing order).
    def begin_request(method, url, net_request)
      entry = { 'seq' => @requests.length + 1, 'method' => method.to_s.upcase, 'url' => url, 'headers' => {} }
      @requests << entry
      RequestRecord.new(entry, net_request)
    end

    def retried!
      @retries += 1
    end

    def connection_updated(settings)
      @connection_updates = (@connection_updates || HWIA.new).merge(settings)
    end

    RequestRecord = Struct.new(:entry, :net_request) do
      # Headers as written on the wire (Net::HTTP adds Host, Content-Length, ...).
      def finish(req, res)
        headers = {}
        req.each_capitalized { |name, value| headers[name] = value }
        entry['headers'] = headers
        entry['status'] = res.code.to_i if res
      end
    end
  end

  class << self
    attr_accessor :current_case

    def delay_scale
      current_case ? current_case.retry_delay_scale : 1
    end
  end

  # Executes one "run" message (PROTOCOL.md "Go → Ruby") and builds its "result".
  module Runner
    ERROR_KINDS = {
      Sdk::MissingRequiredInput => 'missing_input',
      Sdk::RequestFailedError => 'request_failed',
      Sdk::RequestTimeoutError => 'timeout'
    }.freeze

    module_function

    def run(msg)
      started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      ctx = CaseContext.new(retry_delay_scale: msg['retry_delay_scale'])
      Workatogen.current_case = ctx
      output = nil
      error = nil
      begin
        output = dispatch(msg)
      rescue SignalException
        raise
      rescue ::Exception => e # rubocop:disable Lint/RescueException
        error = describe_error(e, msg['connector'])
      ensure
        Workatogen.current_case = nil
      end
      {
        'type' => 'result',
        'id' => msg['id'],
        'ok' => error.nil?,
        'output' => output,
        'error' => error,
        'requests' => ctx.requests,
        'connection_updates' => ctx.connection_updates,
        'retries' => ctx.retries,
        'duration_ms' => ((Process.clock_gettime(Process::CLOCK_MONOTONIC) - started) * 1000).round(3)
      }
    end

    def dispatch(msg)
      target = msg['target'] || {}
      kind = target['kind'].to_s
      name = target['name']
      part = target['part'].to_s
      path = msg['connector'].to_s
      raise Sdk::InvalidDefinitionError, 'run message has no connector path' if path.empty?

      instance = ConnectorInstance.new(Loader.load(path), msg['connection'] || {})
      input = msg['input'] || {}
      config_fields = msg['config_fields'] || {}
      args = Array(msg['args'])
      webhook = msg['webhook'] || {}

      case kind
      when 'describe' then instance.describe
      when 'test' then instance.test
      when 'action' then run_action(instance.action(name), part, input, config_fields)
      when 'trigger' then run_trigger(instance.trigger(name), part, msg, input, config_fields, webhook)
      when 'pick_list' then instance.pick_list(name, args.first || {})
      when 'method' then instance.call_method(name, args)
      when 'object_definition' then instance.object_definition(name, config_fields)
      when 'connection' then run_connection(instance, part, args)
      else unknown('target kind', kind, %w[describe test action trigger pick_list method object_definition connection])
      end
    end

    def run_action(action, part, input, config_fields)
      case part
      when 'invoke' then action.invoke(input)
      when 'execute' then action.execute(nil, input)
      when 'input_fields' then action.input_fields(nil, config_fields)
      when 'output_fields' then action.output_fields(nil, config_fields)
      when 'sample_output' then action.sample_output(nil, input)
      else unknown('action part', part, %w[invoke execute input_fields output_fields sample_output])
      end
    end

    def run_trigger(trigger, part, msg, input, config_fields, webhook)
      case part
      when 'poll' then trigger.poll(nil, input, msg['closure'])
      when 'poll_page' then trigger.poll_page(nil, input, msg['closure'])
      when 'dedup' then trigger.dedup(msg['record'])
      when 'webhook_subscribe'
        recipe_id = webhook['recipe_id'].presence || trigger.recipe_id!
        trigger.webhook_subscribe(webhook['url'].to_s, nil, input, recipe_id)
      when 'webhook_unsubscribe' then trigger.webhook_unsubscribe(webhook['subscribe_output'])
      when 'webhook_notification'
        trigger.webhook_notification(input, webhook['payload'], [], [], webhook['headers'] || {},
                                     webhook['params'] || {}, nil, webhook['subscribe_output'] || {})
      when 'input_fields' then trigger.input_fields(nil, config_fields)
      when 'output_fields' then trigger.output_fields(nil, config_fields)
      when 'sample_output' then trigger.sample_output(nil, input)
      else
        unknown('trigger part', part, %w[poll poll_page dedup webhook_subscribe webhook_unsubscribe
                                         webhook_notification input_fields output_fields sample_output])
      end
    end

    # args: acquire → [auth_code, redirect_uri]; refresh → [refresh_token].
    def run_connection(instance, part, args)
      connection = instance.connection
      case part
      when 'base_uri' then connection.base_uri
      when 'fields' then connection.source[:fields]
      when 'authorization_url' then connection.authorization.authorization_url
      when 'token_url' then connection.authorization.token_url
      when 'acquire' then connection.authorization.acquire(nil, args[0], args[1])
      when 'refresh'
        connection.authorization.refresh(nil, args[0] || connection.settings[:refresh_token])
      else unknown('connection part', part, %w[base_uri fields authorization_url token_url acquire refresh])
      end
    end

    def unknown(what, value, known)
      raise Sdk::InvalidDefinitionError, "unknown #{what} #{value.inspect} (expected one of: #{known.join(', ')})"
    end

    def describe_error(error, connector_path)
      kind = if error.is_a?(ConnectorLoadError)
               error.kind.to_s
             else
               ERROR_KINDS.find { |klass, _| error.is_a?(klass) }&.last || 'error'
             end
      out = {
        'class' => error.is_a?(ConnectorLoadError) ? error.error_class : (error.class.name || error.class.to_s),
        'message' => error.message.to_s,
        'backtrace' => backtrace(error, connector_path),
        'kind' => kind
      }
      if error.is_a?(Sdk::RequestFailedError)
        out['code'] = error.code
        out['response'] = error.response
      end
      out
    end

    # Connector frames first (as "connector.rb:120:in ..."); runtime frames only when the
    # connector does not appear at all.
    def backtrace(error, connector_path)
      lines = Array(error.backtrace)
      if connector_path && !connector_path.empty?
        base = File.basename(connector_path)
        own = lines.select { |l| l.start_with?(connector_path) }.map { |l| l.sub(connector_path, base) }
        return own.first(20) if own.any?
      end
      runtime_dir = "#{__dir__}/"
      lines.first(10).map { |l| l.sub(runtime_dir, 'runtime/') }
    end
  end

  # Serialises protocol messages: ActiveSupport's JSON encoding (Time → ISO 8601 with
  # milliseconds, symbols → strings), strings forced to valid UTF-8 first.
  module Wire
    module_function

    def dump(message)
      ActiveSupport::JSON.encode(utf8(message.as_json))
    end

    def utf8(value)
      case value
      when ::String
        return value if value.encoding == ::Encoding::UTF_8 && value.valid_encoding?

        value.dup.force_encoding(::Encoding::UTF_8).scrub("\uFFFD")
      when ::Hash then value.each_with_object({}) { |(k, v), h| h[utf8(k.to_s)] = utf8(v) }
      when ::Array then value.map { |v| utf8(v) }
      else value
      end
    end
  end
end
