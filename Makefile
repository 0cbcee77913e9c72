# stickylab: build, serve and test the browser lab.
#
#   make serve                      build and serve at http://localhost:8080/
#   make site BASE_PATH=/stickylab  write the static site to dist/ for that sub-path
#   make test                       vet + every test (native, e2e in Chromium, wasm in Chromium)
#   make bench                      benchmarks as "name: value" lines
#   make lighthouse                 Lighthouse scores of both views (not in make test: slow)
#   make pgo                        rewrite wasm/default.pgo, the profile the wasm build is optimized with

GO        ?= go
BASE_PATH ?=
ADDR      ?= :8080
DIST      ?= dist
WASM      := bin/app.wasm

WASMBROWSERTEST         := $(CURDIR)/bin/wasmbrowsertest
WASMBROWSERTEST_VERSION := v0.11.0

# axe-core, the accessibility checker the e2e tests run in the page
# (e2e/a11y_test.go reads it from disk). npm comes with Node.
AXE         := bin/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1

# Lighthouse 12, run by make lighthouse on the site built under a sub-path
# (cmd/lighthouse serves it and reads the reports).
LIGHTHOUSE         := bin/node_modules/.bin/lighthouse
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE_BASE    ?= /stickylab
LIGHTHOUSE_OUT     := bin/lighthouse

SHELL       := bash
.SHELLFLAGS := -euo pipefail -c

# The browser binary: never links go-app's server side (see wasm/main_js.go).
# go build optimizes it with wasm/default.pgo (profile-guided inlining of the
# engine's hot path); make pgo writes that profile anew.
.PHONY: wasm
wasm:
	@mkdir -p bin
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WASM) ./wasm

.PHONY: site
site: wasm
	$(GO) run ./cmd/site -wasm $(WASM) -out $(DIST) -base "$(BASE_PATH)"

.PHONY: serve
serve: wasm
	$(GO) run ./cmd/site -wasm $(WASM) -out $(DIST) -base "$(BASE_PATH)" -serve $(ADDR)

# wasmbrowsertest runs GOOS=js GOARCH=wasm test binaries in headless Chromium.
# It is installed apart: it does not compile in this module (chromedp v0.23).
bin/wasmbrowsertest:
	@mkdir -p bin
	GOBIN=$(CURDIR)/bin $(GO) install github.com/agnivade/wasmbrowsertest@$(WASMBROWSERTEST_VERSION)

# Go passes the whole environment into a wasm test; more than ~8 KB of it
# (a CI runner's) fails with "total length of command line and environment
# variables exceeds limit". The wasm tests get only what go needs.
WASM_TEST_ENV := env -i PATH="$$PATH" HOME="$$HOME" $(foreach v,GOROOT GOPATH GOCACHE GOMODCACHE GOFLAGS GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GOTOOLCHAIN TMPDIR CI,$(if $($(v)),$(v)="$$$(v)"))

$(AXE):
	npm install --prefix bin --no-audit --no-fund axe-core@$(AXE_VERSION)

.PHONY: axe
axe: $(AXE)

$(LIGHTHOUSE):
	npm install --prefix bin --no-audit --no-fund lighthouse@$(LIGHTHOUSE_VERSION)

# Accessibility, best practices and SEO of both views (the browser lab and
# ?view=traffic), mobile and desktop: "lighthouse_<view>_<form factor>_<category>: score"
# lines; fails if any is below 100. Reports: bin/lighthouse/*.report.html.
.PHONY: lighthouse
lighthouse: wasm $(LIGHTHOUSE)
	$(GO) run ./cmd/site -wasm $(WASM) -out $(LIGHTHOUSE_OUT)/dist -base "$(LIGHTHOUSE_BASE)"
	$(GO) run ./cmd/lighthouse -dist $(LIGHTHOUSE_OUT)/dist -base "$(LIGHTHOUSE_BASE)" \
		-lighthouse $(LIGHTHOUSE) -out $(LIGHTHOUSE_OUT)

.PHONY: test
test: bin/wasmbrowsertest $(AXE)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	@# The e2e suite drives Chromium for 5 to 10 minutes: more than go test's default limit on a busy host.
	$(GO) test -timeout 30m ./...
	$(WASM_TEST_ENV) GOOS=js GOARCH=wasm $(GO) test -timeout 5m -exec=$(WASMBROWSERTEST) ./wasm/... 2>&1 \
		| { grep -v 'could not unmarshal event' || true; }

# Benchmark lines "BenchmarkX-N  n  v1 unit1  v2 unit2 ..." become "unit: value"
# for custom metrics and "BenchmarkX.unit: value" for ns/op, B/op, allocs/op.
BENCH_FILTER := awk '/^Benchmark/ { name = $$1; sub(/-[0-9]+$$/, "", name); \
	for (i = 3; i < NF; i += 2) { u = $$(i+1); \
		if (u ~ /\//) print name "." u ": " $$i; else print u ": " $$i } }'

# The engine prints its own figures (engine/report_test.go), natively and
# compiled to WebAssembly under Node (Go's go_js_wasm_exec); the ratio of the
# two is engine_wasm_native_ratio. The site's figures come from BenchmarkLoad,
# the traffic lab's from BenchmarkTraffic (e2e/traffic_bench_test.go).
# Each step prints the go test output instead when it fails.
GOROOT_DIR = $(shell $(GO) env GOROOT)

.PHONY: bench
bench:
	@mkdir -p bin
	@out=$$(STICKYLAB_BENCH=native $(GO) test -count=1 -v -run '^TestBenchReport$$' ./engine 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$out" | grep -E '^engine_[a-z0-9_]+: ' | tee bin/bench-native.txt
	@out=$$($(WASM_TEST_ENV) STICKYLAB_BENCH=wasm GOOS=js GOARCH=wasm $(GO) test -pgo=$(CURDIR)/wasm/default.pgo -count=1 -v -run '^TestBenchReport$$' \
		-exec=$(GOROOT_DIR)/lib/wasm/go_js_wasm_exec ./engine 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$out" | grep -E '^engine_wasm_[a-z0-9_]+: ' | tee bin/bench-wasm.txt
	@awk -F': ' 'FNR==NR && $$1=="engine_sticky_request_ns" {n=$$2} FNR!=NR && $$1=="engine_wasm_sticky_request_ns" {w=$$2} \
		END { if (n > 0) printf "engine_wasm_native_ratio: %.2f\n", w/n }' bin/bench-native.txt bin/bench-wasm.txt
	@out=$$($(GO) test -run '^$$' -bench '^(BenchmarkLoad|BenchmarkTraffic|BenchmarkRestore)$$' -benchtime 1x -timeout 60m ./e2e 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$out" | $(BENCH_FILTER) | { grep -v '^Benchmark[A-Za-z]*\.' || true; }

# The CPU profile of a fast-forwarded hour of the traffic lab's 10,000-client
# crowd (app.BenchmarkFastForward), natively: the calls it finds hot are the
# wasm build's too. Rewrite it when the engine's hot path changes.
.PHONY: pgo
pgo:
	$(GO) test -run '^$$' -bench '^BenchmarkFastForward$$' -benchtime 2x -cpuprofile wasm/default.pgo -o bin/app-pgo.test ./app

.PHONY: clean
clean:
	rm -rf $(DIST) bin
