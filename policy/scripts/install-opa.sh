#!/usr/bin/env bash
# Installs the OPA CLI that the policy module's build and tests use (opa test, opa build, opa run).
# Idempotent: returns at once when the pinned version is already installed.
# Prints the directory holding `opa`; put it on PATH (or export OPA_BIN=<dir>/opa).
set -euo pipefail

OPA_VERSION="${OPA_VERSION:-v1.22.3}"
INSTALL_DIR="$(go env GOPATH)/bin"
OPA="$INSTALL_DIR/opa"

if [[ -x "$OPA" ]] && "$OPA" version 2>/dev/null | grep -qx "Version: ${OPA_VERSION#v}"; then
  echo "$INSTALL_DIR"
  exit 0
fi

command -v go >/dev/null || { echo "install-opa.sh: Go is required (go install)" >&2; exit 1; }
echo "install-opa.sh: installing OPA $OPA_VERSION into $INSTALL_DIR (go install, takes a few minutes)" >&2
GOBIN="$INSTALL_DIR" go install "github.com/open-policy-agent/opa@$OPA_VERSION"
"$OPA" version >&2
echo "$INSTALL_DIR"
