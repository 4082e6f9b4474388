# frozen_string_literal: true

module Workatogen
  # The object every action/trigger/method/pick-list lambda is instance_exec'd on, so
  # DSL functions are bare calls (workato-sdk.md §1 "All lambdas run via instance_exec on
  # an operation object"). Mirrors the gem's Operation.
  class Operation
    include Dsl::Global
    include Dsl::HTTP
    include Dsl::Call
    include Dsl::Error
    include Dsl::ExecutionContext

    def initialize(operation: {}, methods: {}, connection: Connection.new, object_definitions: nil)
      @operation = Workatogen.wrap(operation)
      @_methods = Workatogen.wrap(methods)
      @connection = connection
      @object_definitions = object_definitions
    end

    # Runs a lambda with (connection, input, extended_input_schema, extended_output_schema,
    # continue), truncated to its arity, then resolves any Request in the result (§5.3).
    def execute(settings = nil, input = {}, extended_input_schema = [], extended_output_schema = [], continue = {},
                &block)
      raise Sdk::InvalidDefinitionError, 'lambda is not defined' unless block

      connection.merge_settings!(settings) if settings
      result = Arity.exec(
        self, block,
        connection.settings,
        Workatogen.wrap(input),
        Array.wrap(extended_input_schema).map { |i| Workatogen.wrap(i) },
        Array.wrap(extended_output_schema).map { |i| Workatogen.wrap(i) },
        Workatogen.wrap(continue)
      )
      indifferent(Request.response!(result))
    end

    # §3.1 step 1: schema lambdas get (object_definitions, connection, config_fields).
    def extended_schema(settings = nil, config_fields = {})
      definitions = object_definitions.lazy(settings, config_fields)
      {
        input: schema_fields(definitions, settings, config_fields, &operation[:input_fields]),
        output: schema_fields(definitions, settings, config_fields, &operation[:output_fields])
      }.with_indifferent_access
    end

    def input_fields(settings = nil, config_fields = {})
      schema_fields(object_definitions.lazy(settings, config_fields), settings, config_fields, &operation[:input_fields])
    end

    def output_fields(settings = nil, config_fields = {})
      schema_fields(object_definitions.lazy(settings, config_fields), settings, config_fields, &operation[:output_fields])
    end

    def sample_output(settings = nil, input = {})
      execute(settings, input, &operation[:sample_output])
    end

    private

    attr_reader :operation, :connection

    # §3.1 steps 2–4: trim, required check, convert_input.
    def apply_input_schema(input, schema)
      input = schema.trim(input)
      schema.apply(input, enforce_required: true) do |value, field|
        Converters.apply(value, field[:render_input], @_methods)
      end
    end

    # §3.1 step 5: convert_output, no trimming.
    def apply_output_schema(output, schema)
      schema.apply(output, enforce_required: false) do |value, field|
        Converters.apply(value, field[:parse_output], @_methods)
      end
    end

    def config_fields_schema
      operation[:config_fields] || []
    end

    def schema_fields(definitions, settings, config_fields, &schema_proc)
      return [] unless schema_proc

      Array.wrap(
        execute(settings, config_fields) do |connection, input|
          Arity.exec(self, schema_proc, definitions, connection, input)
        end
      )
    end

    def indifferent(value)
      case value
      when ::Hash then Workatogen.wrap(value)
      when ::Array then value.map! { |i| indifferent(i) }
      else value
      end
    end

    def object_definitions
      @object_definitions || ObjectDefinitions.new(object_definitions: {}, connection: connection, methods: @_methods)
    end
  end

  # object_definitions resolved lazily per name with (connection, config_fields,
  # object_definitions), deep-dup'd on every access, recursion reported (§7.3).
  class ObjectDefinitions
    # Each read returns a deep copy, so callers may mutate what they get (§4.4).
    class DupHash < HWIA
      def [](name)
        super.deep_dup
      end
    end

    def initialize(object_definitions:, connection:, methods:)
      @source = Workatogen.wrap(object_definitions)
      @connection = connection
      @methods = methods
    end

    def lazy(settings = nil, config_fields = {})
      in_progress = {}
      source = @source
      DupHash.new do |definitions, name|
        fields_proc = source.dig(name, :fields)
        raise Sdk::UnresolvedObjectDefinitionError, name unless fields_proc
        # The gem detects the cycle by catching SystemStackError; detecting re-entry is
        # equivalent (same arguments ⇒ same recursion) and much faster.
        raise Sdk::CircleReferenceObjectDefinitionError, name if in_progress[name]

        in_progress[name] = true
        begin
          definitions[name] = Operation.new(methods: @methods, connection: @connection)
                                       .execute(settings, config_fields) do |connection, input|
            Arity.exec(self, fields_proc, connection, input, definitions)
          end
        rescue SystemStackError
          raise Sdk::CircleReferenceObjectDefinitionError, name
        ensure
          in_progress.delete(name)
        end
      end
    end

    def names
      @source.keys
    end
  end
end
