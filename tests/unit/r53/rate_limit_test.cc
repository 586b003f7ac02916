// Tests for TokenBucket and AdaptiveRate (exact, injected time) and RateLimiter (order, cancel,
// pacing on a loop, adapting to Throttling).
#include "r53/rate_limit.h"

#include <gtest/gtest.h>

#include "util/log.h"

#include <algorithm>
#include <string>
#include <vector>

namespace r53d::r53 {
namespace {

TEST(TokenBucket, StartsFullAndRefusesWhenEmpty) {
  TokenBucket b(5, 5, 1000);
  for (int i = 0; i < 5; i++) EXPECT_TRUE(b.try_take(1000)) << i;
  EXPECT_FALSE(b.try_take(1000));
  EXPECT_EQ(b.delay_ms(1000), 200);
}

TEST(TokenBucket, RefillsAtTheRateAndCapsAtBurst) {
  struct Step {
    int64_t at_ms;
    bool take;          // try_take (true) or just look
    bool expect_taken;  // result of try_take
    int64_t expect_delay_ms;  // delay_ms after the step
  };
  // 5 tokens/s, burst 2, starting at t=0 with 2 tokens.
  const std::vector<Step> steps = {
      {0, true, true, 0},        // 1 left
      {0, true, true, 200},      // 0 left: next in 200 ms
      {0, true, false, 200},
      {100, true, false, 100},   // half a token
      {199, true, false, 1},
      {200, true, true, 200},    // exactly one token at 200 ms
      {10'000, false, false, 0}, // long idle: capped at burst 2
      {10'000, true, true, 0},
      {10'000, true, true, 200},
      {10'000, true, false, 200},
  };
  TokenBucket b(5, 2, 0);
  for (size_t i = 0; i < steps.size(); i++) {
    const Step& s = steps[i];
    if (s.take) {
      EXPECT_EQ(b.try_take(s.at_ms), s.expect_taken) << "step " << i;
    }
    EXPECT_EQ(b.delay_ms(s.at_ms), s.expect_delay_ms) << "step " << i;
  }
}

TEST(TokenBucket, SustainedRateIsExact) {
  // Taking greedily every millisecond for 10 s at 5/s with burst 5 yields 5 + 50 tokens.
  TokenBucket b(5, 5, 0);
  int taken = 0;
  for (int64_t t = 0; t <= 10'000; t++) {
    while (b.try_take(t)) taken++;
  }
  EXPECT_EQ(taken, 55);
}

TEST(TokenBucket, ClockGoingBackAddsNothing) {
  TokenBucket b(5, 1, 1000);
  EXPECT_TRUE(b.try_take(1000));
  EXPECT_FALSE(b.try_take(500));
  EXPECT_EQ(b.delay_ms(1000), 200);
}

TEST(TokenBucket, NonIntegralIntervalsNeverRunAhead) {
  // 3/s: a token every 333.33 ms. Greedy takes over 10 s yield exactly 3 + 30, and a token is
  // never available before its exact time.
  TokenBucket b(3, 3, 0);
  int taken = 0;
  for (int64_t t = 0; t <= 10'000; t++) {
    while (b.try_take(t)) taken++;
  }
  EXPECT_EQ(taken, 33);
  TokenBucket c(3, 1, 0);
  EXPECT_TRUE(c.try_take(0));
  EXPECT_EQ(c.delay_ms(0), 334);
  EXPECT_FALSE(c.try_take(333));
  EXPECT_TRUE(c.try_take(334));
}

TEST(TokenBucket, DrainEmptiesTheBucket) {
  TokenBucket b(5, 5, 0);
  b.drain(0);
  EXPECT_FALSE(b.try_take(0));
  EXPECT_EQ(b.delay_ms(0), 200);
  EXPECT_TRUE(b.try_take(200));
  EXPECT_EQ(b.tokens(200), 0.0);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket b(0, 1, 0);
  for (int i = 0; i < 100; i++) EXPECT_TRUE(b.try_take(0));
  EXPECT_EQ(b.delay_ms(0), 0);
}

TEST(RateLimiter, GrantsInFifoOrderNeverBeforeAcquireReturns) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 3});
  std::vector<int> order;
  bool returned = false;
  for (int i = 0; i < 10; i++) {
    limiter.acquire([&, i] {
      EXPECT_TRUE(returned);
      order.push_back(i);
    });
  }
  returned = true;
  EXPECT_EQ(limiter.waiting(), 10u);
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(limiter.stats().granted, 10u);
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(RateLimiter, KeysAreServedRoundRobin) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 1});
  std::vector<std::string> order;
  for (int i = 0; i < 3; i++) limiter.acquire("busy", [&, i] { order.push_back("b" + std::to_string(i)); });
  limiter.acquire("quiet", [&] { order.push_back("q0"); });
  limiter.acquire("other", [&] { order.push_back("o0"); });
  loop.run();
  EXPECT_EQ(order, (std::vector<std::string>{"b0", "q0", "o0", "b1", "b2"}));
}

TEST(RateLimiter, CancelledWaiterIsSkipped) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 1});
  std::vector<int> order;
  limiter.acquire([&] { order.push_back(0); });
  uint64_t t1 = limiter.acquire([&] { order.push_back(1); });
  limiter.acquire([&] { order.push_back(2); });
  limiter.cancel(t1);
  limiter.cancel(12345);  // unknown: ignored
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 2}));
}

