#!/usr/bin/env bash
# Installs Helm, which the chart's test lints and renders (deploy/helm), built with `go install`
# from the Go module proxy. Idempotent. Result: $GATEHOUSE_TOOLS/bin/helm
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/go-command.sh"

VERSION="v3.22.0"
TARGET="${GATEHOUSE_TOOLS}/helm/${VERSION}"

if [[ ! -x "${TARGET}/helm" ]]; then
  go_install Helm "${VERSION}" helm.sh/helm/v3/cmd/helm "${TARGET}"
fi
ln -sfn "${TARGET}/helm" "${GATEHOUSE_TOOLS}/bin/helm"
