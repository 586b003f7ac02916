#!/bin/bash
# Runs every test of route53d and prints the summary line "N passed, M failed".
#
#   tests/run-tests.sh                 unit tests, layering check, every system test
#   tests/run-tests.sh sim update      only system tests whose path contains "sim" or "update"
#
# Unit tests: tests/unit_tests (GoogleTest); each test case counts once.
# System tests: every executable tests/system/<area>/<scenario>.test. Each runs in its own temp
# dir with R53D_TOP, ROUTE53D, ROUTE53_SIM and TEST_TMP set. It may print TAP-style lines
# ("ok - what" / "not ok - what"), each counted; otherwise its exit status counts once.
# A scenario is killed after SYSTEM_TEST_TIMEOUT seconds (default 600). A scenario that leaves
# route53d, route53-sim, named or nsd running (started under its TEST_TMP) fails ("left processes
# running: PID:NAME ..."), and they are killed.
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
RESULTS="$TOP/tests/.results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
passed=0
failed=0
failures=()

count_tap() {  # file name -> adds to passed/failed; returns 1 if no TAP lines were found
  local f=$1 name=$2 p q
  p=$(grep -cE '^ok( |$)' "$f" || true)
  q=$(grep -cE '^not ok( |$)' "$f" || true)
  if [ "$p" -eq 0 ] && [ "$q" -eq 0 ]; then return 1; fi
  passed=$((passed + p)); failed=$((failed + q))
  while IFS= read -r line; do failures+=("$name: ${line#not ok }"); done < <(grep -E '^not ok( |$)' "$f")
  return 0
}

# 1. Unit tests.
if [ $# -eq 0 ]; then
  if [ -x tests/unit_tests ]; then
    ./tests/unit_tests --gtest_brief=1 >"$RESULTS/unit.log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$RESULTS/unit.log" | tail -1)
    q=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$RESULTS/unit.log" | tail -1)
    p=${p:-0}; q=${q:-0}
    if [ "$rc" -ne 0 ] && [ "$q" -eq 0 ]; then q=1; fi
    passed=$((passed + p)); failed=$((failed + q))
    echo "unit tests: $p passed, $q failed"
    if [ "$q" -ne 0 ]; then
      grep -E '^\[  FAILED  \] [A-Za-z]' "$RESULTS/unit.log" | sort -u | sed 's/^/  /'
      failures+=("unit tests (see tests/.results/unit.log)")
    fi
  else
    echo "unit tests: tests/unit_tests not built"; failed=$((failed + 1)); failures+=("unit tests not built")
  fi

  # 2. Layering: nothing includes upward (STYLE.md).
  if sh tests/check-layering.sh >"$RESULTS/layering.log" 2>&1; then
    passed=$((passed + 1)); echo "layering: ok"
  else
    failed=$((failed + 1)); failures+=("layering"); echo "layering: FAILED"; cat "$RESULTS/layering.log"
  fi
fi

# Processes a system test started and left running: route53d, route53-sim, named or nsd whose
# command line names its TEST_TMP directory or whose environment has TEST_TMP=dir (inherited
# from the test). Prints "PID:NAME" words.
leftovers() {
  local dir=$1 p comm
  for p in /proc/[0-9]*; do
    { read -r comm <"$p/comm"; } 2>/dev/null || continue
    case "$comm" in route53d | route53-sim | named | nsd) ;; *) continue ;; esac
    if { tr '\0' '\n' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$dir" ||
      { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF -- "TEST_TMP=$dir"; then
      printf '%s:%s ' "${p#/proc/}" "$comm"
    fi
  done
}

# 3. System tests.
export R53D_TOP="$TOP" ROUTE53D="$TOP/route53d" ROUTE53_SIM="$TOP/route53-sim"
export PATH="$TOP/tests/system/bin:$PATH"
timeout_s=${SYSTEM_TEST_TIMEOUT:-600}
for t in $(find tests/system -name '*.test' -type f 2>/dev/null | sort); do
  if [ $# -gt 0 ]; then
    match=0; for pat in "$@"; do case "$t" in *"$pat"*) match=1 ;; esac; done
    [ $match -eq 1 ] || continue
  fi
  name=${t#tests/system/}; name=${name%.test}
  log="$RESULTS/${name//\//_}.log"
  tmp=$(mktemp -d /tmp/r53d-test.XXXXXX)
  start=$(date +%s)
  TEST_TMP="$tmp" timeout -k 10 "$timeout_s" "$t" >"$log" 2>&1 </dev/null
  rc=$?
  secs=$(( $(date +%s) - start ))
  before_f=$failed
  if ! count_tap "$log" "$name"; then
    if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name (exit $rc)"); fi
  elif [ $rc -ne 0 ] && [ $failed -eq $before_f ]; then
    failed=$((failed + 1)); failures+=("$name (exit $rc after its checks)")
  fi
  # A test stops what it starts, by pid. What is still running 2 s after it ended fails it, and
  # is stopped here (TERM, then KILL).
  left=$(leftovers "$tmp")
  if [ -n "$left" ]; then sleep 2; left=$(leftovers "$tmp"); fi
  if [ -n "$left" ]; then
    echo "not ok - left processes running: $left" >>"$log"
    failed=$((failed + 1)); failures+=("$name: left processes running: $left")
    for pc in $left; do kill -TERM "${pc%%:*}" 2>/dev/null; done
    sleep 1
    for pc in $(leftovers "$tmp"); do kill -KILL "${pc%%:*}" 2>/dev/null; done
  fi
  if [ $failed -eq $before_f ]; then
    echo "system $name: ok (${secs}s)"; rm -rf "$tmp"
  else
    echo "system $name: FAILED (${secs}s, log tests/.results/${log##*/}, files $tmp)"
    tail -n 30 "$log" | sed 's/^/    /'
  fi
done

if [ ${#failures[@]} -gt 0 ]; then
  echo "failures:"; for f in "${failures[@]}"; do echo "  $f"; done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
