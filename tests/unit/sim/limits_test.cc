// Tests of route53-sim's token bucket and per-key rate limiter.
#include "sim/limits.h"

#include <gtest/gtest.h>

namespace r53d::sim {
namespace {

TEST(SimTokenBucket, AllowsTheBurstThenRefusesUntilRefilled) {
  TokenBucket b(5, 5, 0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(b.take(0)) << i;
  EXPECT_FALSE(b.take(0));
  EXPECT_FALSE(b.take(199));  // 0.995 tokens
  EXPECT_TRUE(b.take(200));   // one token per 200 ms at 5/s
  EXPECT_FALSE(b.take(200));
  EXPECT_TRUE(b.take(10'000));  // refill is capped at the burst
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(b.take(10'000)) << i;
  EXPECT_FALSE(b.take(10'000));
}

TEST(SimRateLimiter, OneBucketPerAccessKey) {
  FakeClock clock;
  RateLimiter rl(1, 2, clock);
  EXPECT_TRUE(rl.allow("A"));
  EXPECT_TRUE(rl.allow("A"));
  EXPECT_FALSE(rl.allow("A"));
  EXPECT_TRUE(rl.allow("B"));
  clock.advance_ms(1000);
  EXPECT_TRUE(rl.allow("A"));
  EXPECT_FALSE(rl.allow("A"));
}

TEST(SimRateLimiter, RateZeroDisablesLimiting) {
  FakeClock clock;
  RateLimiter rl(0, 5, clock);
  EXPECT_FALSE(rl.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(rl.allow("A"));
}

}  // namespace
}  // namespace r53d::sim
