# The README's two set-up commands are `make generate` and `make test`.
GO ?= go
# apt-get needs root; use sudo when we are not root (and sudo exists).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: generate test check deps bench fuzz measure

## generate: write out/tallyfy/ from spec/tallyfy/ (the Tallyfy default)
generate:
	$(GO) run ./cmd/workatogen generate

## test: every test (unit, golden, CLI scripts, full Tallyfy replay, mutation tests)
test: deps
	$(GO) vet ./...
	$(GO) test ./...

## check: fail when out/ differs from what generate would write (diff + cause; docs/ci.md)
check:
	$(GO) run ./cmd/workatogen check --quiet

## deps: Ruby 2.7+ and ActiveSupport for the replay harness and the Ruby checks
deps:
	@if ruby -e 'require "active_support"; exit(Gem::Version.new(RUBY_VERSION) >= Gem::Version.new("2.7") ? 0 : 1)' >/dev/null 2>&1; then \
		echo "deps: $$(ruby -v | cut -d' ' -f1-2) with ActiveSupport is installed"; \
	else \
		echo "deps: installing Ruby and ActiveSupport from Debian (apt-get install -y ruby ruby-activesupport)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ruby ruby-activesupport >/dev/null && \
		ruby -e 'require "active_support"' ; \
	fi

## bench: Go benchmarks of the generator and the harness
bench: deps
	$(GO) test ./generator ./harness -run '^$$' -bench . -benchmem

## fuzz: fuzz the Ruby string emitter (every spec string goes through it)
fuzz:
	$(GO) test ./generator/rubylit -run '^$$' -fuzz FuzzQuote -fuzztime 60s
