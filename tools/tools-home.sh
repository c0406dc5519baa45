# Sourced by the install scripts: where the tools the tests run are installed, outside the work
# tree, so that every clone and worktree shares one copy. GATEHOUSE_TOOLS moves it.
GATEHOUSE_TOOLS="${GATEHOUSE_TOOLS:-${HOME}/.cache/gatehouse/tools}"
mkdir -p "${GATEHOUSE_TOOLS}/bin"

# Says which registry could not be reached and what to do, then fails the build.
unreachable() {
  echo "tools: cannot download $1 from $2; check the network or proxy settings, or install it by hand into ${GATEHOUSE_TOOLS} (see tools/README.md)" >&2
  exit 1
}
