# frozen_string_literal: true

# Runs the whole runtime suite: ruby -I harness/runtime harness/runtime/test/all.rb
Dir[File.join(__dir__, 'test_*.rb')].sort.each { |f| require f }
