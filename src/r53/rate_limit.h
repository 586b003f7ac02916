// Rate limiting for the Route 53 API: a token bucket per credential set, shared by every call.
//
// Route 53 allows about 5 requests per second per AWS account, all actions together
// (route53-api.md §5.1). TokenBucket is the pure arithmetic (injected time, exact tests);
// RateLimiter puts it on the loop: callers wait in line and are woken when their token is due.
//
//   r53::RateLimiter limiter(loop, {.requests_per_second = 5, .burst = 5});
//   auto ticket = limiter.acquire("Z1PA6795UKMFR9", [&] { send_request(); });
//   limiter.cancel(ticket);          // gave up waiting: no callback
//
// Order: waiters with the same queue key are served first-in first-out; different keys (one
// per hosted zone, "" for everything else) are served round-robin, so one busy zone cannot
// starve the others. A token is consumed when the callback is called. Background waiters
// (Priority::kBackground: the mirror's slow re-read of each zone) yield to everything else: one
// is served only when no other waiter is queued, or when the oldest has waited
// background_max_wait_ms (so that a saturated account still gives them a small share).
//
//   limiter.acquire("Z1PA6795UKMFR9", [&] { read_page(); }, r53::RateLimiter::Priority::kBackground);
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
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

 private:
  static constexpr int64_t kUnit = 1'000'000;  // micro-tokens per token
  void refill(int64_t now_ms);
  int64_t rate_u_per_ms_;  // micro-tokens per millisecond = rate_per_s * 1000; 0: unlimited
  int64_t burst_u_;
  int64_t tokens_u_;
  int64_t last_ms_;
};

struct RateLimitOptions {
  double requests_per_second = 5.0;  // <= 0: unlimited
  // Tokens that can accumulate while idle (>= 1). One less than the server's bucket (5): while
  // a request travels, the server's full bucket wastes its refill but ours does not, so with
  // equal sizes we drift one token ahead per slow request and get throttled (seen under load).
  double burst = 4.0;
  // Grants run this much behind the bucket, so scheduling and timing jitter between us and
  // the server does not make us look faster than the rate (costs margin/interval: ~1%).
  int64_t margin_ms = 2;
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
  // The server answered Throttling: empty the bucket so the next grants wait a full interval.
  void on_throttled();
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
  void schedule(int64_t delay_ms);

  loop::EventBase& loop_;
  RateLimitOptions options_;
  TokenBucket bucket_;
  loop::Timer timer_;
  uint64_t next_ticket_ = 1;
  std::map<std::string, std::deque<Waiter>> queues_;
  std::list<std::string> rotation_;  // keys with waiters, in round-robin order
  size_t waiting_ = 0;
  std::deque<Waiter> background_;    // first-in first-out, served after the others
  Stats stats_;
};

}  // namespace r53d::r53
