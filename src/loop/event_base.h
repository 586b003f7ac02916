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
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "util/clock.h"

struct event_base;
struct event;

namespace r53d::loop {

class EventBase {
 public:
  // The clock must outlive the EventBase. Aborts if libevent cannot create a base.
  explicit EventBase(Clock& clock = SystemClock::instance());
  ~EventBase();  // runs pending deferred work, then frees the base
  EventBase(const EventBase&) = delete;
  EventBase& operator=(const EventBase&) = delete;

  event_base* base() const { return base_; }  // borrowed: for libevent/evhttp/HttpClient
  Clock& clock() const { return clock_; }

  // Runs turns until stop() is called or no event is left. Returns true if stopped.
  bool run();
  // One turn: waits (unless nonblocking) for at least one event, runs callbacks and deferred
  // work. Returns false if no event is pending at all.
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

 private:
  static void on_deferred_cb(int fd, short what, void* arg) noexcept;
  void run_deferred();

  Clock& clock_;
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
