#!/usr/bin/env bash
# Compiles the Rego sources into the artefacts the decision points load:
#   <wasm-dir>/policy.wasm, data.json, .manifest   Wasm build for WasmPolicyDecisionPoint (committed)
#   <rego-bundle>                                  Rego bundle for an OPA server (optional argument)
# Both carry the same revision: the SHA-256 of the policy sources (Rego without tests, JSON data),
# so an audit record names exactly the rules that decided. The build is deterministic; the tests
# rebuild into target/ and compare with the committed Wasm.
#
# Usage: build-policy.sh [<wasm-dir> [<rego-bundle.tar.gz>]]
set -euo pipefail

module_dir="$(cd "$(dirname "$0")/.." && pwd)"
opa="$module_dir/scripts/opa.sh"
rego_dir="$module_dir/src/main/rego"
wasm_dir="$(realpath -m "${1:-$module_dir/src/main/resources/dev/gatehouse/policy/wasm}")"
rego_bundle="${2:+$(realpath -m "$2")}"
entrypoint="gatehouse/decision"

cd "$rego_dir"
revision="$(find . -type f \( -name '*.rego' ! -name '*_test.rego' -o -name '*.json' \) -print0 \
  | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$opa" build --target wasm --entrypoint "$entrypoint" --revision "$revision" --ignore '*_test.rego' \
  --output "$work/wasm.tar.gz" .
mkdir -p "$wasm_dir" "$work/wasm"
tar -xzf "$work/wasm.tar.gz" -C "$work/wasm" 2>/dev/null
cp "$work/wasm/policy.wasm" "$work/wasm/data.json" "$work/wasm/.manifest" "$wasm_dir/"

if [[ -n "$rego_bundle" ]]; then
  mkdir -p "$(dirname "$rego_bundle")"
  "$opa" build --bundle --revision "$revision" --ignore '*_test.rego' --output "$rego_bundle" .
fi
echo "policy revision $revision -> $wasm_dir${rego_bundle:+, $rego_bundle}"
