#!/bin/bash
# Runs each libFuzzer target of tests/fuzz/ for a fixed time on its seed corpus and prints one TAP
# line per target ("ok - dns_request: 412345 executions in 20 s, 0 crashes, ...").
#
#   tests/fuzz/run.sh [-t SECONDS] [-b BINDIR] [-o WORKDIR] [-p PARALLEL] [TARGET...]
#
#   -t  seconds per target (default 20)
#   -b  folder of the built targets (default build/fuzz, what `make fuzz` makes)
#   -o  work folder, kept: the inputs libFuzzer adds (WORKDIR/corpus/TARGET; the seeds in
#       tests/fuzz/corpus/TARGET are only read), failing inputs (WORKDIR/TARGET-crash-*) and logs
#       (WORKDIR/TARGET.log). Default: a temporary folder, removed unless something crashed.
#       Running again with the same folder goes on from the inputs found before.
#   -p  targets run at once (default 1; a long campaign on 2 cores: -p 2)
# A crash, a sanitizer report, a leak, an input slower than 25 s, or a target missing fails its line.
# Exit status: 0 when every line is ok.
set -u
cd "$(dirname "$0")/../.."
secs=20; bin=build/fuzz; work=""; par=1
while getopts t:b:o:p: o; do
  case $o in
    t) secs=$OPTARG ;; b) bin=$OPTARG ;; o) work=$OPTARG ;; p) par=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-b BINDIR] [-o WORKDIR] [-p PARALLEL] [TARGET...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/*.cc; do t=${f##*/}; targets+=("${t%.cc}"); done
fi
keep=1
if [ -z "$work" ]; then work=$(mktemp -d /tmp/r53d-fuzz.XXXXXX); keep=0; fi
mkdir -p "$work"
work=$(cd "$work" && pwd)

run_one() {  # target -> prints its TAP line
  local t=$1 log="$work/$t.log" rc execs crashes why
  if [ ! -x "$bin/$t" ]; then echo "not ok - $t: $bin/$t not built (make fuzz)"; return; fi
  mkdir -p "$work/corpus/$t"
  # The first folder receives new inputs; the tree's seeds are read only. What fails is kept as
  # WORKDIR/TARGET-crash-<sha1> (or -leak-, -timeout-, -oom-).
  # Absolute paths: libFuzzer reads the seeds one by one as it runs them, and a harness may chdir
  # (config_ini works in a temporary folder); relative seeds then read as empty.
  "$bin/$t" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$work/$t-" "$work/corpus/$t" "$(pwd)/tests/fuzz/corpus/$t" >"$log" 2>&1 </dev/null
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$work" -maxdepth 1 -name "$t-*" -type f | wc -l)
  if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
    echo "ok - $t: ${execs:-?} executions in $secs s, 0 crashes, corpus $(ls "$work/corpus/$t" | wc -l) new + $(ls "tests/fuzz/corpus/$t" | wc -l) seeds"
  else
    why=$(grep -m1 -E '^==[0-9]+== ?ERROR|runtime error:|fuzz invariant violated|ERROR: libFuzzer' "$log" | sed 's/^==[0-9]*== *//')
    echo "not ok - $t: exit $rc after ${execs:-?} executions: ${why:-see $log}; input: $(find "$work" -maxdepth 1 -name "$t-*" -type f | head -1)"
  fi
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" >"$work/$t.tap" &
  running=$((running + 1))
  if [ "$running" -ge "$par" ]; then wait -n; running=$((running - 1)); fi
done
wait
status=0
for t in "${targets[@]}"; do
  cat "$work/$t.tap"
  grep -q '^not ok' "$work/$t.tap" && status=1
done
if [ $status -ne 0 ]; then
  echo "# logs and crash inputs in $work; reproduce with: $bin/TARGET INPUT"
  for t in "${targets[@]}"; do
    grep -q '^not ok' "$work/$t.tap" && grep -v -E '^(INFO|#[0-9]+)' "$work/$t.log" | head -n 40 | sed 's/^/# /'
  done
elif [ $keep -eq 0 ]; then
  rm -rf "$work"
fi
exit $status
