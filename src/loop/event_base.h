// EventBase: owner of the one libevent event_base, its cached per-turn time and deferred deletes.
//
// Like PgBouncer's main_loop_once: each turn of run() waits for events, runs their callbacks,
// then runs the work deferred during the turn (objects handed to defer_delete are freed there,
// never inside their own callback) and forgets the cached time.
//
//   r53d::loop::EventBase loop;                 // SystemClock
//   loop::Timer t(loop, [&] { loop.stop(); });
//   t.start_once(1000);
//   loop.run();                                 // returns after stop() or when nothing is left
//
// Time: now_ms()/wall_ms() read the injected Clock once per turn and return that value for the
// rest of the turn, so every callback of a turn sees the same "now" (cheap, consistent).
// Outside run() (e.g. a test driving event_base_loop itself) they read the Clock every time.
//
// Timers (loop::Timer) run on libevent's own monotonic clock, i.e. real time, unless the base
// is made with TimerClock::kClock, a test seam: then a timer is due when the injected Clock
// reaches its deadline, and only then. A test moves a FakeClock and the next run_once() fires
// what is due, in deadline order; nothing fires because real time passed, so a test cannot
// depend on how fast the machine is:
//
//   FakeClock clock;
//   loop::EventBase loop(clock, loop::TimerClock::kClock);
//   loop::Timer t(loop, [&] { fired = true; });
//   t.start_once(4);
//   loop.run_once(true);                         // not yet: the clock has not moved
//   clock.advance_ms(*loop.next_timer_ms() - clock.mono_ms());
//   loop.run_once(true);                         // fired
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "util/clock.h"

struct event_base;
struct event;

namespace r53d::loop {

class Timer;

// What loop::Timer deadlines are measured with (see above).
enum class TimerClock {
  kReal,   // libevent's monotonic clock: production
  kClock,  // the injected Clock: tests with a FakeClock
};

class EventBase {
 public:
  // The clock must outlive the EventBase. Aborts if libevent cannot create a base.
  explicit EventBase(Clock& clock = SystemClock::instance(), TimerClock timers = TimerClock::kReal);
  ~EventBase();  // runs pending deferred work, then frees the base
  EventBase(const EventBase&) = delete;
  EventBase& operator=(const EventBase&) = delete;

  event_base* base() const { return base_; }  // borrowed: for libevent/evhttp/HttpClient
  Clock& clock() const { return clock_; }

  // Runs turns until stop() is called or no event is left. Returns true if stopped.
  // (TimerClock::kClock: timers not yet due do not count; the Clock never moves by itself.)
  bool run();
  // One turn: waits (unless nonblocking) for at least one event, runs callbacks and deferred
  // work. Returns false if no event is pending at all. With TimerClock::kClock it first
  // activates the timers whose deadline the Clock has reached.
  bool run_once(bool nonblocking = false);
  // Makes run() return after the current turn. Safe from any callback.
  void stop();
  bool stopped() const { return stop_; }

  // Monotonic and wall-clock milliseconds, cached for the current turn (see above).
  int64_t now_ms();
  int64_t wall_ms();

  // Runs fn after the current callback returns (at the end of this turn, in FIFO order).
  // Works from inside any callback and also when the loop is driven by plain libevent.
  void defer(std::function<void()> fn);
  // Frees p after the current callback returns: the way to destroy an object from inside
  // one of its own callbacks (STYLE.md "Ownership").
  template <class T>
  void defer_delete(std::unique_ptr<T> p) {
    std::shared_ptr<T> holder(std::move(p));  // std::function needs a copyable capture
    defer([holder]() mutable { holder.reset(); });
  }

  size_t deferred_pending() const { return deferred_.size(); }

  TimerClock timer_clock() const { return timer_clock_; }
  // TimerClock::kClock: the earliest deadline (Clock::mono_ms) among armed timers; nullopt when
  // none is armed (or with kReal).
  std::optional<int64_t> next_timer_ms() const;

 private:
  friend class Timer;
  // TimerClock::kClock bookkeeping for Timer: deadlines in (deadline, arming order) order.
  using ClockTimerKey = std::pair<int64_t, uint64_t>;
  ClockTimerKey add_clock_timer(int64_t deadline_ms, Timer* t);
  void remove_clock_timer(const ClockTimerKey& key);
  void activate_due_timers();

  static void on_deferred_cb(int fd, short what, void* arg) noexcept;
  void run_deferred();

  Clock& clock_;
  TimerClock timer_clock_;
  std::map<ClockTimerKey, Timer*> clock_timers_;  // kClock: armed timers (borrowed)
  uint64_t clock_timer_seq_ = 0;
  event_base* base_ = nullptr;      // owned
  event* deferred_event_ = nullptr;  // owned; activated when defer() queues work
  std::vector<std::function<void()>> deferred_;
  bool in_run_ = false;
  bool stop_ = false;
  bool have_now_ = false;
  int64_t now_ms_ = 0;
  int64_t wall_ms_ = 0;
};

}  // namespace r53d::loop
