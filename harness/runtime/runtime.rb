# frozen_string_literal: true

# Loads the whole Workato runtime emulation (everything but the protocol loop), in
# dependency order. Requires Ruby 2.7+ and ActiveSupport; no other gems.

# The gem forces TZ=UTC for consistency with the platform and sets Time.zone to its
# default user zone (workato-sdk.md §4 "The gem forces TZ=UTC").
ENV['TZ'] = 'UTC' if ENV['TZ'].to_s.empty?

require 'active_support'
require 'active_support/all'
require 'active_support/json'

require_relative 'errors'
require_relative 'extensions'
require_relative 'query'
require_relative 'transport'
require_relative 'dsl'
require_relative 'auth'
require_relative 'request'
require_relative 'schema'
require_relative 'operation'
require_relative 'action'
require_relative 'trigger'
require_relative 'connector'
require_relative 'runner'

Time.zone = Workatogen::Converters::DEFAULT_TIME_ZONE
