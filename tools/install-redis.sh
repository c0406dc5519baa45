#!/usr/bin/env bash
# Installs Debian's redis-server (and the libraries Debian links it with) for Gatehouse's tests and
# benchmarks, without root: the packages are downloaded with apt-get and unpacked with dpkg-deb
# into $GATEHOUSE_TOOLS/redis. Idempotent: does nothing when the binary is already there and runs.
# It starts with the lib directory on LD_LIBRARY_PATH, as the wrapper written here does.
# Result: $GATEHOUSE_TOOLS/bin/redis-server (test-support's RedisServer starts it)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

TARGET="${GATEHOUSE_TOOLS}/redis"
PACKAGES=(redis-server redis-tools libjemalloc2 liblzf1)

# The cache's bin/redis-server calls the wrapper by its absolute path: a link would make the
# wrapper look for its libraries beside the link.
publish() {
  rm -f "${GATEHOUSE_TOOLS}/bin/redis-server"
  printf '#!/usr/bin/env bash\nexec "%s" "$@"\n' "$TARGET/bin/redis-server" >"${GATEHOUSE_TOOLS}/bin/redis-server"
  chmod +x "${GATEHOUSE_TOOLS}/bin/redis-server"
}

if [[ -x "$TARGET/bin/redis-server" ]] && "$TARGET/bin/redis-server" --version >/dev/null 2>&1; then
  publish
  exit 0
fi

for tool in apt-get dpkg-deb; do
  if ! command -v "$tool" >/dev/null; then
    echo "tools: '$tool' is needed to install Redis (a Debian or Ubuntu machine)" >&2
    exit 1
  fi
done

DOWNLOADS="$(mktemp -d)"
UNPACKED="$(mktemp -d)"
trap 'rm -rf "$DOWNLOADS" "$UNPACKED"' EXIT

download() {
  (cd "$DOWNLOADS" && apt-get download "${PACKAGES[@]}") >"$DOWNLOADS/apt.log" 2>&1
}
if ! download; then
  # A machine whose package lists were never fetched knows no candidate: fetch them once (needs root).
  if [[ "$(id -u)" == 0 ]] && apt-get update >/dev/null 2>&1 && download; then
    :
  else
    sed 's/^/  /' "$DOWNLOADS/apt.log" >&2
    unreachable "${PACKAGES[*]}" "the Debian package registry (a non-root user needs up-to-date package lists: apt-get update)"
  fi
fi

for package in "$DOWNLOADS"/*.deb; do
  dpkg-deb -x "$package" "$UNPACKED"
done

mkdir -p "$TARGET/bin" "$TARGET/lib"
cp -L "$UNPACKED/usr/bin/redis-server" "$UNPACKED/usr/bin/redis-cli" "$TARGET/lib/"
find "$UNPACKED/usr/lib" -name '*.so*' -exec cp -P {} "$TARGET/lib/" \;

for binary in redis-server redis-cli; do
  cat >"$TARGET/bin/$binary" <<WRAPPER
#!/usr/bin/env bash
here="\$(cd "\$(dirname "\${BASH_SOURCE[0]}")/../lib" && pwd)"
LD_LIBRARY_PATH="\$here\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$here/$binary" "\$@"
WRAPPER
  chmod +x "$TARGET/bin/$binary"
done

"$TARGET/bin/redis-server" --version >&2
publish
