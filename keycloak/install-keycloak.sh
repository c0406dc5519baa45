#!/usr/bin/env bash
# Installs the Keycloak distribution the tests and the distributed mode start, from Maven Central,
# into .tools/keycloak/keycloak-<version> at the repository root. Idempotent: returns at once when
# the distribution is already unpacked.
set -euo pipefail

VERSION="${KEYCLOAK_VERSION:-26.7.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/.tools/keycloak"
HOME_DIR="$TARGET/keycloak-$VERSION"

if [[ -x "$HOME_DIR/bin/kc.sh" ]]; then
  echo "Keycloak $VERSION already installed at $HOME_DIR"
  exit 0
fi

mkdir -p "$TARGET"
"$ROOT/mvnw" -q -B dependency:unpack \
  -Dartifact="org.keycloak:keycloak-quarkus-dist:$VERSION:zip" \
  -DoutputDirectory="$TARGET" \
  -Dmdep.overWriteReleases=true

if [[ ! -x "$HOME_DIR/bin/kc.sh" ]]; then
  echo "Keycloak $VERSION was downloaded but $HOME_DIR/bin/kc.sh is missing" >&2
  exit 1
fi
echo "Keycloak $VERSION installed at $HOME_DIR"
