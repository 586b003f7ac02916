// Tests for PollSchedule on injected time: the pinned change, growing intervals, re-pinning the
// newest, give-up, and a 20-second steady stream of changes replayed exactly.
#include "r53/poll_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <vector>

namespace r53d::r53 {
namespace {

using State = PollSchedule::State;

TEST(PollSchedule, PinsTheFirstChangeAndKeepsItWhileNewerOnesArrive) {
  PollSchedule s("Z1", {.first_poll_ms = 200, .max_interval_ms = 1000});
  EXPECT_EQ(s.state(), State::kIdle);
  s.accepted(1000);
  EXPECT_EQ(s.state(), State::kWaiting);
  EXPECT_EQ(s.pinned(), 1u);
  EXPECT_EQ(s.next_poll_ms(), 1200);
  s.accepted(1100);  // newer: waits, the schedule stays
  s.accepted(1150);
  EXPECT_EQ(s.pinned(), 1u);
  EXPECT_EQ(s.changes(), 3u);
  EXPECT_EQ(s.next_poll_ms(), 1200);
  s.poll_sent(1200);
  EXPECT_EQ(s.state(), State::kPolling);
  s.accepted(1210);  // during the poll: the poll goes on
  EXPECT_EQ(s.state(), State::kPolling);
  EXPECT_EQ(s.pinned(), 1u);
}

TEST(PollSchedule, IntervalsGrowToTheMaximumAndRetriesWaitTheMaximum) {
  PollSchedule s("Z1", {.first_poll_ms = 200, .max_interval_ms = 1000, .growth = 2.0});
  s.accepted(0);
  std::vector<int64_t> due;
  int64_t now = 0;
  for (int i = 0; i < 5; ++i) {
    now = s.next_poll_ms();
    due.push_back(now);
    s.poll_sent(now);
    now += 10;  // the answer takes 10 ms
    s.pending(now);
  }
  // 200 after acceptance, then 400, 800, 1000, 1000 after each answer.
  EXPECT_EQ(due, (std::vector<int64_t>{200, 610, 1420, 2430, 3440}));
  s.poll_sent(s.next_poll_ms());
  s.retry(5000);
  EXPECT_EQ(s.next_poll_ms(), 6000);
  EXPECT_EQ(s.state(), State::kWaiting);
}

TEST(PollSchedule, SettlePinsTheNewestNoSoonerThanTheFirstIntervalAfterItsAcceptance) {
  PollSchedule s("Z1", {.first_poll_ms = 200, .max_interval_ms = 1000});
  s.accepted(0);
  s.poll_sent(200);
  s.pending(210);
  s.accepted(300);
  s.accepted(500);
  s.poll_sent(610);
  EXPECT_EQ(s.settle(620), 1u) << "only the pinned change (the first) and older ones";
  EXPECT_EQ(s.state(), State::kWaiting);
  EXPECT_EQ(s.pinned(), 2u) << "the newest of the two left (accepted at 500) is pinned";
  EXPECT_EQ(s.next_poll_ms(), 700) << "200 ms after its acceptance";
  EXPECT_EQ(s.interval_ms(), 200) << "a new pin starts at the first interval";
  s.poll_sent(700);
  EXPECT_EQ(s.settle(705), 2u);
  EXPECT_EQ(s.state(), State::kIdle);
  EXPECT_EQ(s.changes(), 0u);
  // Old enough already: due at once.
  s.accepted(2000);
  s.poll_sent(2200);
  s.accepted(2300);
  EXPECT_EQ(s.settle(3000), 1u);
  EXPECT_EQ(s.next_poll_ms(), 3000);
}

TEST(PollSchedule, GiveUpCountsFromThePinnedChangesAcceptance) {
  PollSchedule s("Z1", {.first_poll_ms = 200, .max_interval_ms = 1000, .give_up_ms = 1500});
  s.accepted(0);
  s.poll_sent(200);
  s.pending(200);
  s.poll_sent(600);
  s.pending(600);  // next due 1400
  s.accepted(900);  // does not move the deadline of the pinned change
  EXPECT_EQ(s.next_poll_ms(), 1400);
  s.poll_sent(1400);
  s.pending(1400);  // next due 2400, but the deadline is 1500
  EXPECT_EQ(s.next_poll_ms(), 1500);
  EXPECT_FALSE(s.give_up_due(1499));
  EXPECT_TRUE(s.give_up_due(1500));
  EXPECT_EQ(s.settle(1500), 1u);
  EXPECT_FALSE(s.give_up_due(1500));
  EXPECT_EQ(s.next_poll_ms(), 1500) << "the change of 900 is 600 ms old: due now";
  EXPECT_TRUE(s.give_up_due(2400));
  PollSchedule never("Z2", {.first_poll_ms = 200, .max_interval_ms = 1000});
  never.accepted(0);
  EXPECT_FALSE(never.give_up_due(1'000'000'000));
}

// The bug of issue 13: an UPDATE every 300 ms, Route 53 INSYNC 1 s after acceptance, polls from
// 200 ms to 1 s, each GetChange answered in 50 ms. Replayed for 20 s: a change settles at least
// every (propagation delay + max interval + one answer), never a poll in flight beside another,
// and far fewer GetChange calls than changes.
TEST(PollSchedule, SteadyStreamSettlesAtLeastEveryDelayPlusMaxInterval) {
  const int64_t kEvery = 300, kInsync = 1000, kMin = 200, kMax = 1000, kAnswer = 50, kLoad = 20000;
  PollSchedule s("Z1", {.first_poll_ms = kMin, .max_interval_ms = kMax});
  std::vector<int64_t> accepted_at;  // per change, in order
  size_t settled = 0;                // changes settled so far (the oldest)
  std::vector<int64_t> settled_at;   // when `settled` grew
  int polls = 0;
  int64_t answer_at = -1;            // the GetChange in flight is answered then (-1: none)
  size_t polled = 0;                 // the change it asked about (index + 1)
  for (int64_t t = 0; t <= kLoad + 5000; ++t) {
    if (t < kLoad && t % kEvery == 0) {
      accepted_at.push_back(t);
      s.accepted(t);
    }
    if (answer_at == t) {
      answer_at = -1;
      ASSERT_EQ(s.state(), State::kPolling);
      // Route 53 answers with the change's state when the request reached it.
      if (t - kAnswer / 2 >= accepted_at[polled - 1] + kInsync) {
        size_t n = s.settle(t);
        ASSERT_EQ(n, polled - settled) << "the pinned change settles it and every older one";
        settled = polled;
        settled_at.push_back(t);
      } else {
        s.pending(t);
      }
    }
    if (s.state() == State::kWaiting && t >= s.next_poll_ms()) {
      ASSERT_EQ(answer_at, -1) << "one GetChange in flight per zone";
      s.poll_sent(t);
      ++polls;
      polled = settled + s.pinned();
      answer_at = t + kAnswer;
    }
  }
  ASSERT_EQ(settled, accepted_at.size()) << "every change settled after the load";
  EXPECT_EQ(s.state(), State::kIdle);
  // The settled count advances at least every kInsync + kMax (+ one answer), from the start
  // through the whole load: the SOA answered moves while the zone is busy.
  const int64_t bound = kInsync + kMax + kAnswer;
  int64_t last = 0;
  for (int64_t at : settled_at) {
    if (last >= kLoad) break;
    EXPECT_LE(at - last, bound) << "no change settled between " << last << " and " << at << " ms";
    last = at;
  }
  EXPECT_GE(settled_at.size(), static_cast<size_t>(kLoad / bound));
  // Each pinned change is polled at 200, +400, +800 ms at most before Route 53's 1 s is past:
  // about three GetChange per settle, not one per change (67 changes).
  EXPECT_LE(polls, 3 * static_cast<int>(settled_at.size()));
  EXPECT_LT(polls, static_cast<int>(accepted_at.size()));
  std::cout << "# " << accepted_at.size() << " changes, " << settled_at.size() << " settles, " << polls
            << " GetChange in " << kLoad << " ms of load\n";
}

}  // namespace
}  // namespace r53d::r53
