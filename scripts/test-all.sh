#!/bin/sh
# The one command: install what is needed, configure, build, run every test.
# Its last line is "N passed, M failed" (also when setup, configure or the build fails: then
# "0 passed, 1 failed" after a line naming the step); it exits non-zero on any failure.
#
# Besides the normal build (warnings are errors: --enable-werror) and its tests, it makes a second
# build in build/san with clang, ASan, UBSan and libFuzzer's coverage (--enable-fuzzing), and has
# tests/run-tests.sh run on it the unit tests and a set of update system tests, each fuzz target
# for R53D_FUZZ_SECONDS (default 20) on its corpus, and clang-tidy (scripts/tidy.sh). Each pass
# counts in the summary line. R53D_QUICK=1 skips these extra passes.
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
  ./configure --quiet --enable-werror || fail "./configure (see config.log)"
fi
t1=$(now)
make -s -j"$(nproc)" all tests/unit_tests || fail "the build (make all tests/unit_tests)"
t2=$(now)
echo "test-all: setup and configure $((t1 - t0)) s, build $((t2 - t1)) s"

set --
if [ -z "${R53D_QUICK:-}" ]; then
  # The sanitizer and fuzzing build, beside the normal one. -O1: ASan's advice, and it compiles
  # faster than -O2.
  mkdir -p build/san
  if (cd build/san &&
      { [ -f Makefile ] && [ ! ../../configure -nt Makefile ] ||
        ../../configure --quiet CXX=clang++ CXXFLAGS="-g -O1" --enable-fuzzing --enable-werror; } &&
      make -s -j"$(nproc)" all tests/unit_tests fuzz) >build/san.log 2>&1; then
    set -- --sanitizers build/san --fuzz "${R53D_FUZZ_SECONDS:-20}"
  else
    tail -n 30 build/san.log
    set -- --build-failed "the sanitizer and fuzzing build (build/san.log)"
  fi
  set -- "$@" --tidy
  echo "test-all: sanitizer and fuzzing build $(( $(now) - t2 )) s"
fi
# What "make check" runs, called directly so that nothing (such as make's own "Error 1" line)
# follows the summary line.
exec ./tests/run-tests.sh "$@"
