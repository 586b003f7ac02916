// At most N zone transfers at a time per primary address, across all zones (BIND's
// transfers-per-ns, default 2): a transfer asks for a slot and waits in FIFO order until one is
// free, so that a restart with many zones does not open hundreds of connections to one primary.
//
//   xfr::TransferLimiter limiter(loop, 2);                       // shared by every zone
//   ticket_ = limiter.acquire(primary, [this] { start_transfer(); });  // later, from the loop
//   ...
//   ticket_ = {};   // transfer over (or abandoned): the slot goes to the next in line
//
// The callback runs on the loop, never before acquire() returns, and not at all if the Ticket is
// dropped first. Primaries are keyed by address only (the port does not matter: one server).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "loop/event_base.h"
#include "net/address.h"

namespace r53d::xfr {

namespace detail {
class LimiterCore;
}

class TransferLimiter {
 public:
  // A place in line or a slot. Move-only; destroying it gives the slot (or the place) back.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& o) noexcept;
    Ticket& operator=(Ticket&& o) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();
    // True once the slot is ours (the callback has been scheduled).
    bool granted() const;

   private:
    friend class TransferLimiter;
    Ticket(std::weak_ptr<detail::LimiterCore> core, uint64_t id) : core_(std::move(core)), id_(id) {}
    void release();
    std::weak_ptr<detail::LimiterCore> core_;
    uint64_t id_ = 0;
  };

  // per_primary >= 1. The loop must outlive the limiter.
  TransferLimiter(loop::EventBase& loop, size_t per_primary = 2);
  ~TransferLimiter();
  TransferLimiter(const TransferLimiter&) = delete;
  TransferLimiter& operator=(const TransferLimiter&) = delete;

  // Queues for a slot at `primary`; `on_granted` runs from the loop once the slot is ours.
  Ticket acquire(const net::SocketAddress& primary, std::function<void()> on_granted);

  // Slots in use / tickets waiting for `primary`.
  size_t active(const net::SocketAddress& primary) const;
  size_t waiting(const net::SocketAddress& primary) const;

 private:
  // Shared with the Tickets (weak): a Ticket may outlive the limiter during shutdown.
  std::shared_ptr<detail::LimiterCore> core_;
};

}  // namespace r53d::xfr
