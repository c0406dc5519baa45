#!/usr/bin/env bash
# Installs the OPA CLI that the policy module's build and the tests use (opa test, opa build,
# opa run), built with `go install` from the Go module proxy. Without a Go toolchain on the
# machine it first fetches one from the same proxy (golang.org/toolchain), as `go` itself does
# when a module asks for a newer one. Idempotent. Result: $GATEHOUSE_TOOLS/bin/opa
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

OPA_VERSION="v1.22.3"
GO_TOOLCHAIN="go1.26.8"
TARGET="${GATEHOUSE_TOOLS}/opa/${OPA_VERSION}"

if [[ -x "${TARGET}/opa" ]] && "${TARGET}/opa" version 2>/dev/null | grep -qx "Version: ${OPA_VERSION#v}"; then
  ln -sfn "${TARGET}/opa" "${GATEHOUSE_TOOLS}/bin/opa"
  exit 0
fi

go_command() {
  if command -v go >/dev/null; then
    command -v go
    return
  fi
  local toolchain="${GATEHOUSE_TOOLS}/go/${GO_TOOLCHAIN}"
  if [[ ! -x "${toolchain}/bin/go" ]]; then
    echo "tools: no Go on this machine; fetching ${GO_TOOLCHAIN} from the Go module proxy" >&2
    local zip
    zip="$(mktemp)"
    curl -fsSL -o "${zip}" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-${GO_TOOLCHAIN}.linux-amd64.zip" \
      || unreachable "the Go toolchain ${GO_TOOLCHAIN}" "proxy.golang.org"
    rm -rf "${toolchain}.partial" && mkdir -p "${toolchain}.partial"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "${zip}" "${toolchain}.partial"
    rm -f "${zip}"
    # The module zip holds golang.org/toolchain@.../ with the toolchain's tree inside, without file modes.
    mv "${toolchain}.partial"/golang.org/toolchain@*/ "${toolchain}"
    rm -rf "${toolchain}.partial"
    chmod -R u+x "${toolchain}/bin" "${toolchain}/pkg/tool"
  fi
  echo "${toolchain}/bin/go"
}

GO="$(go_command)"
echo "tools: installing OPA ${OPA_VERSION} into ${TARGET} (go install from the module proxy; a few minutes the first time)" >&2
mkdir -p "${TARGET}"
GOBIN="${TARGET}" GOTOOLCHAIN=local "${GO}" install "github.com/open-policy-agent/opa@${OPA_VERSION}" \
  || unreachable "OPA ${OPA_VERSION}" "the Go module proxy ($("${GO}" env GOPROXY))"
"${TARGET}/opa" version >&2
ln -sfn "${TARGET}/opa" "${GATEHOUSE_TOOLS}/bin/opa"
