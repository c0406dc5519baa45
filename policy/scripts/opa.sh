#!/usr/bin/env bash
# Runs the OPA CLI that tools/install-opa.sh installed (the build installs it before any module;
# see tools/README.md), so the Maven build and the tests need no PATH set-up.
set -euo pipefail

OPA="${GATEHOUSE_TOOLS:-${HOME}/.cache/gatehouse/tools}/bin/opa"
if [[ -x "${OPA}" ]]; then
  exec "${OPA}" "$@"
fi
echo "opa not found at ${OPA}: './mvnw verify' installs it, or run 'bash tools/install-opa.sh'" >&2
exit 127
