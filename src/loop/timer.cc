// Timer: one-shot and periodic libevent timers.
#include "loop/timer.h"

#include <event2/event.h>

#include <algorithm>
#include <exception>

#include "loop/event_base.h"
#include "util/log.h"

namespace r53d::loop {

Timer::Timer(EventBase& loop, std::function<void()> cb) : loop_(loop), cb_(std::move(cb)) {}

Timer::~Timer() {
  unregister_clock();
  if (ev_) event_free(ev_);
}

void Timer::unregister_clock() {
  if (clock_key_.second == 0) return;
  loop_.remove_clock_timer(clock_key_);
  clock_key_ = {0, 0};
}

void Timer::on_clock_due(int64_t deadline_ms) {
  clock_key_ = {0, 0};
  // A periodic timer is due again one period after this deadline (at least 1 ms on).
  if (persist_) {
    clock_key_ = loop_.add_clock_timer(deadline_ms + std::max<int64_t>(1, period_ms_), this);
  }
  event_active(ev_, EV_TIMEOUT, 1);
}

void Timer::arm(int64_t delay_ms, bool persist) {
  if (delay_ms < 0) delay_ms = 0;
  if (ev_ && persist != persist_) {
    event_free(ev_);
    ev_ = nullptr;
  }
  if (!ev_) {
    ev_ = event_new(loop_.base(), -1, persist ? EV_PERSIST : 0, &Timer::on_fire_cb, this);
    persist_ = persist;
  }
  if (loop_.timer_clock() == TimerClock::kClock) {
    // Not added to libevent: the loop activates it when its Clock reaches the deadline.
    event_del(ev_);  // drop an activation not yet run: re-arming replaces the schedule
    unregister_clock();
    period_ms_ = delay_ms;
    clock_key_ = loop_.add_clock_timer(loop_.clock().mono_ms() + delay_ms, this);
    return;
  }
  timeval tv{static_cast<time_t>(delay_ms / 1000), static_cast<suseconds_t>((delay_ms % 1000) * 1000)};
  event_add(ev_, &tv);
}

void Timer::start_once(int64_t delay_ms) { arm(delay_ms, false); }

void Timer::start_every(int64_t period_ms) { arm(period_ms, true); }

void Timer::cancel() {
  unregister_clock();
  if (ev_) event_del(ev_);
}

bool Timer::pending() const {
  return clock_key_.second != 0 || (ev_ && event_pending(ev_, EV_TIMEOUT, nullptr));
}

void Timer::on_fire_cb(int, short, void* arg) noexcept {
  auto* self = static_cast<Timer*>(arg);
  try {
    self->cb_();
  } catch (const std::exception& e) {
    log::error("timer callback threw: %s", e.what());
  }
}

}  // namespace r53d::loop
