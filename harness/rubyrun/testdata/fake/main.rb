# A stand-in for harness/runtime that speaks only the protocol, so the
# runner's process handling (ready, results, output capture, timeouts, crashes,
# fatal start) is tested without depending on the real Workato emulation.
require 'json'
require 'net/http'

$stdout.sync = true
$stderr.sync = true
proto = IO.new(3, 'w')
proto.sync = true

if ENV['FAKE_FATAL']
  proto.puts({ type: 'fatal', message: 'cannot load active_support', fix: 'apt-get install -y ruby ruby-activesupport' }.to_json)
  exit 3
end
if ENV['FAKE_CRASH_AT_START']
  raise 'boom at start'
end

proto.puts({ type: 'ready', ruby: RUBY_VERSION, activesupport: 'fake', protocol: (ENV['FAKE_PROTOCOL'] || 1).to_i }.to_json)

$stdin.each_line do |line|
  msg = JSON.parse(line)
  out = { type: 'result', id: msg['id'], ok: true, output: nil, error: nil, requests: [], duration_ms: 0 }
  case msg.dig('target', 'name')
  when 'echo'
    out[:output] = msg['input']
  when 'puts'
    puts "hello from #{msg['id']}"
    $stderr.puts "warn from #{msg['id']}"
  when 'raise'
    out[:ok] = false
    out[:error] = { class: 'RuntimeError', message: 'it broke', backtrace: ['connector.rb:3'], kind: 'error' }
  when 'loop'
    puts 'looping'
    loop { sleep 0.01 }
  when 'die'
    puts 'about to die'
    Process.kill(:KILL, Process.pid)
  when 'exit'
    exit 7
  when 'noise'
    proto.puts('not json')
    proto.puts({ type: 'result', id: 'someone-else' }.to_json)
  when 'request'
    host, port = ENV['WORKATOGEN_REPLAY_ADDR'].split(':')
    res = Net::HTTP.start(host, port.to_i) do |http|
      req = Net::HTTP::Get.new('/api/ping?x=1', 'Host' => 'go.tallyfy.com')
      http.request(req)
    end
    out[:output] = { status: res.code.to_i, body: res.body }
  end
  proto.puts(out.to_json)
end
