#!/usr/bin/env bash
# Installs the Compose Specification's JSON schema, which the tests validate compose/docker-compose.yml
# against (no Docker engine runs here): the schema docker compose itself loads, as shipped in the
# Go module github.com/compose-spec/compose-go/v2 (schema/compose-spec.json), downloaded with
# `go mod download` from the Go module proxy. Idempotent.
# Result: $GATEHOUSE_TOOLS/compose-spec/<version>/compose-spec.json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/go-command.sh"

VERSION="v2.10.0"
MODULE="github.com/compose-spec/compose-go/v2"
TARGET="${GATEHOUSE_TOOLS}/compose-spec/${VERSION}"

if [[ -f "${TARGET}/compose-spec.json" ]]; then
  exit 0
fi

echo "tools: installing the Compose Specification schema (${MODULE} ${VERSION}) into ${TARGET} (Go module proxy)" >&2
GO="$(go_command)"
module_dir="$(GOFLAGS=-mod=mod GOTOOLCHAIN=local timeout 300 "${GO}" mod download -json "${MODULE}@${VERSION}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')" \
  || unreachable "${MODULE} ${VERSION}" "the Go module proxy ($("${GO}" env GOPROXY))"
mkdir -p "${TARGET}"
cp "${module_dir}/schema/compose-spec.json" "${TARGET}/compose-spec.json.partial"
mv "${TARGET}/compose-spec.json.partial" "${TARGET}/compose-spec.json"
