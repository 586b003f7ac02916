// Route 53's request limits as the simulator models them: a token bucket per access key
// (Throttling "Rate exceeded") and a per-zone apply time (PriorRequestNotComplete).
//
//   RateLimiter rl(5, 5, clock);            // 5 requests/s, burst 5
//   if (!rl.allow(access_key)) -> 400 Throttling
//   ZoneBusy busy(250, clock);              // each change takes 250 ms to apply
//   if (busy.busy(zone_id)) -> 400 PriorRequestNotComplete; else busy.mark(zone_id);
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

// Per hosted zone: the last accepted change is "being applied" for apply_time_ms.
class ZoneBusy {
 public:
  ZoneBusy(int64_t apply_time_ms, const Clock& clock) : apply_ms_(apply_time_ms), clock_(clock) {}
  bool busy(const std::string& zone_id) const;
  void mark(const std::string& zone_id);

 private:
  int64_t apply_ms_;
  const Clock& clock_;
  std::unordered_map<std::string, int64_t> busy_until_ms_;
};

}  // namespace r53d::sim