TEST(RateLimiter, PacesGrantsAtTheConfiguredRate) {
  loop::EventBase loop;
  // 50/s, burst 1: 11 grants need at least 10 intervals of 20 ms.
  RateLimiter limiter(loop, {.requests_per_second = 50, .burst = 1});
  std::vector<int64_t> at;
  for (int i = 0; i < 11; i++) limiter.acquire([&] { at.push_back(loop.clock().mono_ms()); });
  loop.run();
  ASSERT_EQ(at.size(), 11u);
  EXPECT_GE(at.back() - at.front(), 195);
  EXPECT_LE(at.back() - at.front(), 400);
  for (size_t i = 1; i < at.size(); i++) EXPECT_GE(at[i] - at[i - 1], 15) << i;
}

// The same pacing on injected time, exactly: a grant never comes before the bucket holds a
// token, and comes on the first turn after it does. The loop's timers still wait in real time
// (a few ms each here); only the limiter's notion of "now" is the fake clock.
TEST(RateLimiter, FakeClockGrantsExactlyWhenTheBucketHasAToken) {
  FakeClock clock;
  loop::EventBase loop(clock);
  RateLimiter limiter(loop, {.requests_per_second = 200, .burst = 1, .margin_ms = 0});
  const int64_t t0 = clock.mono_ms();
  std::vector<int64_t> at;
  for (int i = 0; i < 4; i++) limiter.acquire([&] { at.push_back(clock.mono_ms()); });
  loop.run_once();  // the grant timer (0 ms): the full bucket's one token
  ASSERT_EQ(at, (std::vector<int64_t>{t0}));
  clock.advance_ms(4);
  loop.run_once();  // the 5 ms timer fires; 4 ms have passed: re-armed for the last 1 ms
  EXPECT_EQ(at.size(), 1u) << "granted 1 ms before the token";
  clock.advance_ms(1);
  loop.run_once();
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[1], t0 + 5);
  clock.advance_ms(12);  // idle 12 ms: 2.4 tokens refilled, but the bucket holds at most 1
  loop.run_once();
  ASSERT_EQ(at.size(), 3u);
  EXPECT_EQ(at[2], t0 + 17);
  loop.run_once(true);
  EXPECT_EQ(at.size(), 3u) << "burst 1: the idle time bought one grant, not two";
  clock.advance_ms(5);
  loop.run_once();
  ASSERT_EQ(at.size(), 4u);
  EXPECT_EQ(at[3], t0 + 22);
  EXPECT_EQ(limiter.stats().granted, 4u);
  EXPECT_EQ(limiter.stats().waited, 3u);
}

TEST(RateLimiter, ThrottledDrainsTheBucket) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 20, .burst = 5, .margin_ms = 0});
  std::vector<int64_t> at;
  limiter.acquire([&] {
    at.push_back(loop.clock().mono_ms());
    limiter.on_throttled();  // 4 tokens left, but the server says no
    limiter.acquire([&] { at.push_back(loop.clock().mono_ms()); });
  });
  loop.run();
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GE(at[1] - at[0], 45);  // a full 50 ms interval, not the burst
  EXPECT_EQ(limiter.stats().drained, 1u);
}

