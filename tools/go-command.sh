# Sourced by the install scripts that build a tool with `go install`: go_command prints a Go
# toolchain's `go`, the machine's own if it has one, or else one fetched once from the Go module
# proxy (golang.org/toolchain) into the cache, as `go` itself does when a module asks for a newer one.
GO_TOOLCHAIN="go1.26.8"

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
    curl -fsSL --max-time 300 -o "${zip}" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-${GO_TOOLCHAIN}.linux-amd64.zip" \
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

# go_install NAME VERSION PACKAGE TARGET_DIR: builds PACKAGE@VERSION into TARGET_DIR, with a bound
# on a cold cache (the module download and the build), and says which registry failed.
go_install() {
  local name="$1" version="$2" package="$3" target="$4" go
  go="$(go_command)"
  echo "tools: installing ${name} ${version} into ${target} (go install from the module proxy; a few minutes the first time)" >&2
  mkdir -p "${target}"
  GOBIN="${target}" GOTOOLCHAIN=local GOFLAGS=-mod=mod timeout 900 "${go}" install "${package}@${version}" \
    || unreachable "${name} ${version}" "the Go module proxy ($("${go}" env GOPROXY))"
}
