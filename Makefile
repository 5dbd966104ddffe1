# The test command the README names and CI runs: formatting, vet, the race
# detector over every package, then the flow checks youth workers run.
GO ?= go

.PHONY: test build fuzz bench

test:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run ./cmd/signpost flows validate
	$(GO) run ./cmd/signpost flows test
	$(GO) test -race -count=1 ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o signpost ./cmd/signpost

# Each fuzz target for a while (FUZZTIME=30s by default).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./flows/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./flows/answer/
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) ./bot/safeguard/
	$(GO) test -run '^$$' -fuzz '^FuzzNormalise$$' -fuzztime $(FUZZTIME) ./bot/safeguard/
	$(GO) test -run '^$$' -fuzz '^FuzzSplit$$' -fuzztime $(FUZZTIME) ./bot/sms/segment/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
