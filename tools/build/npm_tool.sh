#!/usr/bin/env bash
# Prints the path of an npm package's binary, installing the pinned version once per machine.
#
#   tools/build/npm_tool.sh PACKAGE VERSION BINARY     e.g. @bazel/ibazel 0.28.0 ibazel
#
# Bazel's npm packages (@bazel/buildifier, @bazel/ibazel) hold their binaries, so they install from
# the registry alone. Each goes into a folder outside the checkout ($TMGG_TOOLS_CACHE, default
# ~/.cache/tmgg/tools/<binary>-<version>), never into the repository. Exit 2, in one line, when it
# cannot be had.
set -euo pipefail

[[ $# -eq 3 ]] || { echo "npm_tool: usage: tools/build/npm_tool.sh PACKAGE VERSION BINARY" >&2; exit 2; }
package=$1
version=$2
name=$3
die() {
  echo "$name: cannot run: $*" >&2
  exit 2
}

cache=${TMGG_TOOLS_CACHE:-${HOME:-/tmp}/.cache/tmgg/tools}
prefix="$cache/$name-$version"
# npm's launcher: a Node.js script that picks the binary for this OS and CPU.
binary="$prefix/node_modules/.bin/$name"
command -v node >/dev/null || die "Node.js (node) not found, which runs $package's npm launcher (install Node.js and npm, e.g. \`apt-get install -y npm\`)"
if [[ ! -x "$binary" ]]; then
  command -v npm >/dev/null ||
    die "it is not installed in $prefix and npm, which installs it, is not found (install Node.js and npm, e.g. \`apt-get install -y npm\`)"
  echo "$name: installing $package@$version into $prefix (once per machine)" >&2
  mkdir -p "$cache"
  # Installed in a scratch folder and renamed into place: the folder exists only when complete,
  # and a concurrent install that finished first wins.
  scratch=$(mktemp -d "$cache/.$name.XXXXXX")
  # These packages run no install scripts; --ignore-scripts makes sure none ever does.
  if ! npm install --prefix "$scratch" --no-audit --no-fund --ignore-scripts --loglevel=error \
    "$package@$version" >/dev/null; then
    rm -rf "$scratch"
    die "npm install $package@$version failed (see npm's message above)"
  fi
  mv -T "$scratch" "$prefix" 2>/dev/null || rm -rf "$scratch"
fi
echo "$binary"
