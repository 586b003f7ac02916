// Timer: one-shot and periodic libevent timers.
#include "loop/timer.h"

#include <event2/event.h>

#include <exception>

#include "loop/event_base.h"
#include "util/log.h"

namespace r53d::loop {

Timer::Timer(EventBase& loop, std::function<void()> cb) : loop_(loop), cb_(std::move(cb)) {}

Timer::~Timer() {
  if (ev_) event_free(ev_);
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
  timeval tv{static_cast<time_t>(delay_ms / 1000), static_cast<suseconds_t>((delay_ms % 1000) * 1000)};
  event_add(ev_, &tv);
}

void Timer::start_once(int64_t delay_ms) { arm(delay_ms, false); }

void Timer::start_every(int64_t period_ms) { arm(period_ms, true); }

void Timer::cancel() {
  if (ev_) event_del(ev_);
}

bool Timer::pending() const { return ev_ && event_pending(ev_, EV_TIMEOUT, nullptr); }

void Timer::on_fire_cb(int, short, void* arg) noexcept {
  auto* self = static_cast<Timer*>(arg);
  try {
    self->cb_();
  } catch (const std::exception& e) {
    log::error("timer callback threw: %s", e.what());
  }
}

}  // namespace r53d::loop
