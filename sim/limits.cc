// Token bucket and per-key rate limiter of route53-sim.
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

}  // namespace r53d::sim
