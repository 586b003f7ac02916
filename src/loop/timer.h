// Timer: a one-shot or periodic libevent timer owned by an object, cancelled when destroyed.
//
//   loop::Timer retry(loop, [this] { on_retry(); });
//   retry.start_once(250);          // fires once, 250 ms from now
//   retry.start_every(1000);        // (re)arms: fires every second until cancel()
//   retry.cancel();                 // no callback after this
//
// The callback runs on the loop; it may restart, cancel or (through EventBase::defer_delete)
// free its own Timer. Exceptions thrown by the callback are logged, never propagated.
// Delays count on libevent's clock, or on the loop's Clock with TimerClock::kClock (a test seam:
// see event_base.h).
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

struct event;

namespace r53d::loop {

class EventBase;

class Timer {
 public:
  Timer(EventBase& loop, std::function<void()> cb);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Arms the timer to fire once after delay_ms (0: on the next loop pass). Re-arming replaces
  // the previous schedule.
  void start_once(int64_t delay_ms);
  // Arms the timer to fire every period_ms (first after period_ms) until cancel().
  void start_every(int64_t period_ms);
  void cancel();
  bool pending() const;

 private:
  friend class EventBase;
  static void on_fire_cb(int fd, short what, void* arg) noexcept;
  void arm(int64_t delay_ms, bool persist);
  // TimerClock::kClock: the loop found this timer due at deadline_ms (no longer registered).
  void on_clock_due(int64_t deadline_ms);
  void unregister_clock();

  EventBase& loop_;
  std::function<void()> cb_;
  event* ev_ = nullptr;  // owned
  bool persist_ = false;
  // TimerClock::kClock only: the registration in loop_ (seq 0: none) and the period.
  std::pair<int64_t, uint64_t> clock_key_{0, 0};
  int64_t period_ms_ = 0;
};

}  // namespace r53d::loop
