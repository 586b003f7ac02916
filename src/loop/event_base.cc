// EventBase: libevent base ownership, run loop with cached time and deferred work.
#include "loop/event_base.h"

#include <event2/event.h>

#include <cstdlib>
#include <exception>

#include "loop/timer.h"
#include "util/log.h"

namespace r53d::loop {

EventBase::EventBase(Clock& clock, TimerClock timers) : clock_(clock), timer_clock_(timers) {
  base_ = event_base_new();
  if (!base_) {
    log::error("event_base_new failed");
    std::abort();
  }
  deferred_event_ = event_new(base_, -1, 0, &EventBase::on_deferred_cb, this);
}

EventBase::~EventBase() {
  run_deferred();
  event_free(deferred_event_);
  event_base_free(base_);
}

bool EventBase::run() {
  stop_ = false;
  while (!stop_) {
    if (!run_once()) break;
  }
  bool stopped = stop_;
  stop_ = false;
  return stopped;
}

bool EventBase::run_once(bool nonblocking) {
  in_run_ = true;
  have_now_ = false;
  if (timer_clock_ == TimerClock::kClock) activate_due_timers();
  int flags = nonblocking ? EVLOOP_NONBLOCK : EVLOOP_ONCE;
  int rc = event_base_loop(base_, flags);
  run_deferred();
  have_now_ = false;
  in_run_ = false;
  return rc == 0;
}

void EventBase::stop() {
  stop_ = true;
  event_base_loopbreak(base_);
}

int64_t EventBase::now_ms() {
  if (!in_run_) return clock_.mono_ms();
  if (!have_now_) {
    now_ms_ = clock_.mono_ms();
    wall_ms_ = clock_.wall_ms();
    have_now_ = true;
  }
  return now_ms_;
}

int64_t EventBase::wall_ms() {
  if (!in_run_) return clock_.wall_ms();
  now_ms();
  return wall_ms_;
}

std::optional<int64_t> EventBase::next_timer_ms() const {
  if (clock_timers_.empty()) return std::nullopt;
  return clock_timers_.begin()->first.first;
}

EventBase::ClockTimerKey EventBase::add_clock_timer(int64_t deadline_ms, Timer* t) {
  ClockTimerKey key{deadline_ms, ++clock_timer_seq_};
  clock_timers_.emplace(key, t);
  return key;
}

void EventBase::remove_clock_timer(const ClockTimerKey& key) { clock_timers_.erase(key); }

void EventBase::activate_due_timers() {
  int64_t now = clock_.mono_ms();
  // Activated in deadline order; libevent runs active events first in, first out.
  while (!clock_timers_.empty() && clock_timers_.begin()->first.first <= now) {
    auto it = clock_timers_.begin();
    Timer* t = it->second;
    int64_t deadline = it->first.first;
    clock_timers_.erase(it);
    t->on_clock_due(deadline);
  }
}

void EventBase::defer(std::function<void()> fn) {
  deferred_.push_back(std::move(fn));
  // An active event runs after the callbacks already running in this pass of the loop.
  event_active(deferred_event_, 0, 0);
}

void EventBase::on_deferred_cb(int, short, void* arg) noexcept {
  static_cast<EventBase*>(arg)->run_deferred();
}

void EventBase::run_deferred() {
  // Work deferred by deferred work runs in the same call (FIFO), until none is left.
  while (!deferred_.empty()) {
    auto batch = std::move(deferred_);
    deferred_.clear();
    for (auto& fn : batch) {
      try {
        fn();
      } catch (const std::exception& e) {
        log::error("deferred work threw: %s", e.what());
      }
    }
  }
}

}  // namespace r53d::loop
