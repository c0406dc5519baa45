#!/usr/bin/env bash
# Installs every server and tool the tests run, each pinned and idempotent, into
# $GATEHOUSE_TOOLS (default ~/.cache/gatehouse/tools). The build runs it before any module
# (the root pom's install-test-tools execution), so `./mvnw -B verify` needs nothing run before it.
# Several builds at once (worktrees) take turns through a lock.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "${HERE}/tools-home.sh"

exec 9>"${GATEHOUSE_TOOLS}/.install.lock"
flock 9
for installer in "${HERE}"/install-*.sh; do
  [[ "${installer}" == "${BASH_SOURCE[0]}" || "$(basename "${installer}")" == install-test-tools.sh ]] && continue
  bash "${installer}"
done
echo "tools: ready in ${GATEHOUSE_TOOLS}: $(ls "${GATEHOUSE_TOOLS}/bin" | tr '\n' ' ')" >&2
