// IoEvent: a persistent read/write watch on a file descriptor, removed when destroyed.
//
//   loop::IoEvent io(loop, fd, EV_READ, [this](short what) { on_readable(what); });
//   io.enable();                    // start watching
//   io.set_interest(EV_READ | EV_WRITE);  // change what is watched (stays enabled)
//   io.disable();                   // stop watching (the fd is not closed)
//
// The IoEvent never owns the fd. `what` in the callback is EV_READ/EV_WRITE/EV_TIMEOUT bits.
// The callback may disable, re-enable or defer_delete its own IoEvent.
#pragma once

#include <cstdint>
#include <functional>

struct event;

namespace r53d::loop {

class EventBase;

class IoEvent {
 public:
  using Callback = std::function<void(short what)>;
  IoEvent(EventBase& loop, int fd, short interest, Callback cb);
  ~IoEvent();
  IoEvent(const IoEvent&) = delete;
  IoEvent& operator=(const IoEvent&) = delete;

  // Starts watching; with timeout_ms >= 0 the callback also gets EV_TIMEOUT after that long
  // without activity.
  void enable(int64_t timeout_ms = -1);
  void disable();
  void set_interest(short interest);  // EV_READ and/or EV_WRITE; keeps the enabled state
  bool enabled() const { return enabled_; }
  int fd() const { return fd_; }

 private:
  static void on_io_cb(int fd, short what, void* arg) noexcept;
  void rebuild();

  EventBase& loop_;
  int fd_;
  short interest_;
  Callback cb_;
  event* ev_ = nullptr;  // owned
  bool enabled_ = false;
  int64_t timeout_ms_ = -1;
};

}  // namespace r53d::loop
