# frozen_string_literal: true

require 'time'

module Workatogen
  # Schema handling of a full action run (workato-sdk.md §3.1, §4): field defaults per
  # type, trimming of undeclared inputs, the required-field check and the convert_input /
  # convert_output (render_input / parse_output) converters applied recursively.
  class Schema
    # Defaults merged under each field by type (gem's schema/field/*.rb; §4 table).
    # `boolean` is treated like `number`, `date` gets type date_time; arrays of primitives
    # get no default converters.
    TYPE_DEFAULTS = {
      'string' => { type: 'string', control_type: 'text' },
      'integer' => { type: 'integer', control_type: 'number', parse_output: 'integer_conversion' },
      'number' => { type: 'number', control_type: 'number', parse_output: 'float_conversion' },
      'date_time' => { type: 'date_time', control_type: 'date_time', render_input: 'date_time_conversion',
                       parse_output: 'date_time_conversion' },
      'date' => { type: 'date_time', control_type: 'date', render_input: 'date_conversion',
                  parse_output: 'date_conversion' },
      'object' => { type: 'object' },
      'array' => { type: 'array' }
    }.transform_values { |h| HWIA.new(h).freeze }.freeze

    TYPE_ALIASES = { 'boolean' => 'number', 'timestamp' => 'date_time' }.freeze

    attr_reader :fields

    def initialize(schema: [])
      @fields = Schema.build_fields(Array.wrap(schema).map { |f| Workatogen.wrap(f).deep_dup })
    end

    # Lets Array.wrap(schema) / extended_input_schema see the processed field list.
    def to_ary
      @fields
    end
    alias to_a to_ary

    def +(other)
      Schema.new.tap { |s| s.instance_variable_set(:@fields, @fields + Array.wrap(other)) }
    end

    # Keeps only top-level input keys declared as a field name or toggle_field name.
    def trim(input)
      Workatogen.wrap(input).keep_if { |name, _| includes_property?(name) }
    end

    def apply(input, enforce_required:, &block)
      Workatogen.wrap(input).tap do |hash|
        apply_to_hash(@fields, hash, enforce_required: enforce_required, &block)
      end
    end

    class << self
      def build_fields(fields)
        Array.wrap(fields).map { |field| field_with_defaults(prepare_attributes(field)) }
      end

      private

      def prepare_attributes(field)
        if (render_input = field.delete(:convert_input) || field[:render_input])
          field[:render_input] = render_input.is_a?(::Proc) ? nil : render_input
        end
        if (parse_output = field.delete(:convert_output) || field[:parse_output])
          field[:parse_output] = parse_output.is_a?(::Proc) ? nil : parse_output
        end
        field[:optional] = true unless field.key?(:optional) # gem default, §4 [DIVERGENCE]
        field[:label] ||= field[:name].labelize
        clean_values(field)

        if (toggle = field[:toggle_field]).present?
          raise Sdk::InvalidSchemaError, 'toggle_hint not present' if field[:toggle_hint].blank?
          raise Sdk::InvalidSchemaError, 'toggle_field not complete' unless toggle[:name].present? && toggle[:type].present?
          if toggle[:optional].present? && toggle[:optional] != field[:optional]
            raise Sdk::InvalidSchemaError, 'toggle field cannot change optional attribute'
          end

          toggle_control_type = toggle[:control_type]
          field[:toggle_field] = field_with_defaults(toggle).tap do |tg|
            tg.except!(:render_input, :parse_output, :control_type)
            tg[:control_type] = toggle_control_type
            clean_values(tg)
          end
        end

        if (ct = field[:control_type]).is_a?(::String) && ct.match?(/\A(small|medium)-/)
          field[:control_type] = ct.sub(/\A(small|medium)-/, '')
        end
        field
      end

      # Blank values are dropped (false kept), symbols become strings.
      def clean_values(field)
        field.transform_values! do |value|
          next value if value.is_a?(::FalseClass)

          value.presence && ((value.is_a?(::Symbol) && value.to_s) || value)
        end
        field.compact!
        field
      end

      def field_with_defaults(field)
        type = field.delete(:type).to_s
        type = TYPE_ALIASES.fetch(type, type)
        case type
        when 'object'
          field[:properties] = build_fields(field[:properties])
          field.delete(:control_type)
        when 'array'
          of = field[:of] = (field[:of] || 'object').to_s
          field[:properties] = build_fields(field[:properties]) if of == 'object'
        end
        TYPE_DEFAULTS.fetch(type, TYPE_DEFAULTS['string']).merge(field)
      end
    end

    private

    def includes_property?(name)
      @fields.any? do |property|
        property[:name].to_s == name.to_s || property.dig(:toggle_field, :name).to_s == name.to_s
      end
    end

    def apply_to_hash(properties, object, enforce_required: false, &block)
      return if properties.blank? || object.nil?

      properties.each do |property|
        apply_to_value(property, object, property[:name], object[property[:name]], &block)
        if (toggle = property[:toggle_field])
          apply_to_value(toggle, object, toggle[:name], object[toggle[:name]], &block)
        end

        next unless enforce_required
        next if optional_or_present?(property, object) || optional_or_present?(property[:toggle_field], object)

        raise Sdk::MissingRequiredInput.new(property[:label], property.dig(:toggle_field, :label))
      end
    end

    # false and "" (but not nil) count as present (§3.1 step 3).
    def optional_or_present?(property, object)
      return false if property.blank?
      return true if property[:optional] || property[:runtime_optional]

      value = object[property[:name]]
      value.present? || value.is_a?(::FalseClass) || (value.is_a?(::String) && !value.empty?)
    end

    # Objects recurse into `properties`, arrays apply the same field to each element; the
    # converter then runs on the value itself (so for arrays: per element and on the whole).
    def apply_to_value(property, container, index, value, &block)
      return unless property.present? && value.present?

      if value.respond_to?(:each_key)
        apply_to_hash(property[:properties], value, &block)
      elsif value.respond_to?(:each_with_index)
        value.each_with_index { |item, i| apply_to_value(property, value, i, item, &block) }
      end

      container[index] = normalize_value(block ? yield(value, property) : value)
    end

    def normalize_value(value)
      return value if value.blank?

      case value
      when ::Time, ::Date, ::Numeric, ::TrueClass, ::FalseClass, ::String, ::Array, ::Hash
        value
      else
        return value.to_a if value.is_a?(Extensions::ArrayWhere)
        return value.to_time if value.respond_to?(:to_time)
        return value.tap(&:rewind).read.b if value.respond_to?(:read) && value.respond_to?(:rewind)

        raise Sdk::ArgumentError, "Unsupported data type: #{value.class}"
      end
    end
  end

  # Built-in converters for convert_input/convert_output (§4.2, gem's
  # schema/field/convertors.rb). Any other name is looked up in `methods`.
  module Converters
    DEFAULT_TIME_ZONE = 'Pacific Time (US & Canada)'

    module_function

    def apply(value, name, methods)
      custom = name && methods[name]
      return value unless name || custom
      return Builtin.public_send(name, value) if name && Builtin::NAMES.include?(name.to_s)
      return Arity.call(custom, value) if custom.is_a?(::Proc)

      raise Sdk::ArgumentError, "Cannot find converter '#{name}'."
    end

    module Builtin
      module_function

      def integer_conversion(value)
        (value.try(:is_number?) && value.to_i) || value
      end

      def boolean_conversion(value)
        value.try(:is_true?)
      end

      def float_conversion(value)
        (value.try(:is_number?) && value.to_f) || value
      end

      def item_array_wrap(items)
        ::Array.wrap(items).presence&.flatten(1)
      end

      def date_conversion(value)
        parse_date(value)
      end

      def date_iso8601_conversion(value)
        parse_date(value)&.iso8601
      end

      def date_time_conversion(value)
        parse_date_time(value)
      end

      def date_time_iso8601_conversion(value)
        parse_date_time(value)&.iso8601
      end

      def convert_to_datetime(value)
        value.try(:to_datetime) || value
      end

      def convert_to_datetime_wo_tz(value)
        value.try(:to_datetime).strftime('%Y-%m-%d %H:%M:%S') || value
      end

      def parse_date_output(value)
        value.try(:to_date) || value
      end

      def render_date_input(value)
        try_in_time_zone(value).try(:to_date)
      end

      def convert_date_time(value)
        try_in_time_zone(value)
      end

      def parse_date_time_epoch_millis(value)
        return value if value.is_a?(::Time)

        value.is_a?(::Numeric) && ::Time.at(value.to_f / 1000)
      end

      def render_date_time_epoch_millis(value)
        value.try(:to_f).try(:*, 1000).try(:to_i)
      end

      def parse_iso8601_timestamp(value)
        value.is_a?(::Time) ? value : value.try(:to_time)
      end

      def render_iso8601_timestamp(value)
        value.try(:to_time).try(:iso8601)
      end

      def parse_iso8601_date(value)
        value.is_a?(::Date) ? value : value.try(:to_date)
      end

      def render_iso8601_date(value)
        value.try(:to_date).try(:iso8601)
      end

      def parse_epoch_time(value)
        return value if value.is_a?(::Time)

        (value.is_a?(::Numeric).presence || value.try(:is_number?).presence) && ::Time.zone.at(value.to_i)
      end

      def render_epoch_time(value)
        value.try(:to_time).try(:to_i)
      end

      def parse_float_epoch_time(value)
        return value if value.is_a?(::Time)

        (value.is_a?(::Numeric) || value.try(:is_number?)) && ::Time.zone.at(value.to_f)
      end

      def render_float_epoch_time(value)
        value.try(:to_time).try(:to_f)
      end

      def implicit_utc_time(value)
        value&.in_time_zone('UTC')
      end

      def implicit_utc_iso8601_time(value)
        value&.in_time_zone('UTC')&.iso8601
      end

      def try_in_time_zone(value)
        value.try(:in_time_zone, local_time_zone || ::Time.zone) || value
      end

      # date_time inputs are parsed in WORKATO_TIME_ZONE, default Pacific (§4).
      def local_time_zone
        ENV['WORKATO_TIME_ZONE'].presence || DEFAULT_TIME_ZONE
      end

      def parse_date(value)
        if value.blank? || value.is_a?(::Date)
          value.presence
        elsif value.is_a?(::Time)
          value.to_date
        else
          parse_time_string(value).to_date
        end
      end

      def parse_date_time(value)
        if value.blank? || value.is_a?(::Time)
          value.presence
        elsif value.is_a?(::Date)
          value.in_time_zone(local_time_zone)
        else
          parse_time_string(value)
        end
      end

      # A string with its own offset keeps it; one without is read in the user's zone.
      def parse_time_string(value)
        value_time = ::Time.parse(value)
        user_time = ActiveSupport::TimeZone[local_time_zone].parse(value)
        value_time == user_time ? value_time : user_time
      end

      NAMES = (singleton_methods(false).map(&:to_s) - %w[local_time_zone]).freeze
    end
  end
end
