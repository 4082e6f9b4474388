# frozen_string_literal: true

require 'base64'
require 'cgi'
require 'csv'
require 'digest'
require 'erb'
require 'openssl'
require 'uri'

# Core-class helpers the official gem installs globally (workato-sdk.md §5.9: String,
# Hash, Array, Enumerable, Object, Integer, NilClass, Symbol, Time, Date extensions).
# Behaviour follows the gem's lib/workato/extension/*.rb; the code is our own.
module Workatogen
  module Extensions
    # 'DD/MM/YYYY' style shortcuts accepted by to_time/to_date(format:), every order of
    # day/month/year with '/' or '-' separators.
    HUMAN_DATE_FORMAT = begin
      names = { '%d' => 'DD', '%m' => 'MM', '%Y' => 'YYYY' }
      %w[%d %m %Y].permutation.each_with_object({}) do |parts, acc|
        %w[/ -].each { |sep| acc[parts.map { |p| names[p] }.join(sep)] = parts.join(sep) }
      end.freeze
    end

    # Word boundaries used by String#labelize: runs of '_', digit/non-digit changes,
    # a lower→upper change, and the end of an upper-case acronym before a capitalised word.
    LABELIZE_SPLIT = /_+|(?<!\d)(?=\d)|(?<=\d)(?!\d)|(?<![A-Z])(?=[A-Z])|(?<=[A-Z0-9])(?=[A-Z][^A-Z0-9_])/.freeze

    def self.assert_string!(value, name)
      return if value.is_a?(::String)

      raise Workato::Connector::Sdk::ArgumentError,
            "Expected a String for '#{name}' parameter, given #{value.class.name}"
    end

    def self.binary(str)
      str.dup.force_encoding(::Encoding::BINARY)
    end

    module String
      def is_int? # rubocop:disable Naming/PredicateName
        present? && (self !~ /\D/)
      end

      def is_number? # rubocop:disable Naming/PredicateName
        return false if blank?
        return true if match?(/^\d+$/)

        begin
          Float(self)
          true
        rescue ::StandardError
          false
        end
      end

      def split_strip_compact(pattern, parts = 0)
        split(pattern, parts).map(&:strip).select(&:present?)
      end

      # The gem uses Rails' full sanitizer (Nokogiri); this runtime has no HTML parser, so
      # tags and comments are removed textually. Good enough for hints and messages.
      def strip_tags
        gsub(/<!--.*?-->/m, '').gsub(%r{<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>}mi, '').gsub(/<[^>]*>/m, '')
      end

      def to_time(form = :local, format: nil)
        return super(form) if format.blank?

        format = HUMAN_DATE_FORMAT.fetch(format, format)
        time = ::Time.strptime(self, format)
        form == :utc ? time.utc : time.getlocal
      end

      def to_date(format: nil)
        return super() if format.blank?

        ::Date.strptime(self, HUMAN_DATE_FORMAT.fetch(format, format))
      end

      def quote
        gsub("'", "''")
      end

      def transliterate(replacement = '?')
        I18n.transliterate(self, replacement: replacement)
      end

      def labelize(*acronyms)
        acronyms.unshift(/^id$/i, /^ur[il]$/i)
        split(LABELIZE_SPLIT).select(&:present?).each_with_index.map do |word, i|
          if /^[A-Z]+$/.match?(word) then word
          elsif acronyms.any? { |pattern| pattern =~ word } then word.upcase
          elsif i.zero? then word.humanize
          else word.downcase
          end
        end.join(' ')
      end

      # §5.9: `String#+ nil` raises instead of TypeError.
      def +(other)
        raise Workato::Connector::Sdk::ArgumentError, 'Cannot concatenate string with nil' if other.nil?

        super(other.to_s)
      end

      def to_hex
        unpack1('H*')
      end
      alias encode_hex to_hex

      def decode_hex
        Extensions.binary([self].pack('H*'))
      end

      def encode_base64
        ::Base64.strict_encode64(self)
      end
      alias base64 encode_base64

      def decode_base64
        Extensions.binary(::Base64.decode64(self))
      end

      def encode_urlsafe_base64
        ::Base64.urlsafe_encode64(self)
      end

      def decode_urlsafe_base64
        Extensions.binary(::Base64.urlsafe_decode64(self))
      end

      # ERB::Util.url_encode: keeps A-Z a-z 0-9 _ . - ~, space → %20 (§2.4).
      def encode_url
        ::ERB::Util.url_encode(self)
      end

      def decode_url
        ::CGI.unescape(self)
      end

      def encode_sha256
        Extensions.binary(::Digest::SHA256.digest(self))
      end

      def encode_sha512
        Extensions.binary(::Digest::SHA512.digest(self))
      end

      def encode_sha512_256 # rubocop:disable Naming/VariableNumber
        Extensions.binary(::OpenSSL::Digest.new('sha512-256', self).digest)
      end

      def sha1
        Extensions.binary(::Digest::SHA1.digest(self))
      end

      def md5_hexdigest
        ::Digest::MD5.hexdigest(self)
      end

      { hmac_sha1: 'sha1', hmac_sha256: 'sha256', hmac_sha512: 'sha512', hmac_md5: 'md5' }.each do |name, algo|
        define_method(name) do |key|
          Extensions.assert_string!(key, 'key')
          Extensions.binary(::OpenSSL::HMAC.digest(::OpenSSL::Digest.new(algo), key, self))
        end
      end

      { rsa_sha256: 'sha256', rsa_sha512: 'sha512' }.each do |name, algo|
        define_method(name) do |key|
          Extensions.assert_string!(key, 'key')
          begin
            Extensions.binary(::OpenSSL::PKey::RSA.new(key).sign(::OpenSSL::Digest.new(algo), self))
          rescue ::OpenSSL::PKey::PKeyError => e
            raise Workato::Connector::Sdk::ArgumentError, e.message
          end
        end
      end

      def from_xml
        raise Workatogen.not_implemented('String#from_xml')
      end
    end

    module Hash
      # URI.encode_www_form: repeated keys, insertion order, nil → bare key (§5.4).
      def encode_www_form
        ::URI.encode_www_form(self)
      end
    end

    module Object
      def is_true?(null_true: false) # rubocop:disable Naming/PredicateName
        case self
        when ::String
          return true if /\A(true|t|yes|y|1)\z/i.match?(self)
          return false if /\A(false|f|no|n|0)\z/i.match?(self)
          raise "Can't convert empty string to boolean" if blank?

          raise "Can't convert string value #{self} to boolean"
        when ::Integer
          return true if self == 1
          return false if zero?

          raise "Can't convert number value #{self} to boolean"
        when ::TrueClass then true
        when ::FalseClass then false
        when ::NilClass then null_true == true
        else raise "Can't convert type #{self.class.name} to boolean"
        end
      end

      def is_not_true?(null_not_true: true) # rubocop:disable Naming/PredicateName
        !is_true?(null_true: !null_not_true)
      end
    end

    module Integer
      def is_int? # rubocop:disable Naming/PredicateName
        true
      end

      def to_time
        ::Time.zone.at(self)
      end
    end

    module NilClass
      def is_int? # rubocop:disable Naming/PredicateName
        false
      end

      def is_number? # rubocop:disable Naming/PredicateName
        false
      end
    end

    module Symbol
      def labelize(*acronyms)
        to_s.labelize(*acronyms)
      end
    end

    module YWeek
      def yweek
        to_date.cweek
      end
    end

    module Array
      def to_csv(options = {})
        options = (options || {}).dup
        multi_line = options.key?(:multi_line) ? options.delete(:multi_line) : true
        if multi_line && first.is_a?(::Array)
          map { |row| row.to_csv(options.merge(multi_line: false)) }.join
        else
          super(**options)
        end
      end

      # Schema helpers (§4.4): compare with field[:name] exactly as given.
      def ignored(*names)
        reject { |field| names.include?(field[:name]) }
      end

      def only(*names)
        select { |field| names.include?(field[:name]) }
      end

      def required(*names)
        map { |field| names.include?(field[:name]) ? field.merge(optional: false) : field }
      end
    end

    # Lazy filtered view returned by Enumerable#where (§5.9); resolves on first use.
    class ArrayWhere < SimpleDelegator
      def initialize(list, options = {})
        super(nil)
        @_list = list
        @_operations = []
        @_resolved = false
        where(options || {})
      end

      def where(options = {})
        @_operations << [options] if options.present?
        self
      end

      def not(options = {})
        if options.present?
          where(options)
          @_operations.last << true
        end
        self
      end

      def __getobj__
        return super if @_resolved

        @_resolved = true
        __setobj__(@_list.select { |item| self.class.match?(@_operations, item) })
      end

      class << self
        def match?(operations, item)
          operations.all? do |conditions, negate|
            ok = conditions.all? do |key, expected|
              keys, op = parse_operation(key)
              actual = keys.reduce(item) { |obj, k| obj.nil? ? nil : obj[k] }
              op = default_operation(expected) if op.blank?
              lhs, rhs = coerce(keys.join('.'), actual, expected, op)
              lhs.public_send(op, rhs)
            end
            negate ? !ok : ok
          end
        end

        private

        def parse_operation(key)
          m = key.to_s.match(/ *[><=!]={0,1} *\z/)
          path, op = m.present? ? [m.pre_match, m.to_s.strip] : [key.to_s, nil]
          keys = path.split_strip_compact('.')
          keys = keys.map(&:to_sym) if key.is_a?(::Symbol)
          [keys, op]
        end

        def default_operation(expected)
          case expected
          when ::Array, ::Range then 'include?'
          when ::Regexp then 'match?'
          else '=='
          end
        end

        def coerce(name, lhs, rhs, op)
          lhs, rhs = rhs, lhs if op == 'include?'
          if op.match?(/[><]/) || %w[match? include?].include?(op)
            raise "The '#{name}' is nil" if lhs.nil?
            raise "Can't compare '#{name}' with nil" if rhs.nil?
          end
          if lhs.is_a?(::Numeric) && rhs.try(:is_number?)
            rhs = rhs.is_int? ? rhs.to_i : rhs.to_f
          elsif rhs.is_a?(::Numeric) && lhs.try(:is_number?)
            lhs = lhs.is_int? ? lhs.to_i : lhs.to_f
          end
          [lhs, rhs]
        end
      end
    end
  end
