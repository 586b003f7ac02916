// Route 53's request rate limit as the simulator models it: a token bucket per access key
// (400 Throttling "Rate exceeded", route53-api.md §5.3). PriorRequestNotComplete (the per-zone
// apply time) is the Store's business (StoreOptions::apply_time_ms).
//
//   RateLimiter rl(5, 5, clock);            // 5 requests/s, burst 5
//   if (!rl.allow(access_key)) -> 400 Throttling
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "util/clock.h"

namespace r53d::sim {

// Classic token bucket on a monotonic clock: refills rate_per_s tokens per second up to burst.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, int64_t now_ms)
      : rate_per_ms_(rate_per_s / 1000.0), burst_(burst), tokens_(burst), last_ms_(now_ms) {}
  // Takes one token if there is one; false means "over the limit".
  bool take(int64_t now_ms);

 private:
  double rate_per_ms_;
  double burst_;
  double tokens_;
  int64_t last_ms_;
};

// One bucket per access key. rate 0 disables limiting. The clock is borrowed.
class RateLimiter {
 public:
  RateLimiter(double rate_per_s, double burst, const Clock& clock)
      : rate_(rate_per_s), burst_(burst), clock_(clock) {}
  bool enabled() const { return rate_ > 0; }
  bool allow(const std::string& access_key);

 private:
  double rate_;
  double burst_;
  const Clock& clock_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

}  // namespace r53d::sim
