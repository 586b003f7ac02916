// Fault injection of route53-sim: per request, decide whether to reset the connection, answer
// Throttling, answer 500/503, lose the answer of a request carried out, and how long to delay
// the answer. Pure: the RNG is injected.
//
//   FaultInjector f(spec, make_seeded_rng(1));
//   switch (f.draw()) { case Fault::kReset: ...; }
//   int64_t delay = f.latency_ms();
#pragma once

#include <cstdint>

#include "sim/options.h"
#include "util/clock.h"

namespace r53d::sim {

// kReset: no answer, nothing done. kLost: carried out as usual, then reset instead of answering.
enum class Fault { kNone, kReset, kThrottle, kError500, kError503, kLost };
const char* fault_name(Fault f);  // "none", "reset", "throttle", "error500", "error503", "lost"

class FaultInjector {
 public:
  FaultInjector(FaultSpec spec, UniformRng rng) : spec_(spec), rng_(std::move(rng)) {}
  bool enabled() const { return spec_.any(); }
  // Independent draws in the order reset, throttle, server error (500 or 503 in proportion to
  // their probabilities), lost; the first hit wins. A probability of 0 draws nothing.
  Fault draw();
  int64_t latency_ms() const { return spec_.latency_ms; }

 private:
  bool hit(double p) { return p > 0 && rng_() < p; }
  FaultSpec spec_;
  UniformRng rng_;
};

}  // namespace r53d::sim
