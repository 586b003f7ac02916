// SOA timer arithmetic of a secondary zone (dns-protocol.md §5.1, BIND lib/dns/zone.c): clamping
// the SOA's REFRESH/RETRY/EXPIRE, the jittered delay to the next refresh or retry, the back-off
// used while no SOA is known, and the expire deadline. Pure: no loop, no clock (times are passed
// in), randomness injected.
//
//   xfr::RefreshTimers timers(xfr::RefreshLimits{}, make_system_rng());
//   timers.on_success(*xfr::soa_timers(soa_rr), loop.now_ms());   // SOA checked or zone transferred
//   refresh_timer.start_once(timers.refresh_delay_ms());
//   ...
//   refresh_timer.start_once(timers.retry_delay_ms());             // after a failed refresh
//   if (timers.expired(loop.now_ms())) ...                         // stop claiming the data is current
//
// BIND's rules, kept: REFRESH clamped to [min_refresh, max_refresh], RETRY to [min_retry,
// max_retry], EXPIRE to [max(min_expire, refresh + retry), max_expire]; the next refresh comes
// REFRESH minus up to 25% random jitter after a success, the next try RETRY minus up to 25% after
// a failure; before any SOA timers are known the retry interval starts at initial_retry_s and
// doubles after each failure up to max_initial_retry_s (6 h).
#pragma once

#include <cstdint>
#include <optional>

#include "dns/ldns_ptr.h"
#include "util/clock.h"
#include "util/status.h"

namespace r53d::xfr {

struct RefreshLimits {
  uint32_t min_refresh_s = 300;             // BIND min-refresh-time
  uint32_t max_refresh_s = 2'419'200;       // 4 weeks, BIND max-refresh-time
  uint32_t min_retry_s = 500;               // BIND min-retry-time
  uint32_t max_retry_s = 1'209'600;         // 2 weeks, BIND max-retry-time
  uint32_t min_expire_s = 0;                // expire is never below refresh + retry either (BIND)
  uint32_t max_expire_s = 14'515'200;       // 24 weeks, BIND DNS_MAX_EXPIRE
  uint32_t initial_retry_s = 60;            // first back-off step while no SOA is known
  uint32_t max_initial_retry_s = 21'600;    // back-off cap while no SOA is known (6 h, BIND)
};

// The three timers of an SOA, in seconds.
struct SoaTimers {
  uint32_t refresh_s = 0;
  uint32_t retry_s = 0;
  uint32_t expire_s = 0;
  bool operator==(const SoaTimers&) const = default;
};

// REFRESH, RETRY and EXPIRE of an SOA RR (borrowed). Errors: kInvalidArgument if `soa` is not an
// SOA with its 7 fields.
Result<SoaTimers> soa_timers(const ldns_rr* soa);

// `raw` clamped by `limits` as described above. If a minimum exceeds its maximum, the maximum wins.
SoaTimers clamp_timers(const SoaTimers& raw, const RefreshLimits& limits);

// `interval_s` seconds minus up to 25% jitter, in ms: interval_ms - floor(rng() * interval_ms / 4),
// rng() uniform in [0, 1). Never below 1 ms.
int64_t jittered_ms(uint32_t interval_s, const UniformRng& rng);

// The retry interval after `failures` (>= 1) consecutive failures while no SOA is known:
// min(initial_retry_s * 2^(failures-1), max_initial_retry_s), before jitter.
uint32_t backoff_interval_s(int failures, const RefreshLimits& limits);

// One zone's timer state: what the last SOA said and when the last refresh succeeded.
class RefreshTimers {
 public:
  RefreshTimers(RefreshLimits limits, UniformRng rng);

  // Remembers the (clamped) timers of the zone's current SOA without counting a success: e.g. the
  // SOA found in the zone's store at start. Ends the no-SOA back-off.
  void set_timers(const SoaTimers& raw);
  // A refresh succeeded at now_ms (monotonic): the primary's SOA was checked (equal, or older) or
  // a transfer completed. `raw` are the timers of the SOA now current. Restarts the expire clock
  // and the failure count.
  void on_success(const SoaTimers& raw, int64_t now_ms);
  // A refresh failed (every primary). Counts the failure for the no-SOA back-off.
  void on_failure();

  // Delay to the next refresh after a success: REFRESH minus up to 25%. Before any timers are
  // known: the same as retry_delay_ms().
  int64_t refresh_delay_ms() const;
  // Delay to the next try after a failure: RETRY minus up to 25%; before any timers are known,
  // the back-off interval after failures() failures (at least one) minus up to 25%.
  int64_t retry_delay_ms() const;

  // Absolute monotonic ms at which the zone expires: last success + EXPIRE. nullopt before the
  // first success (nothing to expire from) or before any timers are known.
  std::optional<int64_t> expire_deadline_ms() const;
  // True once now_ms reached the expire deadline.
  bool expired(int64_t now_ms) const;

  bool have_timers() const { return have_timers_; }
  const SoaTimers& timers() const { return timers_; }  // clamped
  int failures() const { return failures_; }
  const RefreshLimits& limits() const { return limits_; }
  // New bounds (a configuration reload); they clamp the next SOA timers taken.
  void set_limits(RefreshLimits limits) { limits_ = limits; }

 private:
  RefreshLimits limits_;
  UniformRng rng_;
  SoaTimers timers_;
  bool have_timers_ = false;
  std::optional<int64_t> last_success_ms_;
  int failures_ = 0;
};

}  // namespace r53d::xfr
