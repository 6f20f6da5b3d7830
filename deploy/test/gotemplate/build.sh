#!/usr/bin/env bash
# Rebuilds gotemplate.wasm (Go's text/template for the deploy tests) and its wasm_exec.cjs glue (Go's wasm_exec.js).
# Needs a Go toolchain (Debian: apt-get install golang-go). The wasm and the glue must come from
# the same Go release, so both are copied together; the source hash lets a test catch a stale build.
set -euo pipefail
cd "$(dirname "$0")"
GOOS=js GOARCH=wasm CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o gotemplate.wasm .
cp "$(go env GOROOT)/misc/wasm/wasm_exec.js" wasm_exec.cjs
go version > GO_VERSION
sha256sum main.go | cut -d' ' -f1 > main.go.sha256
gzip -9 -n -f gotemplate.wasm
ls -l gotemplate.wasm.gz
