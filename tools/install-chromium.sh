#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the portal's browser tests (standalone's
# Selenium tests drive /usr/bin/chromium through /usr/bin/chromedriver). Unlike the other tools a
# browser cannot be unpacked into the cache: it needs the system's fonts, NSS and GTK libraries, so
# it is installed with apt-get as root (CI runs as root). Idempotent: does nothing when both run.
# A non-root user without them gets a message saying what to run; the browser tests then fail with
# the same message rather than being skipped.
# Result: /usr/bin/chromium, /usr/bin/chromedriver, and links to them in $GATEHOUSE_TOOLS/bin
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

PACKAGES=(chromium chromium-driver)

publish() {
  ln -sf /usr/bin/chromium "${GATEHOUSE_TOOLS}/bin/chromium"
  ln -sf /usr/bin/chromedriver "${GATEHOUSE_TOOLS}/bin/chromedriver"
}

installed() {
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] && /usr/bin/chromedriver --version >/dev/null 2>&1
}

if installed; then
  publish
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "tools: the browser tests need Debian's ${PACKAGES[*]}; as root run: apt-get install -y ${PACKAGES[*]}" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "tools: 'apt-get' is needed to install ${PACKAGES[*]} (a Debian or Ubuntu machine)" >&2
  exit 1
fi

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
install_packages() {
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y --no-install-recommends "${PACKAGES[@]}" >"$LOG" 2>&1
}
# A machine whose package lists were never fetched knows no candidate: fetch them once.
if ! install_packages && ! { timeout 300 apt-get update >>"$LOG" 2>&1 && install_packages; }; then
  sed 's/^/  /' "$LOG" >&2
  unreachable "${PACKAGES[*]}" "the Debian package registry"
fi

/usr/bin/chromium --version >&2
/usr/bin/chromedriver --version >&2
publish
