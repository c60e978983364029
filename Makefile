# Twofold: `make demo` runs the main job, `make test` runs every test (README, Quick start).
# Both install the Debian packages they need (scripts/install-deps) and stop what they start;
# `make test` runs the tests on a throw-away PostgreSQL too (scripts/postgres-test-cluster),
# then again under ThreadSanitizer and AddressSanitizer (scripts/sanitize).

SWIFT ?= swift

.PHONY: deps build demo test test-swift check-vectors check-openapi bench clean install uninstall

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

demo: deps
	$(SWIFT) build --product twofold
	$(SWIFT) build --product twofoldd
	$(SWIFT) build --product twofold-relay
	scripts/demo

# The plain build refuses an import of a module the target does not declare in Package.swift
# (a target that compiles only because another one happens to pull the module in).
test: deps
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	scripts/postgres-test-cluster run -- $(SWIFT) test --skip-build
	scripts/check-vectors
	scripts/check-openapi
	scripts/check-units
	scripts/check-units-systemd
	TWOFOLD_INSTALL_CONFIGURATION=debug scripts/test-install
	scripts/fuzz
	scripts/schemathesis
	scripts/sanitize thread
	scripts/sanitize address

# `make bench`: every benchmark in one run on this machine, figures and their peers' into
# BENCHMARKS.md (scripts/bench-all: release build once, bench-out/ keeps the raw results).
# BENCH_QUICK=1 for a smoke test; BENCH_POSTGRES=1 adds scripts/bench-postgres.
bench:
	@TWOFOLD_EXTRA_PACKAGES="time wrk nginx-light radicale" scripts/install-deps
	scripts/bench-all

# `make install [PREFIX=~/.local]`: release builds, units, completions, man pages and the
# README where the units' Documentation= points (scripts/install); `make uninstall` removes
# exactly what it wrote.
PREFIX ?= $(HOME)/.local

install: deps
	scripts/install "$(PREFIX)"

uninstall:
	scripts/install --uninstall "$(PREFIX)"

clean:
	rm -rf .build .build-*