TEST(TokenBucket, DelayForSeveralTokens) {
  TokenBucket b(5, 4, 1000);
  EXPECT_EQ(b.delay_ms(1000, 2), 0);
  b.drain(1000);
  EXPECT_EQ(b.delay_ms(1000, 1), 200);
  EXPECT_EQ(b.delay_ms(1000, 2), 400);
  EXPECT_EQ(b.delay_ms(1250, 2), 150);
  EXPECT_EQ(b.delay_ms(1250, 9), 550) << "never more than a full bucket (4 tokens)";
  EXPECT_EQ(b.delay_ms(1250, 0), 0) << "at least one token: 1.25 are there";
}

TEST(RateLimiter, DelayCountsTheWaitersAhead) {
  FakeClock clock;
  loop::EventBase loop(clock);
  RateLimiter limiter(loop, {.requests_per_second = 5, .burst = 4, .margin_ms = 0,
                             .adapt = {.enabled = false}});
  EXPECT_EQ(limiter.delay_ms(2), 0);
  limiter.on_throttled();
  EXPECT_EQ(limiter.delay_ms(2), 400);
  clock.advance_ms(100);
  EXPECT_EQ(limiter.delay_ms(2), 300);
  limiter.acquire([] {});  // not granted yet (grants come from the loop): one ahead of us
  EXPECT_EQ(limiter.delay_ms(2), 500);
  RateLimiter unlimited(loop, {.requests_per_second = 0, .burst = 1});
  unlimited.on_throttled();
  EXPECT_EQ(unlimited.delay_ms(2), 0);
}

