// Tests for the libevent wrappers: EventBase (cached time, deferred work), Timer, IoEvent, SignalEvent.
#include "loop/event_base.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <vector>

#include "loop/io_event.h"
#include "loop/signal_event.h"
#include "loop/timer.h"
#include "util/clock.h"

namespace r53d::loop {
namespace {

TEST(EventBase, RunReturnsWhenNothingIsLeft) {
  EventBase loop;
  EXPECT_FALSE(loop.run());
}

TEST(Timer, OneShotFiresOnceThenStopIsHonoured) {
  EventBase loop;
  int fired = 0;
  Timer t(loop, [&] { fired++; });
  t.start_once(5);
  EXPECT_TRUE(t.pending());
  EXPECT_FALSE(loop.run());  // nothing left after the one shot
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(t.pending());
}

TEST(Timer, PeriodicFiresUntilCancelled) {
  EventBase loop;
  int fired = 0;
  Timer t(loop, [&] {
    if (++fired == 3) t.cancel();
  });
  t.start_every(2);
  loop.run();
  EXPECT_EQ(fired, 3);
}

TEST(Timer, CancelledTimerDoesNotFire) {
  EventBase loop;
  bool fired = false;
  Timer t(loop, [&] { fired = true; });
  t.start_once(1);
  t.cancel();
  loop.run();
  EXPECT_FALSE(fired);
}

TEST(Timer, RearmingReplacesTheSchedule) {
  EventBase loop;
  std::vector<int> order;
  Timer a(loop, [&] { order.push_back(1); });
  Timer b(loop, [&] { order.push_back(2); });
  a.start_once(1);
  b.start_once(20);
  a.start_once(60);  // now after b
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{2, 1}));
}

