# Wirewatch: `make run` and `make test` work on a fresh Debian machine with Swift, as root.
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
APT_PACKAGES := libsystemd-dev libxml2-dev libstemmer-dev libsqlite3-dev pkg-config
BASE ?= ./var

.PHONY: all deps build release run test bench clean

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
	$(SWIFT) build -c release

# The daemon in the foreground on a local layout under ./var (Ctrl-C stops it).
run: build
	@mkdir -p $(BASE)/inbox
	@echo "wirewatchd: drop or rename files into $(BASE)/inbox/ (state in $(BASE)/wirewatch.sqlite)"
	$$($(SWIFT) build --show-bin-path)/wirewatchd --base $(BASE)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: release
	$$($(SWIFT) build -c release --show-bin-path)/wirewatch-bench --daemon $$($(SWIFT) build -c release --show-bin-path)/wirewatchd

clean:
	rm -rf .build $(BASE)
