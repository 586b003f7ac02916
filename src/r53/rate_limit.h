// Rate limiting for the Route 53 API: a token bucket per credential set, shared by every call,
// whose rate adapts to Route 53's Throttling answers.
//
// Route 53 allows about 5 requests per second per AWS account, all actions together
// (route53-api.md §5.1). TokenBucket is the pure arithmetic (injected time, exact tests);
// AdaptiveRate the pure additive-increase/multiplicative-decrease of the rate; RateLimiter puts
// both on the loop: callers wait in line and are woken when their token is due.
//
//   r53::RateLimiter limiter(loop, {.requests_per_second = 4, .burst = 4});
//   auto ticket = limiter.acquire("Z1PA6795UKMFR9", [&] { send_request(); });
//   limiter.cancel(ticket);          // gave up waiting: no callback
//   limiter.on_throttled(sent_ms);   // Route 53 answered Throttling to a request granted then
//
// Order: waiters with the same queue key are served first-in first-out; different keys (one
// per hosted zone, "" for everything else) are served round-robin, so one busy zone cannot
// starve the others. A token is consumed when the callback is called. Background waiters
// (Priority::kBackground: the mirror's slow re-read of each zone) yield to everything else: one
// is served only when no other waiter is queued, or when the oldest has waited
// background_max_wait_ms (so that a saturated account still gives them a small share).
//
//   limiter.acquire("Z1PA6795UKMFR9", [&] { read_page(); }, r53::RateLimiter::Priority::kBackground);
//
// Rate: starts at the configured rate. Each Throttling answer halves it (not below a floor of
// 1/s, or the configured rate if lower), unless the request was granted before the last
// decrease (its answer says nothing about the lowered rate). After quiet_ms (5 s) without a
// Throttling answer, it rises by a tenth of the configured rate, and again after each further
// quiet_ms, back to the configured rate and never above it. Each change is logged once.
//
//     configured --Throttling--> x0.5 --Throttling--> x0.25 ... floor
//          ^                       |
//          +--- +10% every 5 s ----+  (no Throttling meanwhile)
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <string>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "util/clock.h"

namespace r53d::r53 {

// Classic token bucket: `rate_per_s` tokens per second, at most `burst` stored. Starts full.
// Time is passed in (monotonic milliseconds), so the bucket itself never reads a clock.
// Arithmetic is exact (integer micro-tokens, rates to 1/1000 per second), so the bucket never
// runs ahead of a server counting the same rate: 5/s gives a token every 200 ms, not 199.999.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, int64_t now_ms);

  // Takes one token if one is available at now_ms.
  bool try_take(int64_t now_ms);
  // Milliseconds from now_ms until `tokens` tokens are available together (0 if they are now).
  // More than the burst can never be stored: asking for more waits for a full bucket.
  int64_t delay_ms(int64_t now_ms, int tokens = 1);
  // Empties the bucket (the server said we are over its limit: its bucket is empty too).
  void drain(int64_t now_ms);
  double tokens(int64_t now_ms);  // for tests and stats
  double rate_per_s() const { return static_cast<double>(rate_u_per_ms_) / 1000.0; }
  double burst() const { return static_cast<double>(burst_u_) / kUnit; }
  // Changes the rate from now_ms on (tokens earned until now_ms at the old rate are kept).
  // rate_per_s <= 0: unlimited.
  void set_rate(double rate_per_s, int64_t now_ms);

 private:
  static constexpr int64_t kUnit = 1'000'000;  // micro-tokens per token
  void refill(int64_t now_ms);
  int64_t rate_u_per_ms_;  // micro-tokens per millisecond = rate_per_s * 1000; 0: unlimited
  int64_t burst_u_;
  int64_t tokens_u_;
  int64_t last_ms_;
};

// How the limiter's rate follows Route 53's Throttling answers (see the top of this file).
struct RateAdaptOptions {
  bool enabled = true;
  // Each Throttling answer multiplies the rate by this (TCP's AIMD factor: the account's limit is
  // shared, so get out of the other tools' way fast; batches make a lower rate cheap for us).
  double decrease_factor = 0.5;
  // The rate never goes below this (nor below the configured rate when that is lower).
  double min_requests_per_second = 1.0;
  // Without a Throttling answer for this long after the last change, the rate rises...
  int64_t quiet_ms = 5000;
  // ... by this fraction of the configured rate (at least 1/1000 per second).
  double increase_fraction = 0.1;
};

