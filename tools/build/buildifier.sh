#!/usr/bin/env bash
# Formats and lints tmgg's Starlark (BUILD.bazel, WORKSPACE, MODULE.bazel, *.bzl) with buildifier.
#
#   tools/build/buildifier.sh check   what CI runs: fails, naming each file that is not formatted
#                               or has a lint warning; changes nothing
#   tools/build/buildifier.sh fix     formats in place and applies buildifier's automatic lint fixes;
#                               review the diff, and warnings without a fix are printed to fix by hand
#
# buildifier comes from npm's @bazel/buildifier, whose package holds the binaries, so it installs
# from the registry alone. It is installed once per machine and version into a folder outside the
# checkout ($TMGG_TOOLS_CACHE, default ~/.cache/tmgg/tools), never into the repository.
set -euo pipefail

# Pinned: a newer buildifier may format or warn differently, and CI must not change by itself.
version=8.2.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# 2: buildifier cannot run; 1: it ran and the files need work.
die() {
  echo "buildifier: $*" >&2
  exit 2
}
fail() {
  echo "buildifier: FAILED: $*" >&2
  exit 1
}

mode=${1:-}
case "$mode" in
  check | fix) ;;
  *) die "usage: tools/build/buildifier.sh check|fix" ;;
esac

# Warnings that Bazel 4.2.3 (Debian's, offline: WORKSPACE mode, no rules repository can be fetched)
# forces on this repository. Each asks for a load from a rules repository that these machines
# cannot reach or that needs a newer Bazel. In fix mode buildifier would add those loads and break
# the build, so they are off in both modes. Drop each when Bazel and its rules can be had.
suppressed=(
  # py_test, py_library, py_binary: rules_python cannot be fetched here; the native rules are
  # the ones Bazel 4.2.3 runs.
  -native-py
  # cc_toolchain and cc_common (tools/build/cc): the only rules_cc offline is the bazel-bootstrap-source
  # mock, which has neither @rules_cc//cc/toolchains nor @rules_cc//cc/common.
  -native-cc-toolchain
  -native-cc-common
  # sh_binary: @rules_shell needs Bazel 7.
  -native-sh-binary
)
warnings=$(
  IFS=,
  echo "${suppressed[*]}"
)

# The generated files (tests/targets.bzl, src/**/BUILD.bazel, configs/**/BUILD.bazel) are
# checked too: tools/build/update_build_files.py writes them as buildifier formats them, so fix mode
# leaves them as they are and their freshness test keeps passing.

# Installed once per machine and version by tools/build/npm_tool.sh; exit 2 if it cannot be.
binary=$("$root/tools/build/npm_tool.sh" @bazel/buildifier "$version" buildifier) || exit 2

cd "$root"
# The files git knows or would add, so that ignored folders (environments, outputs) are skipped.
files=()
while IFS= read -r -d '' file; do
  [[ ! -f "$file" ]] || files+=("$file")
done < <(git ls-files -z --cached --others --exclude-standard -- \
  '*.bzl' '*.bazel' 'BUILD' '*/BUILD' 'WORKSPACE' '*/WORKSPACE')
[[ ${#files[@]} -gt 0 ]] || die "no Starlark files found under $root (not a git checkout?)"

echo "buildifier $version: $mode of ${#files[@]} Starlark files (buildifier's default lint warnings except ${suppressed[*]#-})" >&2
# --config=off: this script is the one configuration, so a BUILDIFIER_CONFIG or a .buildifier.json
# cannot make a developer's result differ from CI's.
buildifier() {
  "$binary" --config=off "$@" --warnings="$warnings" "${files[@]}"
}

if [[ "$mode" == fix ]]; then
  # --lint=fix fixes what it can and says nothing of the warnings it cannot fix: the check
  # below reports those.
  buildifier --mode=fix --lint=fix || fail "buildifier exited $? (1: a syntax error, see above)"
fi

status=0
output=$(buildifier --mode=check --lint=warn 2>&1) || status=$?
[[ -z "$output" ]] || echo "$output" >&2
case "$status" in
  0) ;;
  4)
    # "FILE # reformat" for formatting, "FILE:LINE: category: ..." for a lint warning.
    named=$(echo "$output" | sed -n -E 's/^([^ :]+)( # reformat|:[0-9]+: ).*/\1/p' | sort -u | tr '\n' ' ')
    advice=""
    grep -q ' # reformat$' <<<"$output" && advice="run tools/build/buildifier.sh fix to format"
    grep -q -E ':[0-9]+: ' <<<"$output" && advice="${advice:+$advice; }fix the warnings above by hand"
    fail "$named- ${advice:-see above}"
    ;;
  *) fail "buildifier exited $status (1: a syntax error, see above)" ;;
esac