TEST(RateLimiter, AcquireFromACallbackJoinsTheLine) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 2});
  std::vector<int> order;
  limiter.acquire([&] {
    order.push_back(0);
    limiter.acquire([&] { order.push_back(2); });
  });
  limiter.acquire([&] { order.push_back(1); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(TokenBucket, SetRateKeepsTheTokensEarnedSoFar) {
  TokenBucket b(4, 4, 0);
  b.drain(0);
  b.set_rate(2, 250);          // 1 token earned at 4/s
  EXPECT_EQ(b.tokens(250), 1.0);
  EXPECT_EQ(b.delay_ms(250, 2), 500) << "the second at 2/s";
  b.set_rate(0, 250);
  EXPECT_EQ(b.delay_ms(250, 4), 0) << "0: unlimited";
}

// Bug: route53d took the account's whole rate and kept it while Route 53 throttled it. Each
// Throttling answer halves the rate, down to the floor.
TEST(AdaptiveRate, HalvesOnEachThrottlingDownToTheFloor) {
  AdaptiveRate r(4, {}, 0);
  EXPECT_EQ(r.rate_per_s(), 4.0);
  EXPECT_TRUE(r.on_throttled(100, 90));
  EXPECT_EQ(r.rate_per_s(), 2.0);
  EXPECT_TRUE(r.on_throttled(700, 600));
  EXPECT_EQ(r.rate_per_s(), 1.0);
  EXPECT_FALSE(r.on_throttled(1500, 1400)) << "at the floor of 1/s";
  EXPECT_EQ(r.rate_per_s(), 1.0);
  EXPECT_EQ(r.configured_per_s(), 4.0);

  AdaptiveRate slow(0.5, {}, 0);  // configured below the floor: the floor is the configured rate
  EXPECT_FALSE(slow.on_throttled(100, 100));
  EXPECT_EQ(slow.rate_per_s(), 0.5);

  AdaptiveRate odd(5, {.decrease_factor = 0.7, .min_requests_per_second = 0.3}, 0);
  EXPECT_TRUE(odd.on_throttled(1, 1));
  EXPECT_EQ(odd.rate_per_s(), 3.5);
  EXPECT_TRUE(odd.on_throttled(2, 2));
  EXPECT_EQ(odd.rate_per_s(), 2.45);
}

TEST(AdaptiveRate, RequestsGrantedBeforeTheLastDecreaseDoNotLowerItAgain) {
  AdaptiveRate r(4, {}, 0);
  EXPECT_TRUE(r.on_throttled(1000, 900));  // -> 2/s at 1000
  // Three more requests were in flight, granted at the old rate: their Throttling says nothing new.
  EXPECT_FALSE(r.on_throttled(1005, 950));
  EXPECT_FALSE(r.on_throttled(1010, 999));
  EXPECT_EQ(r.rate_per_s(), 2.0);
  // Granted at (or after) the decrease: throttled at the lowered rate.
  EXPECT_TRUE(r.on_throttled(1600, 1000));
  EXPECT_EQ(r.rate_per_s(), 1.0);
}

TEST(AdaptiveRate, RisesByATenthEveryQuietPeriodBackToTheConfiguredRate) {
  AdaptiveRate r(4, {}, 0);
  ASSERT_TRUE(r.on_throttled(10'000, 10'000));  // 2/s
  ASSERT_TRUE(r.on_throttled(10'500, 10'500));  // 1/s at 10.5 s
  EXPECT_FALSE(r.advance(15'499));
  EXPECT_EQ(r.rate_per_s(), 1.0);
  EXPECT_TRUE(r.advance(15'500));
  EXPECT_EQ(r.rate_per_s(), 1.4);
  EXPECT_FALSE(r.advance(15'500));
  EXPECT_FALSE(r.advance(20'499));
  EXPECT_TRUE(r.advance(20'500));
  EXPECT_EQ(r.rate_per_s(), 1.8);
  // A long quiet time: several steps at once, never above the configured rate.
  EXPECT_TRUE(r.advance(37'000));  // 3 more whole periods (16.5 s): 3.0/s
  EXPECT_EQ(r.rate_per_s(), 3.0);
  EXPECT_TRUE(r.advance(1'000'000));
  EXPECT_EQ(r.rate_per_s(), 4.0);
  EXPECT_FALSE(r.advance(2'000'000));
  EXPECT_EQ(r.rate_per_s(), 4.0);
}

TEST(AdaptiveRate, ThrottlingRestartsTheQuietPeriod) {
  AdaptiveRate r(4, {}, 0);
  ASSERT_TRUE(r.on_throttled(0, 0));      // 2/s
  ASSERT_TRUE(r.on_throttled(10, 5));     // 1/s at 10 ms
  EXPECT_FALSE(r.on_throttled(4'000, 4'000)) << "at the floor: no change, but the clock restarts";
  EXPECT_FALSE(r.advance(8'999));
  EXPECT_TRUE(r.advance(9'000));
  EXPECT_EQ(r.rate_per_s(), 1.4);
  // Throttled again after a rise: the rise is kept only until the decrease.
  EXPECT_TRUE(r.on_throttled(9'100, 9'050));
  EXPECT_EQ(r.rate_per_s(), 1.0) << "1.4 halved is 0.7, below the floor";
}

// The limiter on injected time: its rate follows Throttling answers and quiet time, exactly, and
// each change is logged once.
TEST(RateLimiter, ThrottlingLowersTheRateAndQuietTimeRaisesIt) {
  FakeClock clock;
  loop::EventBase loop(clock);
  RateLimiter limiter(loop, {.requests_per_second = 4, .burst = 4, .margin_ms = 0});
  log::Level level = log::level();
  log::set_level(log::Level::kInfo);
  testing::internal::CaptureStderr();
  EXPECT_EQ(limiter.rate_per_s(), 4.0);
  EXPECT_EQ(limiter.delay_ms(1), 0);
  int64_t sent = clock.mono_ms();
  clock.advance_ms(30);
  limiter.on_throttled(sent);
  EXPECT_EQ(limiter.rate_per_s(), 2.0);
  EXPECT_EQ(limiter.delay_ms(1), 500) << "drained, refilled at 2/s";
  limiter.on_throttled(sent);  // another request of the same round
  EXPECT_EQ(limiter.rate_per_s(), 2.0);
  clock.advance_ms(4'999);
  EXPECT_EQ(limiter.rate_per_s(), 2.0);
  clock.advance_ms(1);
  EXPECT_EQ(limiter.rate_per_s(), 2.4);
  clock.advance_ms(4 * 5'000);
  EXPECT_EQ(limiter.rate_per_s(), 4.0);
  clock.advance_ms(60'000);
  EXPECT_EQ(limiter.rate_per_s(), 4.0);
  std::string logged = testing::internal::GetCapturedStderr();
  log::set_level(level);
  EXPECT_EQ(limiter.stats().rate_decreases, 1u);
  EXPECT_EQ(limiter.stats().rate_increases, 2u);
  EXPECT_EQ(limiter.stats().drained, 2u);
  const char* lines[] = {
      "route53: Route 53 throttled us: request rate lowered to 2/s (configured 4/s)",
      "route53: no throttling for 5 s: request rate raised to 2.4/s (configured 4/s)",
      "route53: no throttling for 5 s: request rate back to the configured 4/s"};
  for (const char* line : lines) {
    size_t at = logged.find(line);
    EXPECT_NE(at, std::string::npos) << line << "\n" << logged;
    EXPECT_EQ(logged.find(line, at + 1), std::string::npos) << "twice: " << line;
  }
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 3) << logged;
}

TEST(RateLimiter, AdaptationOffOrUnlimitedKeepsTheRate) {
  FakeClock clock;
  loop::EventBase loop(clock);
  RateLimiter fixed(loop, {.requests_per_second = 4, .burst = 4, .adapt = {.enabled = false}});
  fixed.on_throttled();
  EXPECT_EQ(fixed.rate_per_s(), 4.0);
  RateLimiter unlimited(loop, {.requests_per_second = 0, .burst = 1});
  unlimited.on_throttled();
  EXPECT_EQ(unlimited.rate_per_s(), 0.0);
  EXPECT_EQ(unlimited.delay_ms(5), 0);
}

}  // namespace
}  // namespace r53d::r53

namespace r53d::r53 {
namespace {

// Background waiters (the mirror's slow re-read) yield to every other waiter, whatever its key.
TEST(RateLimiter, BackgroundWaitersGoAfterEveryOtherWaiter) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 1, .background_max_wait_ms = 0});
  std::vector<std::string> order;
  limiter.acquire("Z1", [&] { order.push_back("bg1"); }, RateLimiter::Priority::kBackground);
  limiter.acquire("Z1", [&] { order.push_back("z1"); });
  limiter.acquire("Z2", [&] { order.push_back("bg2"); }, RateLimiter::Priority::kBackground);
  limiter.acquire("", [&] {
    order.push_back("poll");
    limiter.acquire("Z2", [&] { order.push_back("late"); });  // arrives after the background ones
  });
  EXPECT_EQ(limiter.waiting(), 2u) << "background waiters are not counted";
  EXPECT_EQ(limiter.background_waiting(), 2u);
  loop.run();
  EXPECT_EQ(order, (std::vector<std::string>{"z1", "poll", "late", "bg1", "bg2"}));
  EXPECT_EQ(limiter.stats().background, 2u);
  EXPECT_EQ(limiter.stats().background_overdue, 0u);
}

TEST(RateLimiter, CancelledBackgroundWaiterIsSkipped) {
  loop::EventBase loop;
  RateLimiter limiter(loop, {.requests_per_second = 1000, .burst = 1});
  std::vector<int> order;
  uint64_t t = limiter.acquire("Z1", [&] { order.push_back(1); }, RateLimiter::Priority::kBackground);
  limiter.acquire("Z1", [&] { order.push_back(2); }, RateLimiter::Priority::kBackground);
  limiter.cancel(t);
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{2}));
}

// On a saturated limiter a background waiter still goes once it has waited background_max_wait_ms.
TEST(RateLimiter, OverdueBackgroundWaiterGoesFirst) {
  FakeClock clock;
  loop::EventBase loop(clock);
  RateLimiter limiter(loop, {.requests_per_second = 100, .burst = 1, .margin_ms = 0, .background_max_wait_ms = 25});
  std::vector<std::string> order;
  limiter.acquire("Z1", [&] { order.push_back("bg"); }, RateLimiter::Priority::kBackground);
  for (int i = 0; i < 5; i++) limiter.acquire("Z1", [&, i] { order.push_back("n" + std::to_string(i)); });
  loop.run_once();  // t0: the full bucket's token goes to n0
  ASSERT_EQ(order, (std::vector<std::string>{"n0"}));
  for (int step = 0; step < 6 && order.size() < 6; ++step) {
    clock.advance_ms(10);
    loop.run_once();
  }
  // n1 at 10 ms, n2 at 20 ms, then the background waiter (waited 30 ms >= 25) before n3.
  EXPECT_EQ(order, (std::vector<std::string>{"n0", "n1", "n2", "bg", "n3", "n4"}));
  EXPECT_EQ(limiter.stats().background_overdue, 1u);
}

}  // namespace
}  // namespace r53d::r53
