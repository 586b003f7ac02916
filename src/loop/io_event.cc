// IoEvent: persistent fd watches.
#include "loop/io_event.h"

#include <event2/event.h>

#include <exception>

#include "loop/event_base.h"
#include "util/log.h"

namespace r53d::loop {

IoEvent::IoEvent(EventBase& loop, int fd, short interest, Callback cb)
    : loop_(loop), fd_(fd), interest_(interest), cb_(std::move(cb)) {
  rebuild();
}

IoEvent::~IoEvent() {
  if (ev_) event_free(ev_);
}

void IoEvent::rebuild() {
  if (ev_) event_free(ev_);
  ev_ = event_new(loop_.base(), fd_, static_cast<short>(interest_ | EV_PERSIST), &IoEvent::on_io_cb,
                  this);
}

void IoEvent::enable(int64_t timeout_ms) {
  timeout_ms_ = timeout_ms;
  enabled_ = true;
  if (timeout_ms >= 0) {
    timeval tv{static_cast<time_t>(timeout_ms / 1000),
               static_cast<suseconds_t>((timeout_ms % 1000) * 1000)};
    event_add(ev_, &tv);
  } else {
    event_add(ev_, nullptr);
  }
}

void IoEvent::disable() {
  enabled_ = false;
  event_del(ev_);
}

void IoEvent::set_interest(short interest) {
  if (interest == interest_) return;
  interest_ = interest;
  rebuild();
  if (enabled_) enable(timeout_ms_);
}

void IoEvent::on_io_cb(int, short what, void* arg) noexcept {
  auto* self = static_cast<IoEvent*>(arg);
  try {
    self->cb_(what);
  } catch (const std::exception& e) {
    log::error("io callback threw: %s", e.what());
  }
}

}  // namespace r53d::loop
