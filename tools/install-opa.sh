#!/usr/bin/env bash
# Installs the OPA CLI that the policy module's build and the tests use (opa test, opa build,
# opa run), built with `go install` from the Go module proxy. Without a Go toolchain on the
# machine it first fetches one from the same proxy (golang.org/toolchain), as `go` itself does
# when a module asks for a newer one. Idempotent. Result: $GATEHOUSE_TOOLS/bin/opa
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/go-command.sh"

OPA_VERSION="v1.22.3"
TARGET="${GATEHOUSE_TOOLS}/opa/${OPA_VERSION}"

if [[ -x "${TARGET}/opa" ]] && "${TARGET}/opa" version 2>/dev/null | grep -qx "Version: ${OPA_VERSION#v}"; then
  ln -sfn "${TARGET}/opa" "${GATEHOUSE_TOOLS}/bin/opa"
  exit 0
fi

go_install OPA "${OPA_VERSION}" github.com/open-policy-agent/opa "${TARGET}"
"${TARGET}/opa" version >&2
ln -sfn "${TARGET}/opa" "${GATEHOUSE_TOOLS}/bin/opa"
