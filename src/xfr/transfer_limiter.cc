// Per-primary transfer slots with a FIFO queue. See transfer_limiter.h.
#include "xfr/transfer_limiter.h"

#include <netinet/in.h>

#include <deque>
#include <map>
#include <string>

namespace r53d::xfr {
namespace detail {

namespace {

// Family and address octets (and IPv6 scope): the port is not part of a primary's identity.
std::string host_key(const net::SocketAddress& a) {
  std::string k(1, static_cast<char>(a.family()));
  if (a.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a.storage);
    k.append(reinterpret_cast<const char*>(&v4->sin_addr), sizeof v4->sin_addr);
  } else if (a.family() == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
    k.append(reinterpret_cast<const char*>(&v6->sin6_addr), sizeof v6->sin6_addr);
    k.append(reinterpret_cast<const char*>(&v6->sin6_scope_id), sizeof v6->sin6_scope_id);
  }
  return k;
}

}  // namespace

class LimiterCore : public std::enable_shared_from_this<LimiterCore> {
 public:
  LimiterCore(loop::EventBase& loop, size_t per_primary) : loop_(loop), per_primary_(per_primary ? per_primary : 1) {}

  uint64_t enqueue(const net::SocketAddress& primary, std::function<void()> cb) {
    uint64_t id = next_id_++;
    std::string key = host_key(primary);
    entries_[id] = Entry{key, false, std::move(cb)};
    slots_[key].waiting.push_back(id);
    grant(key);
    return id;
  }

  void release(uint64_t id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    std::string key = it->second.key;
    Slot& s = slots_[key];
    if (it->second.granted) {
      --s.active;
    } else {
      std::erase(s.waiting, id);
    }
    entries_.erase(it);
    grant(key);
    if (s.active == 0 && s.waiting.empty()) slots_.erase(key);
  }

  bool granted(uint64_t id) const {
    auto it = entries_.find(id);
    return it != entries_.end() && it->second.granted;
  }

  size_t active(const net::SocketAddress& a) const {
    auto it = slots_.find(host_key(a));
    return it == slots_.end() ? 0 : it->second.active;
  }
  size_t waiting(const net::SocketAddress& a) const {
    auto it = slots_.find(host_key(a));
    return it == slots_.end() ? 0 : it->second.waiting.size();
  }

 private:
  struct Entry {
    std::string key;
    bool granted = false;
    std::function<void()> cb;
  };
  struct Slot {
    size_t active = 0;
    std::deque<uint64_t> waiting;
  };

  void grant(const std::string& key) {
    Slot& s = slots_[key];
    while (s.active < per_primary_ && !s.waiting.empty()) {
      uint64_t id = s.waiting.front();
      s.waiting.pop_front();
      entries_[id].granted = true;
      ++s.active;
      // Never call back from inside acquire() or a release (which may run inside the caller's
      // own callbacks): the grant is delivered from the loop.
      loop_.defer([weak = weak_from_this(), id] {
        auto core = weak.lock();
        if (!core) return;
        auto it = core->entries_.find(id);
        if (it == core->entries_.end() || !it->second.cb) return;  // released meanwhile
        auto cb = std::move(it->second.cb);
        cb();
      });
    }
  }

  loop::EventBase& loop_;
  size_t per_primary_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Entry> entries_;
  std::map<std::string, Slot> slots_;
};

}  // namespace detail

TransferLimiter::TransferLimiter(loop::EventBase& loop, size_t per_primary)
    : core_(std::make_shared<detail::LimiterCore>(loop, per_primary)) {}

TransferLimiter::~TransferLimiter() = default;

TransferLimiter::Ticket TransferLimiter::acquire(const net::SocketAddress& primary, std::function<void()> on_granted) {
  uint64_t id = core_->enqueue(primary, std::move(on_granted));
  return Ticket(core_, id);
}

size_t TransferLimiter::active(const net::SocketAddress& primary) const { return core_->active(primary); }
size_t TransferLimiter::waiting(const net::SocketAddress& primary) const { return core_->waiting(primary); }

TransferLimiter::Ticket::Ticket(Ticket&& o) noexcept : core_(std::move(o.core_)), id_(o.id_) { o.id_ = 0; }

TransferLimiter::Ticket& TransferLimiter::Ticket::operator=(Ticket&& o) noexcept {
  if (this != &o) {
    release();
    core_ = std::move(o.core_);
    id_ = o.id_;
    o.id_ = 0;
  }
  return *this;
}

TransferLimiter::Ticket::~Ticket() { release(); }

void TransferLimiter::Ticket::release() {
  if (id_ == 0) return;
  if (auto core = core_.lock()) core->release(id_);
  id_ = 0;
  core_.reset();
}

bool TransferLimiter::Ticket::granted() const {
  auto core = core_.lock();
  return core && id_ != 0 && core->granted(id_);
}

}  // namespace r53d::xfr
