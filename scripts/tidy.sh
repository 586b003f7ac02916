#!/bin/sh
# Runs clang-tidy (the checks of .clang-tidy) over the daemon's sources and prints TAP lines:
# "ok - src/dns/name.cc" for a file with no finding, "not ok - src/x/y.cc:LINE:COL: message
# [check]" for each finding (a finding in a header is printed once, under the header).
#
#   scripts/tidy.sh [-j JOBS] [-b BASE] [FILE...]
#
#   -j  clang-tidy processes at once (default 2: CI's cores)
#   -b  only the .cc files changed since git revision BASE, and those whose .h changed
#   FILE...  these files instead of src/*/*.cc
# The compiler flags are the Makefile's (C++20, -Isrc -I., the libraries' pkg-config flags,
# CURL_STRICTER), given after "--": no compile_commands.json is needed.
# Exit status: 0 when every line is ok, 1 on a finding, 2 when clang-tidy is missing.
set -u
cd "$(dirname "$0")/.."
jobs=2; base=""
while getopts j:b: o; do
  case $o in
    j) jobs=$OPTARG ;; b) base=$OPTARG ;;
    *) echo "usage: $0 [-j JOBS] [-b BASE] [FILE...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
if [ -z "$tidy" ]; then
  echo "not ok - clang-tidy not installed (scripts/setup-deps.sh installs it)"; exit 2
fi

work=$(mktemp -d /tmp/r53d-tidy.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ $# -gt 0 ]; then
  printf '%s\n' "$@" >"$work/files"
elif [ -n "$base" ]; then
  # A changed header brings in the .cc files of its folder that include it.
  git diff --name-only "$base" -- 'src/*.cc' 'src/*.h' >"$work/changed" || exit 2
  { grep '\.cc$' "$work/changed"
    for h in $(grep '\.h$' "$work/changed"); do
      grep -l -F "#include \"${h#src/}\"" src/*/*.cc 2>/dev/null
    done; } | sort -u >"$work/files.all"
  for f in $(cat "$work/files.all"); do [ -f "$f" ] && echo "$f"; done >"$work/files"
else
  ls src/*/*.cc >"$work/files"
fi
if [ ! -s "$work/files" ]; then echo "ok - no source file to check"; exit 0; fi

# pkg-config module names as in configure.ac.
dep_flags=$(pkg-config --cflags libevent ldns libcurl libcrypto libssl RapidJSON pugixml inih 2>/dev/null)
export tidy work dep_flags
# One clang-tidy per file, JOBS at once; each writes its own output.
xargs -P "$jobs" -I{} sh -c '
  f=$1; out="$work/$(echo "$f" | tr / _).out"
  "$tidy" --quiet "$f" -- -std=c++20 -DCURL_STRICTER -Isrc -I. $dep_flags >"$out" 2>&1
  echo $? >"$out.rc"' sh {} <"$work/files"

# Findings: "FILE:LINE:COL: warning|error: message [check]", made relative, each printed once.
top=$(pwd)
cat "$work"/*.out | sed -n "s#^$top/##; s#^\(\(src\|sim\)/[^:]*:[0-9]*:[0-9]*: \(warning\|error\): .*\)#\1#p" |
  sort -u >"$work/findings"
status=0
while read -r f; do
  rc=$(cat "$work/$(echo "$f" | tr / _).out.rc")
  if grep -q "^$f:" "$work/findings"; then
    :
  elif [ "$rc" -ne 0 ]; then
    echo "not ok - $f: clang-tidy exit $rc: $(grep -m1 -E 'error|Error' "$work/$(echo "$f" | tr / _).out")"
    status=1
  else
    echo "ok - $f"
  fi
done <"$work/files"
if [ -s "$work/findings" ]; then
  sed 's/^/not ok - /' "$work/findings"
  status=1
fi
exit $status
