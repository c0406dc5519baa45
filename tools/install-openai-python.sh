#!/usr/bin/env bash
# Installs the official OpenAI Python SDK (PyPI `openai`) into a virtual environment of its own,
# for the test that drives the gateway with it as Python clients do. Unlike the servers, it is
# optional: when PyPI cannot be reached the build goes on, and that test is skipped, saying why.
# Idempotent. Result: $GATEHOUSE_TOOLS/bin/openai-python (runs the environment's python3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

VERSION="3.57.0"
TARGET="${GATEHOUSE_TOOLS}/openai-python/${VERSION}"

# A wrapper, not a link: a virtual environment's python finds its packages only when started by its own path.
link() {
  rm -f "${GATEHOUSE_TOOLS}/bin/openai-python"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "${TARGET}/bin/python3" > "${GATEHOUSE_TOOLS}/bin/openai-python"
  chmod +x "${GATEHOUSE_TOOLS}/bin/openai-python"
}

if [[ -x "${TARGET}/bin/python3" ]] && "${TARGET}/bin/python3" -c "import openai, sys; sys.exit(openai.__version__ != '${VERSION}')" 2>/dev/null; then
  link
  exit 0
fi

if ! command -v python3 >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  echo "tools: no python3 with venv here; the OpenAI Python SDK test will be skipped" >&2
  exit 0
fi
echo "tools: installing the OpenAI Python SDK ${VERSION} into ${TARGET} (PyPI openai)" >&2
rm -rf "${TARGET}"
python3 -m venv "${TARGET}"
if ! timeout 300 "${TARGET}/bin/python3" -m pip install --quiet --disable-pip-version-check "openai==${VERSION}"; then
  rm -rf "${TARGET}"
  echo "tools: cannot download openai ${VERSION} from PyPI; the OpenAI Python SDK test will be skipped" >&2
  exit 0
fi
link
