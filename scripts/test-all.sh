#!/bin/sh
# The one command: install what is needed, configure, build, run every test.
# Its last line is "N passed, M failed" (also when setup, configure or the build fails: then
# "0 passed, 1 failed" after a line naming the step); it exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."

fail() {  # step description
  echo "test-all: $1 failed; no test was run" >&2
  echo "0 passed, 1 failed"
  exit 1
}

sh scripts/setup-deps.sh || fail "installing the Debian packages (scripts/setup-deps.sh)"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi >/dev/null || fail "autoreconf -fi"
fi
if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] || [ configure -nt Makefile ]; then
  ./configure --quiet || fail "./configure (see config.log)"
fi
make -s -j"$(nproc)" all tests/unit_tests || fail "the build (make all tests/unit_tests)"
# What "make check" runs, called directly so that nothing (such as make's own "Error 1" line)
# follows the summary line.
exec ./tests/run-tests.sh
