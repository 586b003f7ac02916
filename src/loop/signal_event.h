// SignalEvent: a POSIX signal delivered as a libevent event on the loop (no async-signal work).
//
//   loop::SignalEvent term(loop, SIGTERM, [&] { loop.stop(); });
//
// Active from construction until destruction. The callback runs on the loop, in a normal
// context (it may log, allocate, stop the loop).
#pragma once

#include <functional>

struct event;

namespace r53d::loop {

class EventBase;

class SignalEvent {
 public:
  SignalEvent(EventBase& loop, int signo, std::function<void()> cb);
  ~SignalEvent();
  SignalEvent(const SignalEvent&) = delete;
  SignalEvent& operator=(const SignalEvent&) = delete;
  int signo() const { return signo_; }

 private:
  static void on_signal_cb(int fd, short what, void* arg) noexcept;

  int signo_;
  std::function<void()> cb_;
  event* ev_ = nullptr;  // owned
};

}  // namespace r53d::loop
