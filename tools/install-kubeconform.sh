#!/usr/bin/env bash
# Installs kubeconform, which validates the rendered chart against the Kubernetes schemas, built
# with `go install` from the Go module proxy, and the schemas themselves from the PyPI package
# kubernetes-validate, whose wheel carries them (downloaded with pip and unpacked; nothing is
# installed into any Python). The validation then runs offline. Idempotent.
# Result: $GATEHOUSE_TOOLS/bin/kubeconform and $GATEHOUSE_TOOLS/kubernetes-schemas/<k8s version>-local-strict/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"
source "$(dirname "${BASH_SOURCE[0]}")/go-command.sh"

VERSION="v0.8.0"
TARGET="${GATEHOUSE_TOOLS}/kubeconform/${VERSION}"
SCHEMAS_PACKAGE="kubernetes-validate==1.37.0"
KUBERNETES_VERSION="1.34.0"
SCHEMAS="${GATEHOUSE_TOOLS}/kubernetes-schemas"

if [[ ! -x "${TARGET}/kubeconform" ]]; then
  go_install kubeconform "${VERSION}" github.com/yannh/kubeconform/cmd/kubeconform "${TARGET}"
fi
ln -sfn "${TARGET}/kubeconform" "${GATEHOUSE_TOOLS}/bin/kubeconform"

SCHEMA_DIR="${SCHEMAS}/v${KUBERNETES_VERSION}-local-strict"
if [[ ! -f "${SCHEMA_DIR}/.complete" ]]; then
  echo "tools: installing the Kubernetes ${KUBERNETES_VERSION} JSON schemas into ${SCHEMAS} (PyPI ${SCHEMAS_PACKAGE})" >&2
  wheels="$(mktemp -d)"
  timeout 300 python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --dest "${wheels}" "${SCHEMAS_PACKAGE}" \
    || unreachable "${SCHEMAS_PACKAGE}" "PyPI"
  python3 - "${wheels}" "${SCHEMAS}" "v${KUBERNETES_VERSION}-local-strict" <<'PY'
import glob, json, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
marker = "/" + sys.argv[3] + "/"
members = [name for name in wheel.namelist() if marker in name and name.endswith(".json")]
if not members:
    sys.exit("tools: the wheel carries no schemas for " + sys.argv[3])
target = os.path.join(sys.argv[2], sys.argv[3])
os.makedirs(target, exist_ok=True)
# The schemas name themselves ($id https://kubernetes.io/api/...) and their shared definitions
# (/api/_definitions.json), which the package's own loader maps to its files; kubeconform would
# fetch them from the network, so each schema loses its $id and refers to the file beside it.
for name in members:
    schema = json.loads(wheel.read(name))
    schema.pop("$id", None)
    text = json.dumps(schema).replace('"/api/_definitions.json#', '"_definitions.json#')
    with open(os.path.join(target, os.path.basename(name)), "w") as out:
        out.write(text)
PY
  rm -rf "${wheels}"
  touch "${SCHEMA_DIR}/.complete"
fi
