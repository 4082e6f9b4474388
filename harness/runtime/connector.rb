# frozen_string_literal: true

# The binding the connector source is evaluated in. The gem evaluates it inside
# Workato::Connector::Sdk::Connector.from_file (workato-sdk.md §1), so constants in
# connector code resolve from that lexical scope: a bare `RuntimeError` or `ArgumentError`
# there is the SDK's class. We reproduce the same scope.
module Workato
  module Connector
    module Sdk
      class Connector
        def self.__workatogen_binding
          binding
        end

        # `require 'byebug'` at the top of a connector is tolerated (§1); the gem's
        # environment has byebug installed, this one need not.
        def self.require(name)
          return false if name.to_s == 'byebug'

          ::Kernel.require(name)
        end

        def self.byebug(*); end
      end
    end
  end
end

module Workatogen
  # §1 "Lambda arity rule": every lambda gets at most as many positional arguments as it
  # declares (args.take(parameters.length), as the gem's BlockInvocationRefinements), and
  # runs with instance_exec on the operation object. A lambda declaring more required
  # parameters than passed still raises ArgumentError. A trailing keyword hash (pick lists)
  # is passed through as keywords.
  module Arity
    module_function

    ruby2_keywords def exec(receiver, block, *args)
      raise Sdk::InvalidDefinitionError, "expected a lambda, got #{block.class.name}" unless block.is_a?(::Proc)

      receiver.instance_exec(*args.take(block.parameters.length), &block)
    end

    ruby2_keywords def call(block, *args)
      raise Sdk::InvalidDefinitionError, "expected a lambda, got #{block.class.name}" unless block.is_a?(::Proc)

      block.call(*args.take(block.parameters.length))
    end
  end

  # Why a connector could not be loaded; reported per case with kind syntax|load.
  class ConnectorLoadError < StandardError
    attr_reader :kind, :original

    def initialize(kind, message, original = nil)
      super(message)
      @kind = kind
      @original = original
      set_backtrace(original.backtrace) if original&.backtrace
    end

    def error_class
      original ? original.class.name : 'Workatogen::ConnectorLoadError'
    end
  end

  # Loads a connector file like Connector.from_file: eval of the whole file, which must
  # produce a Hash, wrapped with indifferent access. Results (and failures) are cached by
  # path + mtime + size (PROTOCOL.md).
  module Loader
    @cache = {}

    class << self
      def load(path)
        stat = File.stat(path)
        key = [File.expand_path(path), stat.mtime.to_r, stat.size]
        entry = (@cache[key[0]] ||= {})
        unless entry[:key] == key
          entry.replace(key: key, result: evaluate(path))
        end
        result = entry[:result]
        raise result if result.is_a?(ConnectorLoadError)

        result
      rescue SystemCallError => e
        raise ConnectorLoadError.new(:load, "cannot read connector #{path}: #{e.message}", e)
      end

      def clear
        @cache.clear
      end

      private

      def evaluate(path)
        code = File.read(path, mode: 'rb').force_encoding(::Encoding::UTF_8)
        unless code.valid_encoding?
          return ConnectorLoadError.new(:load, "#{path}: connector code must be UTF-8")
        end

        value = eval(code, Workato::Connector::Sdk::Connector.__workatogen_binding, path) # rubocop:disable Security/Eval
        unless value.is_a?(::Hash)
          return ConnectorLoadError.new(:load, "#{path}: connector must evaluate to a Hash, got #{value.class.name}")
        end

        value.with_indifferent_access
      rescue ::SyntaxError => e
        ConnectorLoadError.new(:syntax, e.message, e)
      rescue ::ScriptError, ::StandardError, ::SystemStackError => e
        ConnectorLoadError.new(:load, "#{path}: #{e.class}: #{e.message}", e)
      end
    end
  end

  # One connector with one set of connection settings: the entry points the harness
  # targets (the gem's Connector + ActionsProxy/TriggersProxy/PickListsProxy/MethodsProxy).
  class ConnectorInstance
    def initialize(source, settings)
      @source = source
      @settings = Workatogen.wrap(settings).deep_dup
      @methods_source = source[:methods] || HWIA.new
      @connection = Connection.new(connection: source[:connection] || HWIA.new, methods: @methods_source,
                                   settings: @settings)
    end

    attr_reader :connection

    def title
      @source[:title]
    end

    def object_definitions
      @object_definitions ||= ObjectDefinitions.new(object_definitions: @source[:object_definitions].presence || {},
                                                    connection: @connection, methods: @methods_source)
    end

    def action(name)
      Action.new(action: lookup(:actions, 'action', name), methods: @methods_source, connection: @connection,
                 object_definitions: object_definitions)
    end

    def trigger(name)
      Trigger.new(trigger: lookup(:triggers, 'trigger', name), methods: @methods_source, connection: @connection,
                  object_definitions: object_definitions)
    end

    # Top-level `test` only (§1), run like an action's execute.
    def test
      test_proc = @source[:test]
      raise Sdk::InvalidDefinitionError, "connector has no top-level 'test' lambda" unless test_proc

      Action.new(action: { execute: test_proc }, methods: @methods_source, connection: @connection).execute
    end

    # §7.1: arity 0 → no args; 1 → (connection); more → (connection, **args).
    def pick_list(name, args)
      pick_list_proc = lookup(:pick_lists, 'pick list', name)
      execute = lambda do |connection, input|
        case pick_list_proc.parameters.length
        when 0 then Arity.exec(self, pick_list_proc)
        when 1 then Arity.exec(self, pick_list_proc, connection)
        else Arity.exec(self, pick_list_proc, connection, **input.symbolize_keys)
        end
      end
      Action.new(action: { execute: execute }, methods: @methods_source, connection: @connection)
            .execute(nil, Workatogen.wrap(args))
    end

    # Unknown names raise UndefinedMethodError from `call`, as in connector code.
    def call_method(name, args)
      Action.new(action: { execute: -> { call(name, *args) } }, methods: @methods_source, connection: @connection)
            .execute
    end

    def object_definition(name, config_fields)
      lookup(:object_definitions, 'object definition', name)
      object_definitions.lazy(nil, config_fields || {})[name]
    end

    def describe
      {
        title: title,
        actions: keys(:actions),
        triggers: keys(:triggers),
        pick_lists: keys(:pick_lists),
        methods: keys(:methods),
        object_definitions: keys(:object_definitions)
      }
    end

    private

    def keys(section)
      (@source[section].presence || {}).keys
    end

    def lookup(section, what, name)
      defs = @source[section].presence || {}
      found = name.nil? ? nil : defs[name]
      return found if found

      raise Sdk::InvalidDefinitionError,
            "unknown #{what} '#{name}' (connector defines: #{defs.keys.join(', ').presence || 'none'})"
    end
  end
end
