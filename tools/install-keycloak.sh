#!/usr/bin/env bash
# Installs the Keycloak distribution the tests start, from Maven Central (keycloak-quarkus-dist).
# Idempotent. Result: $GATEHOUSE_TOOLS/keycloak/keycloak-<version>/bin/kc.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

VERSION="26.7.3"
TARGET="${GATEHOUSE_TOOLS}/keycloak"
HOME_DIR="${TARGET}/keycloak-${VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -x "${HOME_DIR}/bin/kc.sh" ]]; then
  exit 0
fi

echo "tools: installing Keycloak ${VERSION} into ${TARGET} (Maven Central)" >&2
mkdir -p "${TARGET}"
"${ROOT}/mvnw" -q -B dependency:unpack \
  -Dartifact="org.keycloak:keycloak-quarkus-dist:${VERSION}:zip" \
  -DoutputDirectory="${TARGET}" \
  -Dmdep.overWriteReleases=true \
  || unreachable "Keycloak ${VERSION}" "Maven Central"
[[ -x "${HOME_DIR}/bin/kc.sh" ]] || { echo "tools: Keycloak ${VERSION} was unpacked but ${HOME_DIR}/bin/kc.sh is missing" >&2; exit 1; }
