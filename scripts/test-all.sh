#!/bin/sh
# The one command: install what is needed, configure, build, run every test.
# Its last line is "N passed, M failed" (also when setup, configure or the build fails: then
# "0 passed, 1 failed" after a line naming the step); it exits non-zero on any failure.
#
# Besides the normal build (warnings are errors: --enable-werror) and its tests, it makes a second
# build in build/san with clang, ASan, UBSan and libFuzzer's coverage (--enable-fuzzing), and has
# tests/run-tests.sh run on it the unit tests and a set of update system tests, each fuzz target
# for R53D_FUZZ_SECONDS (default 20) on its corpus, and clang-tidy (scripts/tidy.sh). Each pass
# counts in the summary line. R53D_QUICK=1 skips these extra passes. The second build and
# clang-tidy run in the background (nice 10) during the normal tests, so that only the sanitizer
# tests and the fuzzing add to the time (measured figures: README, "Fuzzing, sanitizers, static
# analysis").
set -u
cd "$(dirname "$0")/.."

fail() {  # step description
  echo "test-all: $1 failed; no test was run" >&2
  echo "0 passed, 1 failed"
  exit 1
}
now() { date +%s; }
t0=$(now)

sh scripts/setup-deps.sh || fail "installing the Debian packages (scripts/setup-deps.sh)"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi >/dev/null || fail "autoreconf -fi"
fi
if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] || [ configure -nt Makefile ]; then
  # -O2 as shipped, without autoconf's default -g: a third less compile time on CI's 2 cores
  # (src/commit/zone_committer.cc: 8.6 s with -g -O2, 5.9 s with -O2).
  ./configure --quiet --enable-werror CXXFLAGS=-O2 || fail "./configure (see config.log)"
fi
t1=$(now)
make -s -j"$(nproc)" all tests/unit_tests || fail "the build (make all tests/unit_tests)"
t2=$(now)
echo "test-all: setup and configure $((t1 - t0)) s, build $((t2 - t1)) s"

set --
if [ -z "${R53D_QUICK:-}" ]; then
  # The sanitizer and fuzzing build, beside the normal one, made in the background at nice 10
  # while the normal tests run (they mostly wait on timers and sockets); run-tests.sh waits for
  # build/san.rc ("EXIT SECONDS") before its sanitizer pass. -O0 with line tables only: about
  # half the compile time of -O1 -g (sigv4_test.cc: 3.0 s against 6.4 s; the whole build ~440 s
  # of CPU), and ASan's reports still name file and line.
  san_conf="--quiet CXX=clang++ CXXFLAGS=-gline-tables-only\ -O0 --enable-fuzzing --enable-werror"
  mkdir -p build/san
  rm -f build/san.rc
  (
    start=$(now)
    cd build/san &&
      { [ -f Makefile ] && [ ! ../../configure -nt Makefile ] &&
          [ "$(cat .configured-with 2>/dev/null)" = "$san_conf" ] ||
        { eval "nice -n 10 ../../configure $san_conf" && echo "$san_conf" >.configured-with; }; } &&
      nice -n 10 make -s -j"$(nproc)" all tests/unit_tests fuzz
    echo "$? $(( $(now) - start ))" >../san.rc.new && mv ../san.rc.new ../san.rc
  ) >build/san.log 2>&1 </dev/null &
  set -- --sanitizers build/san --wait-for build/san.rc --fuzz "${R53D_FUZZ_SECONDS:-20}" --tidy
fi
# What "make check" runs, called directly so that nothing (such as make's own "Error 1" line)
# follows the summary line.
exec ./tests/run-tests.sh "$@"
