# frozen_string_literal: true

require 'cgi'
require 'securerandom'
require 'active_support/json'

module Workatogen
  # Encodings of query strings and request bodies.
  #
  # The hosted platform runs ActiveSupport 5.2 while this machine has 6.1, whose to_query
  # stops sorting inside "[]" namespaces (workato-sdk.md §5.4, §8.5 "query sort"). So the
  # 5.2 rules are implemented here instead of calling the installed Hash#to_query.
  module Query
    module_function

    # Object#to_param as ActiveSupport defines it: Hash → to_query, Array → "a/b",
    # nil → nil, everything else (true/false, numbers, strings, Time) → to_s.
    def to_param(value)
      value = Request.response!(value) if value.is_a?(Request)
      case value
      when ::Hash then hash_to_query(value)
      when ::Array then value.map { |v| to_param(v) }.join('/')
      when nil then nil
      else value.to_s
      end
    end

    # ActiveSupport 5.2 Hash#to_query: every top-level entry rendered as "k=v" (nested
    # hashes and arrays expand to several pairs), empty Array/Hash values skipped, and
    # the rendered entries sorted as strings at every level.
    def hash_to_query(hash, namespace = nil)
      hash.each_with_object([]) do |(key, value), parts|
        next if (value.is_a?(::Hash) || value.is_a?(::Array)) && value.empty?

        parts << value_to_query(value, namespace ? "#{namespace}[#{key}]" : key)
      end.sort!.join('&')
    end

    # Object#to_query(key) / Array#to_query(key) / Hash#to_query(key) for one value.
    def value_to_query(value, key)
      value = Request.response!(value) if value.is_a?(Request)
      case value
      when ::Hash
        hash_to_query(value, key)
      when ::Array
        prefix = "#{key}[]"
        return pair(prefix, nil) if value.empty?

        value.map { |v| value_to_query(v, prefix) }.join('&')
      else
        pair(key, value)
      end
    end

    def pair(key, value)
      "#{CGI.escape(to_param(key).to_s)}=#{CGI.escape(to_param(value).to_s)}"
    end

    # §5.5 JSON bodies: ActiveSupport::JSON.encode (insertion order, \u003c \u003e \u0026,
    # Time → "2024-01-02T03:04:05.000Z", nil → null). The encoder is the same in 5.2 and 6.1.
    def json(value)
      ActiveSupport::JSON.encode(value)
    end

    # rest-client 2.1 Utils.flatten_params: nested keys as "a[b]", arrays as "a[]",
    # insertion order, no sorting. Used for Hash bodies handed to rest-client directly
    # (request_body(hash), multipart fields, the oauth2 token refresh form).
    def flatten_params(object, escape, parent_key = nil)
      result = []
      if object.is_a?(::Array)
        object.each do |value|
          key = "#{parent_key}[]"
          if value.is_a?(::Hash) || value.is_a?(::Array)
            result.concat(flatten_params(value, escape, key))
          else
            result << [key, escape && !value.nil? ? www_escape(value.to_s) : value]
          end
        end
        return result
      end

      object.each do |k, v|
        k = www_escape(k.to_s) if escape
        key = parent_key ? "#{parent_key}[#{k}]" : k.to_s
        if v.is_a?(::Hash) || v.is_a?(::Array)
          result.concat(flatten_params(v, escape, key))
        else
          result << [key, escape && !v.nil? ? www_escape(v.to_s) : v]
        end
      end
      result
    end

    def www_escape(str)
      URI.encode_www_form_component(str)
    end

    # rest-client 2.1 Payload::UrlEncoded body: "k=v" joined by '&', nil → bare key.
    def rest_client_form(hash)
      flatten_params(hash, true).map { |k, v| v.nil? ? k : "#{k}=#{v}" }.join('&')
    end

    # A file part produced by request_format_multipart_form for `[data, content_type,
    # filename]` values (§5.2).
    FilePart = Struct.new(:name, :content_type, :filename, :data)

    # rest-client 2.1 Payload::Multipart: boundary "----RubyFormBoundary" + 16 random
    # alphanumerics, parts in insertion order, CRLF line ends.
    def multipart(params)
      boundary = "----RubyFormBoundary#{SecureRandom.base64(12).tr('+/', 'AB')}"
      fields = params.flat_map do |key, value|
        if value.is_a?(FilePart)
          [[key.to_s, value]]
        elsif value.is_a?(::Hash) || value.is_a?(::Array)
          flatten_params(value, false, key.to_s)
        else
          [[key.to_s, value]]
        end
      end
      body = +"--#{boundary}\r\n"
      body.force_encoding(::Encoding::BINARY)
      fields.each_with_index do |(name, value), index|
        if value.is_a?(FilePart)
          body << "Content-Disposition: form-data;"
          body << " name=\"#{name}\";" unless name.nil? || name == ''
          body << " filename=\"#{value.filename}\"\r\n"
          body << "Content-Type: #{value.content_type}\r\n\r\n"
          body << value.data.to_s.b
        else
          body << "Content-Disposition: form-data; name=\"#{name}\"\r\n\r\n"
          body << value.to_s.b
        end
        body << "\r\n--#{boundary}"
        body << "\r\n" unless index == fields.length - 1
      end
      body << "--\r\n"
      [body, boundary]
    end
  end
end
