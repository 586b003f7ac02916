// Tests of route53-sim's fault-injection decisions.
#include "sim/faults.h"

#include <gtest/gtest.h>

#include <map>

namespace r53d::sim {
namespace {

TEST(SimFaults, NoSpecNoFault) {
  FaultInjector f(FaultSpec{}, make_seeded_rng(1));
  EXPECT_FALSE(f.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(f.draw(), Fault::kNone);
}

TEST(SimFaults, ProbabilityOneAlwaysHits) {
  FaultSpec s;
  s.throttle_p = 1;
  FaultInjector f(s, make_seeded_rng(1));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(f.draw(), Fault::kThrottle);
  s = {};
  s.reset_p = 1;
  s.throttle_p = 1;  // reset is drawn first
  FaultInjector g(s, make_seeded_rng(1));
  EXPECT_EQ(g.draw(), Fault::kReset);
  auto e = parse_fault_spec("error=1");
  ASSERT_TRUE(e.ok());
  FaultInjector h(*e, make_seeded_rng(3));
  int n500 = 0;
  for (int i = 0; i < 1000; ++i) {
    Fault f = h.draw();
    ASSERT_TRUE(f == Fault::kError500 || f == Fault::kError503);
    n500 += f == Fault::kError500;
  }
  EXPECT_NEAR(n500, 500, 80);
}

TEST(SimFaults, FrequenciesFollowTheProbabilities) {
  auto spec = parse_fault_spec("error=0.2,reset=0.1,latency=5");
  ASSERT_TRUE(spec.ok());
  FaultInjector f(*spec, make_seeded_rng(42));
  EXPECT_EQ(f.latency_ms(), 5);
  std::map<Fault, int> n;
  for (int i = 0; i < 20000; ++i) ++n[f.draw()];
  EXPECT_NEAR(n[Fault::kReset] / 20000.0, 0.1, 0.015);
  EXPECT_NEAR(n[Fault::kError500] / 20000.0, 0.09, 0.015);  // 0.1 of the 0.9 not reset
  EXPECT_NEAR(n[Fault::kError503] / 20000.0, 0.09, 0.015);
  EXPECT_EQ(n[Fault::kThrottle], 0);
}

}  // namespace
}  // namespace r53d::sim
