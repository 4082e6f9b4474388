# frozen_string_literal: true

# Error classes visible to connector code.
#
# They live under Workato::Connector::Sdk with the gem's names and hierarchy so that
# (a) the `class` reported to the Go side matches what the official gem would raise
# (PROTOCOL.md "Ruby → Go", workato-sdk.md §5.7) and (b) connector code that rescues
# e.g. `Workato::Connector::Sdk::RequestFailedError` keeps working. The connector file is
# evaluated with Workato::Connector::Sdk::Connector as lexical scope (see connector.rb),
# exactly like the gem, so a bare `RuntimeError` inside connector code means the SDK one.
module Workato
  module Connector
    module Sdk
      Error = Class.new(StandardError)

      DetectOnUnauthorizedRequestError = Class.new(Error)
      RuntimeError = Class.new(Error)
      ArgumentError = Class.new(Error)
      ArgumentEncodingError = Class.new(ArgumentError)
      InvalidDefinitionError = Class.new(Error)
      InvalidURIError = Class.new(Error)
      InvalidOutputError = Class.new(Error)
      JSONParsingError = Class.new(Error)

      class InvalidTriggerPollOutputError < InvalidOutputError
        def initialize
          super("Invalid output from trigger poll lambda.\n" \
                'See SDK documentation: https://docs.workato.com/developing-connectors/sdk/sdk-reference/triggers.html#poll')
        end
      end

      class UnexpectedMethodDefinitionError < InvalidDefinitionError
        def initialize(name, definition)
          super("Expected lambda for method '#{name}' definition, got: #{definition.class.name}")
        end
      end

      # §7.2: message "Method 'x' does not exists" (sic, as the gem).
      class UndefinedMethodError < InvalidDefinitionError
        attr_reader :name

        def initialize(name)
          @name = name
          super("Method '#{name}' does not exists")
        end
      end

      InvalidSchemaError = Class.new(InvalidDefinitionError)
      InvalidMultiAuthDefinition = Class.new(InvalidDefinitionError)

      class UnresolvedMultiAuthOptionError < InvalidMultiAuthDefinition
        def initialize(name)
          super("Cannot find multi-auth definition for '#{name}'")
        end
      end

      class UnresolvedObjectDefinitionError < InvalidDefinitionError
        def initialize(name)
          super("Cannot find object definition for '#{name}'")
        end
      end

      class CircleReferenceObjectDefinitionError < InvalidDefinitionError
        def initialize(name)
          super("Infinite recursion occurred in object definition for '#{name}'")
        end
      end

      RequestError = Class.new(RuntimeError)
      RequestTimeoutError = Class.new(RequestError)

      # §5.7: non-2xx → message "<code> <Reason Phrase>", plus code/method/raw body.
      class RequestFailedError < RequestError
        attr_reader :method, :code, :response

        def initialize(message:, method:, code:, response:)
          super(message)
          @method = method
          @code = code
          @response = response
        end
      end

      class NotImplementedError < StandardError
        def initialize(msg = 'This part of Connector SDK is not implemented in workato-connector-sdk yet')
          super
        end
      end

      # §3.1 step 3: "'Label' must be present" / "Either 'A' or 'B' must be present".
      class MissingRequiredInput < RuntimeError
        def initialize(label, toggle_label)
          message = if toggle_label && label != toggle_label
                      "Either '#{label}' or '#{toggle_label}' must be present"
                    else
                      "'#{label}' must be present"
                    end
          super(message)
        end
      end

      RequestTLSCertificateFormatError = Class.new(RequestError)
      RequestPayloadFormatError = Class.new(RequestError)
      JSONRequestFormatError = Class.new(RequestPayloadFormatError)
      JSONResponseFormatError = Class.new(RequestPayloadFormatError)
      XMLRequestFormatError = Class.new(RequestPayloadFormatError)
      XMLResponseFormatError = Class.new(RequestPayloadFormatError)
      WWWFormURLEncodedRequestFormatError = Class.new(RequestPayloadFormatError)
      MultipartFormRequestFormatError = Class.new(RequestPayloadFormatError)
      RAWResponseFormatError = Class.new(RequestPayloadFormatError)

      class UndefinedStdLibMethodError < RuntimeError
        def initialize(name, package)
          super("Undefined method '#{name}' for \"#{package}\" namespace")
        end
      end
    end
  end
end

module Workatogen
  Sdk = Workato::Connector::Sdk

  # Raised for SDK features this runtime deliberately does not emulate. It is the gem's
  # NotImplementedError class (so the reported class is recognisable) with a message that
  # names the feature.
  def self.not_implemented(feature)
    Sdk::NotImplementedError.new("#{feature} is not supported by the workatogen replay runtime")
  end

  # Stand-in for RestClient::Exception (and its status subclasses): what the transport
  # raises for a non-success HTTP status, a broken connection or a timeout. request.rb turns
  # it into the SDK errors exactly where the gem rescues RestClient::Exception (§5.7, §5.8).
  class HTTPError < StandardError
    attr_reader :http_code, :http_body, :http_headers

    def initialize(message, http_code: nil, http_body: nil, http_headers: nil)
      super(message)
      @http_code = http_code
      @http_body = http_body
      @http_headers = http_headers
    end
  end

  # rest-client's Exceptions::Timeout (a RestClient::Exception too).
  class HTTPTimeout < HTTPError; end
end
