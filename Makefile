# Exodus: the two commands are `make demo` (run everything locally) and
# `make test` (run every test). Everything else is a helper.
GO ?= go
# The bot's end-to-end encryption uses mautrix-go's pure-Go olm, chosen by the build tag goolm
# (without it the crypto package wants libolm through cgo). Every go command make runs gets the
# tag through GOFLAGS, added to the GOFLAGS go already uses (the environment's or `go env -w`'s).
# By hand, see docs/contributing.md: -tags goolm on each command, or once
# `go env -w GOFLAGS="$(go env GOFLAGS) -tags=goolm"`.
export GOFLAGS := $(strip $(filter-out -tags=goolm,$(shell $(GO) env GOFLAGS)) -tags=goolm)

.PHONY: demo test build tools js-tools vet unit e2e postgres-test bench fuzz clean screenshots

## demo: build everything, start Dendrite, the bot and a demo circle; print how to connect.
## The launcher runs directly, with no `go run` between make and it, so Ctrl-C and SIGTERM reach it.
demo:
	@echo "Compiling the demo launcher into bin/exodus-demo (the first time it downloads modules: up to a minute or two)…"
	$(GO) build -o bin/exodus-demo ./cmd/exodus-demo
	bin/exodus-demo

## test: every test — vet, unit and property tests, fuzz seeds, end-to-end on Dendrite, and the store suite
## and the crypto store on Postgres. The end-to-end package takes about 6 minutes on a quiet 2-core machine,
## more on a loaded one: go test's default limit of 10 minutes a package is raised (CI allows 90 in all).
TEST_TIMEOUT ?= 40m
test: vet js-tools
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...
	bash scripts/with-postgres.sh $(GO) test -count=1 -run '^TestPostgres$$' ./store/ ./cmd/exodus/ ./bot/e2ee/

# The commit is stamped by hand too: Go does not stamp it with -buildvcs=false or in a git worktree.
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null)
build:
	CGO_ENABLED=1 $(GO) build -ldflags "-X main.commit=$(COMMIT)" -o bin/exodus ./cmd/exodus

tools:
	bash tools/dendrite/build.sh

## js-tools: the npm packages the browser tests inject (axe-core, exact versions from tools/axe/package-lock.json).
js-tools:
	cd tools/axe && npm ci --no-audit --no-fund

vet:
	$(GO) vet ./...

e2e: js-tools
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -v ./e2e/

## screenshots: run the browser end-to-end test and save its screenshots into docs/screenshots.
screenshots:
	EXODUS_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^(TestWebOrganizer|TestHealthInChatAndOnTheWeb)$$' -v ./e2e/

## bench: the benchmarks quoted in docs/performance.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 20x ./ledger/ ./store/ ./bot/ ./web/

## fuzz: run each fuzzer for FUZZTIME (a million executions each by default; a duration such as 30s works too).
## Their seed corpora (the hostile texts of ledger/testdata/hostile.json among them) run in `make test`.
FUZZTIME ?= 1000000x
fuzz:
	$(GO) test ./ledger/ -run '^$$' -fuzz '^FuzzParseAmount$$' -fuzztime $(FUZZTIME)
	$(GO) test ./ledger/ -run '^$$' -fuzz '^FuzzParseUserID$$' -fuzztime $(FUZZTIME)
	$(GO) test ./ledger/grammar/ -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./ledger/grammar/ -run '^$$' -fuzz '^FuzzParseAid$$' -fuzztime $(FUZZTIME)
	$(GO) test ./bot/ -run '^$$' -fuzz '^FuzzLiteral$$' -fuzztime $(FUZZTIME)
	$(GO) test ./bot/ -run '^$$' -fuzz '^FuzzInboxEvent$$' -fuzztime $(FUZZTIME)

clean:
	rm -rf bin .demo tools/dendrite/bin tools/axe/node_modules
