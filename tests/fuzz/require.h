// What every libFuzzer target of tests/fuzz/ uses to check an invariant on an input.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace r53d::fuzz {

// Aborts with "fuzz invariant violated: WHAT" unless `ok`: libFuzzer reports the abort as a crash
// and keeps the input (tests/fuzz/run.sh: WORKDIR/TARGET-crash-*).
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

}  // namespace r53d::fuzz
