#!/usr/bin/env bash
# Installs what the side-by-side benchmark runs, into ~/.cache/gatehouse/bench (BENCH_TOOLS):
# wrk (Debian), nginx (Debian's package unpacked there, not installed system-wide), the Portkey
# gateway (npm), the LiteLLM proxy (PyPI, in its own virtualenv) and the mock backend (Go).
# Idempotent: what is there already is kept.
set -euo pipefail
cd "$(dirname "$0")"
tools=${BENCH_TOOLS:-$HOME/.cache/gatehouse/bench}
mkdir -p "$tools"
portkey_version=1.15.2
litellm_version=${LITELLM_VERSION:-}

if ! command -v wrk > /dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk > /dev/null
fi
if [ ! -x "$tools/nginx/usr/sbin/nginx" ]; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download nginx > /dev/null 2>&1)
  dpkg -x "$work"/nginx_*.deb "$tools/nginx"
  rm -rf "$work"
fi
if [ ! -f "$tools/portkey/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  mkdir -p "$tools/portkey"
  (cd "$tools/portkey" && npm install --silent --no-audit --no-fund "@portkey-ai/gateway@$portkey_version" > /dev/null)
fi
if [ ! -x "$tools/litellm/bin/litellm" ]; then
  python3 -m venv "$tools/litellm"
  "$tools/litellm/bin/pip" install -q "litellm[proxy]${litellm_version:+==$litellm_version}"
fi
if [ ! -x "$tools/mock" ] || [ mock/main.go -nt "$tools/mock" ]; then
  (cd mock && go build -o "$tools/mock" .)
fi
echo "installed in $tools: wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), $("$tools/nginx/usr/sbin/nginx" -v 2>&1 | cut -d' ' -f3)," \
  "portkey $portkey_version, litellm $("$tools/litellm/bin/pip" show litellm 2>/dev/null | awk '/^Version/ {print $2}'), mock"
