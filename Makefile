# scm — SSL Certificate Manager console.
#   make run        install what is missing, build (release), migrate/seed var/, serve on :8080
#   make test       swift test + the end-to-end suite (nginx, scm serve, headless Chromium)
#   make bench      wrk figures for static file / health check / list / details pages
#   make screenshot docs/screenshot.png of the certificate list, for the README
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3

.PHONY: all deps build release run test test-e2e bench screenshot clean-var

all: build

deps:
	@scripts/deps.sh

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

run: deps release
	.build/release/scm build-help --root .
	@scripts/run.sh

# One debug build of the executable and the test targets (with testable imports), then the
# tests: `swift build` followed by a plain `swift test` would compile everything twice.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(PYTHON) -m pytest -q Tests/e2e

# The end-to-end suite alone, against an existing debug build.
test-e2e:
	$(PYTHON) -m pytest -q Tests/e2e

bench: deps release
	@scripts/bench.sh

screenshot: deps build
	@mkdir -p docs
	SCM_SCREENSHOT_OUT=docs/screenshot.png $(PYTHON) -m pytest -q Tests/e2e -k screenshot

clean-var:
	rm -rf var/log var/tmp var/nginx.pid var/nginx.conf var/bench.md
