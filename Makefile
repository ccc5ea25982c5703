# Exodus: the two commands are `make demo` (run everything locally) and
# `make test` (run every test). Everything else is a helper.
GO ?= go
# The bot's end-to-end encryption uses mautrix-go's pure-Go olm, chosen by the build tag goolm
# (without it the crypto package wants libolm through cgo). Every go command make runs gets the
# tag through GOFLAGS, added to what the environment's GOFLAGS already says. By hand, see
# docs/contributing.md: `go env -w GOFLAGS=-tags=goolm` once, or -tags goolm on each command.
export GOFLAGS := $(strip $(GOFLAGS) -tags=goolm)

.PHONY: demo test build tools vet unit e2e postgres-test bench fuzz clean screenshots

## demo: build everything, start Dendrite, the bot and a demo circle; print how to connect.
## The launcher runs directly, with no `go run` between make and it, so Ctrl-C and SIGTERM reach it.
demo:
	@echo "Compiling the demo launcher into bin/exodus-demo (the first time it downloads modules: up to a minute or two)…"
	$(GO) build -o bin/exodus-demo ./cmd/exodus-demo
	bin/exodus-demo

## test: every test — vet, unit and property tests, fuzz seeds, end-to-end on Dendrite, and the store suite on Postgres.
test: vet
	$(GO) test -count=1 ./...
	bash scripts/with-postgres.sh $(GO) test -count=1 -run '^TestPostgres$$' ./store/

# The commit is stamped by hand too: Go does not stamp it with -buildvcs=false or in a git worktree.
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null)
build:
	CGO_ENABLED=1 $(GO) build -ldflags "-X main.commit=$(COMMIT)" -o bin/exodus ./cmd/exodus

tools:
	bash tools/dendrite/build.sh

vet:
	$(GO) vet ./...

e2e:
	$(GO) test -count=1 -v ./e2e/

## screenshots: run the browser end-to-end test and save its screenshots into docs/screenshots.
screenshots:
	EXODUS_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestWebOrganizer$$' -v ./e2e/

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
	rm -rf bin .demo tools/dendrite/bin
