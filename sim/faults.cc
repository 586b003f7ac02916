// Fault injection decisions of route53-sim.
#include "sim/faults.h"

namespace r53d::sim {

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::kNone: return "none";
    case Fault::kReset: return "reset";
    case Fault::kThrottle: return "throttle";
    case Fault::kError500: return "error500";
    case Fault::kError503: return "error503";
    case Fault::kLost: return "lost";
  }
  return "?";
}

Fault FaultInjector::draw() {
  if (hit(spec_.reset_p)) return Fault::kReset;
  if (hit(spec_.throttle_p)) return Fault::kThrottle;
  // One draw for "a server error", then 500 or 503 in proportion: error=1 always errs.
  double err = spec_.error500_p + spec_.error503_p;
  if (hit(err)) return rng_() * err < spec_.error500_p ? Fault::kError500 : Fault::kError503;
  if (hit(spec_.lost_p)) return Fault::kLost;
  return Fault::kNone;
}

}  // namespace r53d::sim
