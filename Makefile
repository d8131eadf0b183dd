# Wirewatch: `make run` and `make test` work on a fresh Debian machine with Swift, as root.
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# libcurl4: webhooks load it when they first post.
APT_PACKAGES := libsystemd-dev libxml2-dev libstemmer-dev libsqlite3-dev pkg-config libcurl4
# Only the tests need these (headless Chromium renders the HTML digest).
TEST_APT_PACKAGES := chromium
BASE ?= ./var
# Build configuration that `make install` installs (debug is enough for the sandbox tests).
CONFIG ?= release
# Release binaries carry the Swift runtime and Foundation inside them (they run on machines
# without a Swift toolchain) and are linked by lld with packed relative relocations, which keeps
# what the kernel maps at start-up small (an idle daemon's RSS).
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
CONFIG_FLAGS = $(if $(filter release,$(CONFIG)),$(RELEASE_FLAGS),-c $(CONFIG))
RELEASE_BIN = $$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)
BINDIR = $(PREFIX)/bin
UNITDIR = $(PREFIX)/lib/systemd/system
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d
TMPFILESDIR = $(PREFIX)/lib/tmpfiles.d
# The shared folder (evaluation data, the systemd sandbox): beside the repository, or where this
# machine keeps it, so that a clone anywhere runs every test.
SHARED ?= $(firstword $(wildcard $(CURDIR)/../shared /work/shared) $(CURDIR)/../shared)
SANDBOX ?= $(SHARED)/tools/systemd-sandbox

.PHONY: all deps test-deps pydeps build release run test test-units test-systemd bench bench-scale fuzz install clean

all: build

# Installs the Debian packages that are missing (nothing when all are there).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install:$$missing)" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift is not on PATH" >&2; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# The daemon in the foreground on a local layout under ./var (Ctrl-C stops it).
run: build
	@mkdir -p $(BASE)/inbox
	@echo "wirewatchd: drop or rename files into $(BASE)/inbox/ (state in $(BASE)/wirewatch.sqlite)"
	$$($(SWIFT) build --show-bin-path)/wirewatchd --base $(BASE)

test-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(APT_PACKAGES) $(TEST_APT_PACKAGES)"

# Python packages the tests use as independent clients (from PyPI).
pydeps:
	@python3 -c 'import varlink' 2>/dev/null || python3 -m pip install -q varlink 2>/dev/null || \
	  python3 -m pip install --break-system-packages -q varlink

test: test-deps pydeps
	$(SWIFT) build --build-tests
	WIREWATCH_SHARED=$(SHARED) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory test-units
	$(MAKE) --no-print-directory test-systemd

# systemd-analyze verify (any stderr is a failure) and the security score of the installed units.
test-units:
	Tests/systemd/units.sh

# The real units under a throw-away systemd as PID 1 (needs root; skipped otherwise).
test-systemd:
	@if [ "$$(id -u)" != 0 ]; then echo "test-systemd: skipped (needs root)"; \
	elif [ ! -x "$(SANDBOX)" ]; then echo "test-systemd: skipped (no $(SANDBOX))"; \
	else Tests/systemd/e2e.sh "$(SANDBOX)"; fi

# Installs binaries, units, sysusers/tmpfiles snippets and the sample config (never overwriting
# an existing /etc/wirewatch/wirewatch.toml). PREFIX and DESTDIR as usual.
install:
	@if [ "$(CONFIG)" = release ]; then $(MAKE) --no-print-directory release; fi
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)/etc/wirewatch
	install -m 0755 $$($(SWIFT) build $(CONFIG_FLAGS) --show-bin-path)/wirewatchd $(DESTDIR)$(BINDIR)/wirewatchd
	install -m 0755 $$($(SWIFT) build $(CONFIG_FLAGS) --show-bin-path)/wirewatch $(DESTDIR)$(BINDIR)/wirewatch
	sed 's|/usr/local/bin/|$(BINDIR)/|g' systemd/wirewatch.service > $(DESTDIR)$(UNITDIR)/wirewatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/wirewatch.service
	install -m 0644 systemd/wirewatch.socket $(DESTDIR)$(UNITDIR)/wirewatch.socket
	install -m 0644 systemd/wirewatch.sysusers $(DESTDIR)$(SYSUSERSDIR)/wirewatch.conf
	install -m 0644 systemd/wirewatch.tmpfiles $(DESTDIR)$(TMPFILESDIR)/wirewatch.conf
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(DESTDIR)$(BINDIR)/wirewatch --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/wirewatch
	$(DESTDIR)$(BINDIR)/wirewatch --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_wirewatch
	$(DESTDIR)$(BINDIR)/wirewatch --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/wirewatch.fish
	@if [ -e $(DESTDIR)/etc/wirewatch/wirewatch.toml ]; then \
	  echo "keeping existing $(DESTDIR)/etc/wirewatch/wirewatch.toml (the new sample is config/wirewatch.toml)"; \
	else install -m 0644 config/wirewatch.toml $(DESTDIR)/etc/wirewatch/wirewatch.toml; fi

bench: release
	$(RELEASE_BIN)/wirewatch-bench ingest --daemon $(RELEASE_BIN)/wirewatchd
	$(RELEASE_BIN)/wirewatch-bench parse
	$(RELEASE_BIN)/wirewatch-bench extraction
	$(RELEASE_BIN)/wirewatch-bench control-load --daemon $(RELEASE_BIN)/wirewatchd
	$(RELEASE_BIN)/wirewatch-bench quality
	$(RELEASE_BIN)/wirewatch-bench dedup --runs 5 --dump /var/tmp/wirewatch-dedup-corpus.jsonl
	python3 -c 'import datasketch' 2>/dev/null || pip install --break-system-packages -q datasketch
	python3 Tests/bench/datasketch_lsh.py /var/tmp/wirewatch-dedup-corpus.jsonl 3

# The scaling run: 1,000,000 synthetic articles through analyze's pipeline (about ten minutes on 2 cores).
bench-scale: release
	$(RELEASE_BIN)/wirewatch-bench dedup --articles 1000 --runs 1 --skip-stage --scale 1000000

clean:
	rm -rf .build $(BASE)

# Fuzz the parsers for FUZZ_SECONDS (default 300); an input that crashes the parser is copied
# into Tests/WirewatchCoreTests/FuzzCorpus, which the test suite parses on every run.
FUZZ_SECONDS ?= 300
fuzz: release
	@current=$$(mktemp /tmp/wirewatch-fuzz.XXXXXX); \
	if $(RELEASE_BIN)/wirewatch-bench fuzz --seconds $(FUZZ_SECONDS) --current $$current; then rm -f $$current; \
	else name=crash-$$(sha256sum $$current | cut -c1-16); cp $$current Tests/WirewatchCoreTests/FuzzCorpus/$$name; \
	  echo "fuzz: crash; input saved as Tests/WirewatchCoreTests/FuzzCorpus/$$name"; rm -f $$current; exit 1; fi
