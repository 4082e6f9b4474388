# frozen_string_literal: true

require 'base64'
require 'json'
require 'openssl'
require 'psych'
require 'securerandom'

module Workatogen
  # The functions connector lambdas call as bare methods (workato-sdk.md §5.9). Lambdas
  # run via instance_exec on an Operation (full DSL) or, for base_uri, authorization_url,
  # token_url, client_id/secret and webhook_notification, on a WithDsl (Global only: no
  # HTTP verbs, no `call`, no `error`) — as the gem's Dsl::Global / Dsl::WithDsl.
  module Dsl
    RECIPE_ID = SecureRandom.hex(32)

    module Global
      def now
        ::Time.zone.now
      end

      def today
        ::Time.zone.today
      end

      # Scaled by the case's retry_delay_scale so replays do not wait (PROTOCOL.md).
      def sleep(seconds)
        ::Kernel.sleep((seconds.presence || 0).to_f * Workatogen.delay_scale)
      end

      def puts(*args)
        ::Kernel.puts(*args)
      end

      def workato
        @workato ||= WorkatoPackage.new
      end

      def parse_json(source)
        workato.parse_json(source)
      end

      def uuid
        workato.uuid
      end

      def encrypt(_text, _key)
        raise Workatogen.not_implemented('encrypt (RNCryptor)')
      end

      def decrypt(_text, _key)
        raise Workatogen.not_implemented('decrypt (RNCryptor)')
      end

      def blank
        ''
      end

      def clear; end

      def null; end

      def skip; end

      # The gem reads account_properties.yaml; there is none here.
      def account_property(_name)
        nil
      end

      def lookup(_table, *_args)
        raise Workatogen.not_implemented('lookup (lookup tables)')
      end

      def workato_schema(_id)
        raise Workatogen.not_implemented('workato_schema')
      end

      def aws
        raise Workatogen.not_implemented('aws.generate_signature')
      end
    end

    # Reduced context for lambdas that may not do HTTP (§5.9).
    class WithDsl
      include Global

      def initialize(connection = Connection.new)
        @connection = connection
      end

      ruby2_keywords def execute(*args, &block)
        Arity.exec(self, block, *args)
      end

      private

      attr_reader :connection
    end

    module HTTP
      def get(url, params = {})
        http_request(url, 'GET').params(params).response_format_json
      end

      def options(url, params = {})
        http_request(url, 'OPTIONS').params(params).response_format_json
      end

      def head(url, params = {})
        http_request(url, 'HEAD').params(params).response_format_json
      end

      # §5.1: the second argument of post/put/patch/delete/copy/move is the JSON payload
      # (delete(url, hash) sends a JSON body, unlike the docs).
      def post(url, payload = nil)
        http_request(url, 'POST').payload(payload).format_json
      end

      def patch(url, payload = nil)
        http_request(url, 'PATCH').payload(payload).format_json
      end

      def put(url, payload = nil)
        http_request(url, 'PUT').payload(payload).format_json
      end

      def delete(url, payload = nil)
        http_request(url, 'DELETE').payload(payload).format_json
      end

      def copy(url, payload = nil)
        http_request(url, 'COPY').payload(payload).format_json
      end

      def move(url, payload = nil)
        http_request(url, 'MOVE').payload(payload).format_json
      end

      # Sequential, as in the gem: [all_ok, results, errors].
      def parallel(requests = [], threads: 1, rpm: nil, requests_per_period: nil, period: 60) # rubocop:disable Lint/UnusedMethodArgument
        requests.each.with_object([true, [], []]) do |request, result|
          response = nil
          error = nil
          begin
            response = Request.response!(request)
          rescue Sdk::RequestError, Sdk::RuntimeError => e
            error = e.to_s
          end
          result[0] &&= error.nil?
          result[1] << response
          result[2] << error
        end
      end

      private

      def http_request(url, method)
        Request.new(url, method: method, connection: connection, action: self)
      end
    end

    module Call
      ruby2_keywords def call(method, *args)
        method_proc = @_methods[method]
        raise Sdk::UndefinedMethodError, method unless method_proc
        raise Sdk::UnexpectedMethodDefinitionError.new(method, method_proc) unless method_proc.is_a?(::Proc)

        Arity.exec(self, method_proc, *args)
      end
    end

    module Error
      def error(message)
        raise Sdk::RuntimeError, message
      end
    end

    module ExecutionContext
      def execution_context
        @execution_context ||= { recipe_id: RECIPE_ID }
      end

      def recipe_id!
        RECIPE_ID.reverse
      end
    end

    # Multistep actions (§3): reinvoke_after re-enters execute with `continue`, at most 5
    # times; the wait is scaled by retry_delay_scale.
    module ReinvokeAfter
      MAX_REINVOKES = 5
      SIGNAL = :workatogen_reinvoke_after

      def checkpoint!(continue:, temp_output: nil); end

      def reinvoke_after(seconds:, continue:, temp_output: nil) # rubocop:disable Lint/UnusedMethodArgument
        throw SIGNAL, [seconds, continue]
      end

      private

      def loop_reinvoke_after(continue)
        remaining = (ENV['MAX_REINVOKES'].presence || MAX_REINVOKES).to_i
        loop do
          signal = catch(SIGNAL) { return yield(continue) }
          raise "Max number of reinvokes on SDK Gem reached. Current limit is #{remaining}" if remaining.zero?

          remaining -= 1
          seconds, continue = signal
          ::Kernel.sleep(seconds.to_f * Workatogen.delay_scale)
        end
      end
    end

    # `workato.*` helpers (§5.9); unknown names raise UndefinedStdLibMethodError.
    class WorkatoPackage
      JWT_RSA = %w[RS256 RS384 RS512].freeze
      JWT_HMAC = %w[HS256 HS384 HS512].freeze
      JWT_ECDSA = %w[ES256 ES384 ES512].freeze
      JWT_ALGORITHMS = (JWT_RSA + JWT_HMAC + JWT_ECDSA).freeze
      JWT_ECDSA_BITS = { 'ES256' => 256, 'ES384' => 384, 'ES512' => 521 }.freeze
      AES_KEY_BITS = [128, 192, 256].freeze

      def parse_json(source)
        source = source.response! if source.is_a?(Request)
        return source unless source.is_a?(::String)

        ::JSON.parse(source)
      rescue ::JSON::ParserError => e
        raise Sdk::JSONParsingError, e.message
      end

      def uuid
        SecureRandom.uuid
      end

      def parse_yaml(yaml)
        ::Psych.safe_load(yaml)
      rescue ::Psych::Exception => e
        raise Sdk::ArgumentError, "YAML Parsing error. #{e}"
      end

      def render_yaml(obj)
        ::Psych.dump(obj)
      end

      def random_bytes(len)
        unless len.is_a?(::Integer) && len <= 32
          raise Sdk::ArgumentError, 'The requested length or random bytes sequence should be <= 32'
        end

        ::OpenSSL::Random.random_bytes(len)
      end

      def jwt_encode_rs256(payload, key, header_fields = {})
        jwt_encode(payload, key, 'RS256', header_fields)
      end

      # HS/RS/ES 256/384/512, header {alg, typ} first as jwt 2.1 (the platform's) writes it.
      def jwt_encode(payload, key, algorithm, header_fields = {})
        alg = algorithm.to_s.upcase
        unless JWT_ALGORITHMS.include?(alg)
          raise Sdk::ArgumentError, "Unsupported signing method. Supports only #{JWT_ALGORITHMS.join(', ')}. Got: '#{alg}'"
        end

        header = { 'alg' => alg, 'typ' => 'JWT' }.merge(Workatogen.wrap(header_fields).except(:typ, :alg).to_hash)
        signing_input = "#{b64url(::JSON.generate(header))}.#{b64url(::JSON.generate(payload))}"
        "#{signing_input}.#{b64url(jwt_sign(alg, key, signing_input))}"
      rescue ::OpenSSL::PKey::PKeyError
        raise Sdk::ArgumentError, 'Invalid key'
      end

      def jwt_decode(*)
        raise Workatogen.not_implemented('workato.jwt_decode')
      end

      def verify_rsa(payload, certificate, signature, algorithm = 'SHA256')
        algorithm = algorithm.to_s.upcase
        supported = %w[SHA SHA1 SHA224 SHA256 SHA384 SHA512]
        unless supported.include?(algorithm)
          raise Sdk::ArgumentError, "Unsupported signing method. Supports only #{supported.join(', ')}. Got: '#{algorithm}'"
        end

        cert = ::OpenSSL::X509::Certificate.new(certificate)
        cert.public_key.verify(::OpenSSL::Digest.new(algorithm), signature, payload)
      rescue ::OpenSSL::PKey::PKeyError
        raise Sdk::ArgumentError, 'An error occurred during signature verification. Check arguments'
      rescue ::OpenSSL::X509::CertificateError
        raise Sdk::ArgumentError, 'Invalid certificate format'
      end

      def aes_cbc_encrypt(string, key, init_vector = nil)
        aes_cbc(:encrypt, string, key, init_vector)
      end

      def aes_cbc_decrypt(string, key, init_vector = nil)
        aes_cbc(:decrypt, string, key, init_vector)
      rescue ::OpenSSL::Cipher::CipherError => e
        raise Sdk::ArgumentError, e.message
      end

      def pbkdf2_hmac_sha1(string, salt, iterations = 1000, key_len = 16)
        ::OpenSSL::PKCS5.pbkdf2_hmac_sha1(string, salt, iterations, key_len)
      end

      def csv
        @csv ||= CsvPackage.new
      end

      def net
        raise Workatogen.not_implemented('workato.net')
      end

      def stream
        raise Workatogen.not_implemented('workato.stream')
      end

      private

      def method_missing(name, *_args) # rubocop:disable Style/MissingRespondToMissing
        raise Sdk::UndefinedStdLibMethodError.new(name.to_s, 'workato')
      end

      def b64url(bytes)
        ::Base64.urlsafe_encode64(bytes, padding: false)
      end

      def jwt_sign(alg, key, data)
        digest = ::OpenSSL::Digest.new("SHA#{alg[2..]}")
        if JWT_HMAC.include?(alg)
          ::OpenSSL::HMAC.digest(digest, key.to_s, data)
        elsif JWT_RSA.include?(alg)
          rsa = ::OpenSSL::PKey::RSA.new(key)
          raise Sdk::ArgumentError, 'A RSA key of size 2048 bits or larger MUST be used with JWT' if rsa.n.num_bits < 2048

          rsa.sign(digest, data)
        else
          ec = ::OpenSSL::PKey::EC.new(key)
          bits = JWT_ECDSA_BITS[alg]
          raise Sdk::ArgumentError, "An ECDSA key of size #{bits} bits MUST be used with JWT" if ec.group.order.num_bits != bits

          size = (bits + 7) / 8
          ::OpenSSL::ASN1.decode(ec.sign(digest, data)).value.map { |i| i.value.to_s(2).rjust(size, "\x00") }.join
        end
      end

      def aes_cbc(direction, string, key, init_vector)
        bits = key.bytesize * 8
        raise Sdk::ArgumentError, 'Incorrect key size for AES' unless AES_KEY_BITS.include?(bits)

        cipher = ::OpenSSL::Cipher.new("AES-#{bits}-CBC")
        cipher.public_send(direction)
        cipher.key = key
        cipher.iv = init_vector if init_vector.present?
        cipher.update(string) + cipher.final
      end
    end

    class CsvPackage
      def parse(str, headers:, col_sep: nil, row_sep: nil, quote_char: nil, skip_blanks: nil, skip_first_line: false)
        if headers.is_a?(::FalseClass)
          raise Sdk::ArgumentError, 'Headers are required. ' \
                                    'Pass headers: true to implicitly use the first line or array/string for explicit headers'
        end

        options = { col_sep: col_sep, row_sep: row_sep, quote_char: quote_char, headers: headers,
                    skip_blanks: skip_blanks }.compact
        rows = []
        ::CSV.parse(str, **options) { |row| rows << row.to_hash }
        rows.shift if skip_first_line
        rows
      rescue ::CSV::MalformedCSVError => e
        raise Sdk::RuntimeError, e.message
      rescue ::ArgumentError => e
        raise Sdk::ArgumentError, e.message
      end

      def generate(str = nil, headers: nil, col_sep: nil, row_sep: nil, quote_char: nil, force_quotes: nil, &blk)
        options = { col_sep: col_sep, row_sep: row_sep, quote_char: quote_char, headers: headers,
                    force_quotes: force_quotes }.compact
        options[:write_headers] = options[:headers].present?
        ::CSV.generate(str || +'', **options, &blk)
      rescue ::ArgumentError => e
        raise Sdk::ArgumentError, e.message
      end

      private

      def method_missing(name, *_args) # rubocop:disable Style/MissingRespondToMissing
        raise Sdk::UndefinedStdLibMethodError.new(name.to_s, 'workato.csv')
      end
    end
  end
end
