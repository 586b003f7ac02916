// Token bucket, per-key rate limiter and per-zone apply time of route53-sim.
#include "sim/limits.h"

#include <algorithm>

namespace r53d::sim {

bool TokenBucket::take(int64_t now_ms) {
  if (now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_per_ms_);
    last_ms_ = now_ms;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool RateLimiter::allow(const std::string& access_key) {
  if (!enabled()) return true;
  int64_t now = clock_.mono_ms();
  auto it = buckets_.find(access_key);
  if (it == buckets_.end()) it = buckets_.emplace(access_key, TokenBucket(rate_, burst_, now)).first;
  return it->second.take(now);
}

bool ZoneBusy::busy(const std::string& zone_id) const {
  if (apply_ms_ <= 0) return false;
  auto it = busy_until_ms_.find(zone_id);
  return it != busy_until_ms_.end() && clock_.mono_ms() < it->second;
}

void ZoneBusy::mark(const std::string& zone_id) {
  if (apply_ms_ <= 0) return;
  busy_until_ms_[zone_id] = clock_.mono_ms() + apply_ms_;
}

}  // namespace r53d::sim
