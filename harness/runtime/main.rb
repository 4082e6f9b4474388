# frozen_string_literal: true

# Protocol loop of the replay runtime (harness/PROTOCOL.md): JSON Lines "run" messages
# on stdin, one "result" per message on file descriptor 3. stdout/stderr stay free for
# whatever connector code prints, so `puts` cannot corrupt the protocol.
require 'json'

# fd 3 is the protocol channel. Keep a private duplicate and close fd 3 itself so
# connector code cannot stumble onto it.
begin
  fd3 = IO.new(3, 'w')
rescue ::StandardError => e
  warn "workatogen runtime: file descriptor 3 (protocol channel) is not open: #{e.message}"
  exit 3
end
PROTO = fd3.dup
fd3.close
PROTO.sync = true
PROTO.binmode

def proto_write(message)
  PROTO.write("#{message}\n")
end

def fatal!(message)
  proto_write(JSON.generate('type' => 'fatal', 'message' => message,
                            'fix' => 'apt-get install -y ruby ruby-activesupport'))
  exit 3
end

fatal!("Ruby #{RUBY_VERSION} is too old: 2.7 or newer is required") if Gem::Version.new(RUBY_VERSION) < Gem::Version.new('2.7')

Encoding.default_external = Encoding::UTF_8
Encoding.default_internal = nil

begin
  require 'active_support'
  require 'active_support/all'
rescue LoadError => e
  fatal!("ActiveSupport cannot be loaded: #{e.message}")
end

begin
  require_relative 'runtime'
rescue ::StandardError, ::ScriptError => e
  # e.g. no time zone data for Time.zone = 'Pacific Time (US & Canada)'.
  fatal!("the workatogen runtime failed to load: #{e.class}: #{e.message}")
end

# The protocol input is read from a private duplicate; stdin itself becomes /dev/null so
# a connector calling gets/read cannot swallow the next message.
INPUT = $stdin.dup
INPUT.binmode
$stdin.reopen(File::NULL)
$stdout.sync = true
$stderr.sync = true

# Only the replay server may be contacted (PROTOCOL.md "HTTP on the wire").
begin
  Workatogen::NetGuard.install!(*Workatogen::Transport.replay_addr)
rescue Workato::Connector::Sdk::RuntimeError
  Workatogen::NetGuard.install!(nil, nil) # no address: every outbound connection is refused
end

proto_write(JSON.generate('type' => 'ready', 'ruby' => RUBY_VERSION,
                          'activesupport' => ActiveSupport::VERSION::STRING, 'protocol' => 1))

INPUT.each_line do |line|
  line = line.force_encoding(Encoding::UTF_8).strip
  next if line.empty?

  result = begin
    msg = JSON.parse(line)
    raise ArgumentError, 'message must be a JSON object' unless msg.is_a?(Hash)

    if msg['type'] == 'run'
      Workatogen::Runner.run(msg)
    else
      { 'type' => 'result', 'id' => msg['id'], 'ok' => false, 'output' => nil, 'requests' => [],
        'connection_updates' => nil, 'retries' => 0, 'duration_ms' => 0,
        'error' => { 'class' => 'ArgumentError', 'message' => "unknown message type #{msg['type'].inspect}",
                     'backtrace' => [], 'kind' => 'error' } }
    end
  rescue JSON::ParserError, ArgumentError => e
    { 'type' => 'result', 'id' => nil, 'ok' => false, 'output' => nil, 'requests' => [],
      'connection_updates' => nil, 'retries' => 0, 'duration_ms' => 0,
      'error' => { 'class' => e.class.name, 'message' => "bad protocol message: #{e.message}",
                   'backtrace' => [], 'kind' => 'error' } }
  end

  $stdout.flush
  $stderr.flush
  encoded = begin
    Workatogen::Wire.dump(result)
  rescue ::StandardError, ::SystemStackError => e
    Workatogen::Wire.dump(result.merge('ok' => false, 'output' => nil,
                                       'error' => { 'class' => e.class.name,
                                                    'message' => "output cannot be encoded as JSON: #{e.message}",
                                                    'backtrace' => [], 'kind' => 'error' }))
  end
  proto_write(encoded)
end
