#!/bin/sh
# Builds Dendrite v0.15.2 (homeserver + helper commands) into tools/dendrite/bin.
# internal/devnet.BuildTools does the same automatically when a binary is missing.
set -eu
cd "$(dirname "$0")"
GOWORK=off go build -o bin/ \
	github.com/element-hq/dendrite/cmd/dendrite \
	github.com/element-hq/dendrite/cmd/generate-keys \
	github.com/element-hq/dendrite/cmd/generate-config \
	github.com/element-hq/dendrite/cmd/create-account
echo "built: $(pwd)/bin"
