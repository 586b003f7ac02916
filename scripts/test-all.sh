#!/bin/sh
# The one command: install what is needed, configure, build, run every test.
# Its last line is "N passed, M failed"; it exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."

sh scripts/setup-deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
  autoreconf -fi >/dev/null
fi
if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] || [ configure -nt Makefile ]; then
  ./configure --quiet
fi
make -s -j"$(nproc)" all tests/unit_tests
exec make -s check
