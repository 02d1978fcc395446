#!/usr/bin/env bash
# Installs, once, the Debian packages tmgg needs on a fresh Debian 12 machine:
# Bazel 4.2.3 and its offline stand-ins, and Python 3.11 with venv. Python
# packages are not installed here: Bazel builds them from the lock on first use.
# Safe to run again: it installs only what is missing and says what it does.
set -euo pipefail

# Elsewhere (another Linux, macOS) there is no Debian Bazel 4.2.3 to install: say so in one line
# and point at the path that works anywhere, uv (README, "Without Bazel").
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "tmgg: tools/tmgg runs Debian 12's Bazel 4.2.3 (bazel-bootstrap) and this system has no dpkg/apt-get; without Bazel use uv: \`uv run --extra cpu pytest -m integration\` (--extra gpu on a CUDA machine), see the README's \"Without Bazel\"" >&2
  exit 2
fi

# lcov: genhtml, which writes tools/tmgg coverage's HTML report.
packages=(bazel-bootstrap bazel-bootstrap-source python3 python3-venv lcov)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "tmgg: need root to install ${missing[*]}: run this script as root" >&2; exit 2; }
  sudo=(sudo)
fi
echo "tmgg: installing Debian packages (once): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/tmgg-apt.log 2>&1; then
  "${sudo[@]}" apt-get update -q >>/tmp/tmgg-apt.log 2>&1 || true
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/tmgg-apt.log 2>&1 ||
    { echo "tmgg: apt-get install ${missing[*]} failed; see /tmp/tmgg-apt.log" >&2; exit 2; }
fi
echo "tmgg: installed ${missing[*]}" >&2