// TimerClock::kClock, the seam of tests with a FakeClock: timers fire when the injected clock
// reaches their deadline, in deadline order, and never because real time passed.
TEST(Timer, OnTheInjectedClockFiresOnlyWhenTheClockReachesTheDeadline) {
  FakeClock clock;
  EventBase loop(clock, TimerClock::kClock);
  std::vector<int> order;
  Timer a(loop, [&] { order.push_back(1); });
  Timer b(loop, [&] { order.push_back(2); });
  Timer c(loop, [&] { order.push_back(3); });
  const int64_t t0 = clock.mono_ms();
  a.start_once(4);
  b.start_once(4);   // same deadline: in arming order
  c.start_once(1);
  EXPECT_EQ(loop.next_timer_ms(), t0 + 1);
  usleep(10'000);  // real time passing changes nothing
  loop.run_once(true);
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(a.pending());
  clock.advance_ms(3);
  loop.run_once(true);
  EXPECT_EQ(order, (std::vector<int>{3}));
  EXPECT_FALSE(c.pending());
  EXPECT_EQ(loop.next_timer_ms(), t0 + 4);
  clock.advance_ms(1);
  loop.run_once(true);
  EXPECT_EQ(order, (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(loop.next_timer_ms(), std::nullopt);
  EXPECT_FALSE(loop.run()) << "nothing left";
}

TEST(Timer, OnTheInjectedClockCancelRearmAndPeriodicWork) {
  FakeClock clock;
  EventBase loop(clock, TimerClock::kClock);
  int fired = 0;
  Timer once(loop, [&] { fired += 100; });
  once.start_once(5);
  once.start_once(50);  // re-arming replaces the schedule
  once.cancel();
  EXPECT_FALSE(once.pending());
  EXPECT_EQ(loop.next_timer_ms(), std::nullopt);
  Timer every(loop, [&] { fired++; });
  every.start_every(10);
  clock.advance_ms(10);
  loop.run_once(true);
  EXPECT_EQ(fired, 1);
  EXPECT_TRUE(every.pending());
  clock.advance_ms(10);
  loop.run_once(true);
  EXPECT_EQ(fired, 2);
  every.cancel();
  clock.advance_ms(100);
  loop.run_once(true);
  EXPECT_EQ(fired, 2);
  {
    Timer gone(loop, [&] { fired += 1000; });
    gone.start_once(1);
  }  // destroyed while armed: forgotten
  clock.advance_ms(5);
  loop.run_once(true);
  EXPECT_EQ(fired, 2);
}

TEST(Timer, StopEndsRunFromACallback) {
  EventBase loop;
  int fired = 0;
  Timer t(loop, [&] {
    fired++;
    loop.stop();
  });
  t.start_every(1);
  EXPECT_TRUE(loop.run());
  EXPECT_EQ(fired, 1);
}

TEST(EventBase, DeferDeleteFreesAfterTheCallbackReturns) {
  EventBase loop;
  struct Probe {
    bool* alive;
    ~Probe() { *alive = false; }
  };
  bool alive = true;
  bool alive_at_end_of_callback = false;
  std::unique_ptr<Timer> t;
  std::unique_ptr<Probe> probe(new Probe{&alive});
  t = std::make_unique<Timer>(loop, [&] {
    loop.defer_delete(std::move(t));       // the timer frees itself...
    loop.defer_delete(std::move(probe));
    alive_at_end_of_callback = alive;      // ...but not before we return
  });
  t->start_once(1);
  loop.run();
  EXPECT_TRUE(alive_at_end_of_callback);
  EXPECT_FALSE(alive);
  EXPECT_EQ(t, nullptr);
  EXPECT_EQ(loop.deferred_pending(), 0u);
}

TEST(EventBase, DeferRunsInOrderAndWorksUnderPlainLibevent) {
  EventBase loop;
  std::vector<int> order;
  Timer t(loop, [&] {
    loop.defer([&] {
      order.push_back(2);
      loop.defer([&] { order.push_back(3); });
    });
    order.push_back(1);
  });
  t.start_once(1);
  event_base_dispatch(loop.base());  // not EventBase::run: deferred work still runs
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventBase, TimeIsCachedPerTurn) {
  FakeClock clock(1'000'000, 5000);
  EventBase loop(clock);
  EXPECT_EQ(loop.now_ms(), 5000);  // outside run(): straight from the clock
  clock.advance_ms(10);
  EXPECT_EQ(loop.now_ms(), 5010);

  std::vector<int64_t> seen;
  Timer second(loop, [&] { seen.push_back(loop.now_ms()); });
  Timer first(loop, [&] {
    seen.push_back(loop.now_ms());
    clock.advance_ms(100);
    seen.push_back(loop.now_ms());      // same turn: unchanged
    seen.push_back(loop.wall_ms());
    second.start_once(1);               // a later turn sees the new time
  });
  first.start_once(1);
  loop.run();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], 5010);
  EXPECT_EQ(seen[1], 5010);
  EXPECT_EQ(seen[2], 1'000'010);
  EXPECT_EQ(seen[3], 5110);
}

TEST(IoEvent, ReadableFiresAndDisableStops) {
  EventBase loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string got;
  IoEvent io(loop, fds[0], EV_READ, [&](short what) {
    ASSERT_TRUE(what & EV_READ);
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    if (got.size() >= 5) io.disable();
  });
  io.enable();
  ASSERT_EQ(write(fds[1], "hello", 5), 5);
  loop.run();
  EXPECT_EQ(got, "hello");
  EXPECT_FALSE(io.enabled());
  close(fds[0]);
  close(fds[1]);
}

TEST(IoEvent, TimeoutWithoutActivity) {
  EventBase loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  short seen = 0;
  IoEvent io(loop, fds[0], EV_READ, [&](short what) {
    seen = what;
    io.disable();
  });
  io.enable(5);
  loop.run();
  EXPECT_TRUE(seen & EV_TIMEOUT);
  close(fds[0]);
  close(fds[1]);
}

TEST(IoEvent, SetInterestSwitchesToWritable) {
  EventBase loop;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  short seen = 0;
  IoEvent io(loop, fds[1], EV_READ, [&](short what) {
    seen = what;
    io.disable();
  });
  io.enable();
  io.set_interest(EV_WRITE);
  EXPECT_TRUE(io.enabled());
  loop.run();
  EXPECT_TRUE(seen & EV_WRITE);
  close(fds[0]);
  close(fds[1]);
}

TEST(SignalEvent, SignalRunsCallbackOnTheLoop) {
  EventBase loop;
  int got = 0;
  SignalEvent sig(loop, SIGUSR2, [&] {
    got++;
    loop.stop();
  });
  Timer t(loop, [] { raise(SIGUSR2); });
  t.start_once(1);
  EXPECT_TRUE(loop.run());
  EXPECT_EQ(got, 1);
}

}  // namespace
}  // namespace r53d::loop
