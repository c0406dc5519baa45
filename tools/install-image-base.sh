#!/usr/bin/env bash
# Builds the base of the container image (standalone's Jib build) without a container registry:
# a root file system of Debian's C and C++ runtime libraries (libc6, libstdc++6, libgcc-s1,
# zlib1g; `apt-get download` from Debian's packages, unpacked with dpkg-deb) and a Java runtime
# linked with jlink from the JDK that runs the build, at /opt/java. Jib lays the application over
# it (from scratch). Idempotent: rebuilt only when the JDK changes.
# Result: $GATEHOUSE_TOOLS/image-base/<jdk version>/rootfs/, linked as image-base/current
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-home.sh"

PACKAGES=(libc6 libstdc++6 libgcc-s1 zlib1g)
# The modules a Spring Boot application with Netty, JDBC, JMX metrics and the JDK HTTP server uses.
MODULES="java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.httpserver,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs"

JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JDK_VERSION="$("${JAVA_HOME}/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
TARGET="${GATEHOUSE_TOOLS}/image-base/${JDK_VERSION}"

if [[ -f "${TARGET}/.complete" ]]; then
  ln -sfn "${TARGET}" "${GATEHOUSE_TOOLS}/image-base/current"
  exit 0
fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || { echo "tools: the image base needs Debian's apt-get and dpkg-deb; skip the image with -Djib.skip" >&2; exit 1; }
[[ -x "${JAVA_HOME}/bin/jlink" ]] || { echo "tools: ${JAVA_HOME} has no jlink (a JDK, not a JRE, is needed for the image)" >&2; exit 1; }

echo "tools: building the image base into ${TARGET} (Debian packages ${PACKAGES[*]}, jlink of Java ${JDK_VERSION})" >&2
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
if ! (cd "${work}" && timeout 300 apt-get download -q "${PACKAGES[@]}" >/dev/null 2>&1); then
  timeout 300 apt-get update -qq >/dev/null 2>&1 || true
  (cd "${work}" && timeout 300 apt-get download -q "${PACKAGES[@]}" >/dev/null 2>&1) \
    || unreachable "the Debian packages ${PACKAGES[*]}" "Debian's package archive"
fi
rootfs="${work}/rootfs"
mkdir -p "${rootfs}/etc" "${rootfs}/tmp" "${rootfs}/opt"
for deb in "${work}"/*.deb; do
  dpkg-deb -x "${deb}" "${rootfs}"
  dpkg-deb -f "${deb}" Package Version | paste -sd' ' >> "${rootfs}/etc/gatehouse-base-packages"
done
rm -rf "${rootfs}/usr/share/doc" "${rootfs}/usr/share/lintian" "${rootfs}/usr/share/gcc"
# The user the image runs as, so that the JVM finds a name and a home for it.
printf 'root:x:0:0:root:/root:/sbin/nologin\ngatehouse:x:10001:10001:Gatehouse:/tmp:/sbin/nologin\n' > "${rootfs}/etc/passwd"
printf 'root:x:0:\ngatehouse:x:10001:\n' > "${rootfs}/etc/group"
timeout 600 "${JAVA_HOME}/bin/jlink" --add-modules "${MODULES}" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "${rootfs}/opt/java"
rm -rf "${TARGET}" && mkdir -p "$(dirname "${TARGET}")"
mkdir -p "${TARGET}" && mv "${rootfs}" "${TARGET}/rootfs"
touch "${TARGET}/.complete"
ln -sfn "${TARGET}" "${GATEHOUSE_TOOLS}/image-base/current"
