// SignalEvent: signals as loop events.
#include "loop/signal_event.h"

#include <event2/event.h>

#include <exception>

#include "loop/event_base.h"
#include "util/log.h"

namespace r53d::loop {

SignalEvent::SignalEvent(EventBase& loop, int signo, std::function<void()> cb)
    : signo_(signo), cb_(std::move(cb)) {
  ev_ = evsignal_new(loop.base(), signo, &SignalEvent::on_signal_cb, this);
  // Persistent: evsignal_new sets EV_SIGNAL|EV_PERSIST.
  event_add(ev_, nullptr);
}

SignalEvent::~SignalEvent() {
  if (ev_) event_free(ev_);
}

void SignalEvent::on_signal_cb(int, short, void* arg) noexcept {
  auto* self = static_cast<SignalEvent*>(arg);
  try {
    self->cb_();
  } catch (const std::exception& e) {
    log::error("signal callback threw: %s", e.what());
  }
}

}  // namespace r53d::loop
