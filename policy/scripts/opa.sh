#!/usr/bin/env bash
# Runs the OPA CLI installed by install-opa.sh (found on PATH or in Go's bin directory), so the
# Maven build and the tests need no PATH set-up. Fails with instructions when OPA is missing.
set -euo pipefail

if command -v opa >/dev/null; then
  exec opa "$@"
fi
if command -v go >/dev/null && [[ -x "$(go env GOPATH)/bin/opa" ]]; then
  exec "$(go env GOPATH)/bin/opa" "$@"
fi
echo "opa not found on PATH nor in \$(go env GOPATH)/bin: run policy/scripts/install-opa.sh first" >&2
exit 127