end

String.prepend(Workatogen::Extensions::String)
Hash.include(Workatogen::Extensions::Hash)
Object.include(Workatogen::Extensions::Object)
Integer.include(Workatogen::Extensions::Integer)
NilClass.include(Workatogen::Extensions::NilClass)
Symbol.include(Workatogen::Extensions::Symbol)
Time.include(Workatogen::Extensions::YWeek)
Date.include(Workatogen::Extensions::YWeek)
Array.prepend(Workatogen::Extensions::Array)

# Enumerable helpers (§5.9). pluck digs nested keys, replacing ActiveSupport's version as
# the gem does.
module Enumerable
  def where(options = {})
    list = first.is_a?(::Hash) ? self : []
    Workatogen::Extensions::ArrayWhere.new(list, options || {})
  end

  def format_map(format)
    return self if format.blank?

    map do |val|
      format % Array.wrap(val).map { |v| v.is_a?(ActiveSupport::HashWithIndifferentAccess) ? v.symbolize_keys : v }
    end
  end

  def smart_join(separator)
    transform_select { |val| (val.is_a?(::String) ? val.strip : val).presence }.join(separator)
  end

  remove_method(:pluck) if instance_methods(false).include?(:pluck) # ActiveSupport's, replaced as by the gem

  def pluck(*keys)
    fetch = ->(element, key) { element.respond_to?(:dig) ? element.dig(*key) : element[key] }
    if keys.many?
      map { |element| keys.map { |key| fetch.call(element, key) } }
    else
      map { |element| fetch.call(element, keys.first) }
    end
  end

  def transform_find(&block)
    each do |*items|
      result = block.call(*items)
      return result if result
    end
    nil
  end

  def transform_select(&block)
    map { |*items| block.call(*items) || nil }.compact
  end
end