// The additive-increase/multiplicative-decrease arithmetic, on injected time (monotonic ms).
// Rates are kept exactly, in thousandths of a request per second, as TokenBucket keeps them.
class AdaptiveRate {
 public:
  // configured_per_s > 0.
  AdaptiveRate(double configured_per_s, RateAdaptOptions options, int64_t now_ms);
  // Route 53 answered Throttling at now_ms to a request granted at granted_ms. Applies the
  // increases due first (advance). Returns true if the rate changed: lowered, unless it is at
  // the floor or the request was granted before the last decrease.
  bool on_throttled(int64_t now_ms, int64_t granted_ms);
  // Applies the increases due by now_ms: one step per whole quiet_ms since the last change, up
  // to the configured rate. Returns true if the rate changed.
  bool advance(int64_t now_ms);
  double rate_per_s() const { return static_cast<double>(rate_m_) / 1000.0; }
  double configured_per_s() const { return static_cast<double>(configured_m_) / 1000.0; }

 private:
  RateAdaptOptions options_;
  int64_t configured_m_;  // thousandths of a request per second
  int64_t floor_m_;
  int64_t step_m_;
  int64_t rate_m_;
  int64_t last_change_ms_;
  int64_t last_decrease_ms_;
  bool decreased_ = false;  // last_decrease_ms_ is set
};

struct RateLimitOptions {
  // Requests per second; <= 0: unlimited. 4, not the account's 5: leaves a fifth of the
  // account's rate to the other tools of the account (AWS CLI, Terraform, the console).
  double requests_per_second = 4.0;
  // Tokens that can accumulate while idle (>= 1). One less than the server's bucket (5): while
  // a request travels, the server's full bucket wastes its refill but ours does not, so with
  // equal sizes we drift one token ahead per slow request and get throttled (seen under load).
  double burst = 4.0;
  // Grants run this much behind the bucket, so scheduling and timing jitter between us and
  // the server does not make us look faster than the rate (costs margin/interval: ~1%).
  int64_t margin_ms = 2;
  RateAdaptOptions adapt{};
  // A background waiter that has waited this long goes before the others (0: never; it then
  // waits while anyone else does).
  int64_t background_max_wait_ms = 10000;
};

class RateLimiter {
 public:
  // Time comes from loop.clock() (monotonic). The loop must outlive the limiter.
  RateLimiter(loop::EventBase& loop, RateLimitOptions options);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Queues a request for one token; `ready` is called from the loop (never before acquire()
  // returns) when the token is granted. Returns a ticket for cancel() (never 0).
  enum class Priority { kNormal, kBackground };
  uint64_t acquire(const std::string& queue_key, std::function<void()> ready, Priority priority = Priority::kNormal);
  uint64_t acquire(std::function<void()> ready) { return acquire("", std::move(ready)); }
  // Removes a waiter; its callback is not called. Unknown or already granted tickets: no-op.
  void cancel(uint64_t ticket);
  // The server answered Throttling to a request granted at granted_ms (loop clock, monotonic):
  // empty the bucket so the next grants wait a full interval, and lower the rate (see the top).
  void on_throttled(int64_t granted_ms);
  // The same for a request granted now.
  void on_throttled();
  // The rate in force (the configured one unless Route 53 throttled us lately); 0: unlimited.
  double rate_per_s();
  // Milliseconds until `tokens` requests acquired now, behind everyone already waiting, could be
  // granted back to back (0: at once). A hint for callers that want two calls close together
  // (the group commit's re-read and the change request after it); nothing is reserved.
  int64_t delay_ms(int tokens);

  // Normal waiters queued (background ones are not counted: they go last).
  size_t waiting() const { return waiting_; }
  size_t background_waiting() const { return background_.size(); }

  struct Stats {
    uint64_t granted = 0;
    uint64_t waited = 0;         // grants that had to wait for a token
    int64_t total_wait_ms = 0;   // sum over grants of (grant time - acquire time)
    size_t max_waiting = 0;
    uint64_t drained = 0;        // on_throttled() calls
    uint64_t rate_decreases = 0;
    uint64_t rate_increases = 0;  // changes upwards (one may add several steps)
    uint64_t background = 0;     // grants to background waiters
    uint64_t background_overdue = 0;  // ... of which went first after background_max_wait_ms
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Waiter {
    uint64_t ticket;
    int64_t since_ms;
    std::function<void()> ready;
  };
  void pump();
  // Applies the rate increases due by now (raw monotonic ms) to the bucket, and logs them.
  void adapt(int64_t now_ms);
  // Gives the bucket adaptive_'s rate and logs the change.
  void apply_rate(int64_t now_ms, bool lowered);

  loop::EventBase& loop_;
  RateLimitOptions options_;
  TokenBucket bucket_;
  std::optional<AdaptiveRate> adaptive_;  // unset when unlimited or adaptation is off
  loop::Timer timer_;
  uint64_t next_ticket_ = 1;
  std::map<std::string, std::deque<Waiter>> queues_;
  std::list<std::string> rotation_;  // keys with waiters, in round-robin order
  size_t waiting_ = 0;
  std::deque<Waiter> background_;    // first-in first-out, served after the others
  Stats stats_;
};

}  // namespace r53d::r53
