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

TEST(SimFaults, LostIsDrawnLastAndAtItsProbability) {
  auto always = parse_fault_spec("lost=1");
  ASSERT_TRUE(always.ok());
  FaultInjector a(*always, make_seeded_rng(5));
  EXPECT_TRUE(a.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.draw(), Fault::kLost);
  EXPECT_STREQ(fault_name(Fault::kLost), "lost");
  // A reset (nothing done) wins over a lost answer (done, then reset).
  auto both = parse_fault_spec("reset=1,lost=1");
  ASSERT_TRUE(both.ok());
  FaultInjector b(*both, make_seeded_rng(5));
  EXPECT_EQ(b.draw(), Fault::kReset);

  auto spec = parse_fault_spec("lost=0.3,throttle=0.5");
  ASSERT_TRUE(spec.ok());
  FaultInjector f(*spec, make_seeded_rng(7));
  std::map<Fault, int> n;
  for (int i = 0; i < 20000; ++i) ++n[f.draw()];
  EXPECT_NEAR(n[Fault::kThrottle] / 20000.0, 0.5, 0.015);
  EXPECT_NEAR(n[Fault::kLost] / 20000.0, 0.15, 0.015);  // 0.3 of the 0.5 not throttled
  EXPECT_EQ(n[Fault::kReset], 0);
}

TEST(SimFaults, ZeroLostDoesNotShiftOtherDraws) {
  // Adding lost=0 must not consume random numbers: same seed, same sequence of faults.
  auto with = parse_fault_spec("reset=0.2,lost=0");
  auto without = parse_fault_spec("reset=0.2");
  ASSERT_TRUE(with.ok() && without.ok());
  FaultInjector f(*with, make_seeded_rng(9));
  FaultInjector g(*without, make_seeded_rng(9));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(f.draw(), g.draw());
}

}  // namespace
}  // namespace r53d::sim
