// TokenBucket arithmetic and the loop-driven RateLimiter (FIFO per key, round-robin across keys).
#include "r53/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "util/log.h"

namespace r53d::r53 {

TokenBucket::TokenBucket(double rate_per_s, double burst, int64_t now_ms)
    : rate_u_per_ms_(rate_per_s > 0 ? std::max<int64_t>(1, std::llround(rate_per_s * 1000.0)) : 0),
      burst_u_(static_cast<int64_t>(std::llround(std::max(1.0, burst) * kUnit))),
      tokens_u_(burst_u_),
      last_ms_(now_ms) {}

void TokenBucket::refill(int64_t now_ms) {
  if (now_ms <= last_ms_) return;  // a clock that goes back adds nothing
  int64_t dt = now_ms - last_ms_;
  // Cap dt first so the product cannot overflow after a long idle period.
  int64_t full_ms = rate_u_per_ms_ ? burst_u_ / rate_u_per_ms_ + 1 : 0;
  tokens_u_ = std::min(burst_u_, tokens_u_ + std::min(dt, full_ms) * rate_u_per_ms_);
  last_ms_ = now_ms;
}

bool TokenBucket::try_take(int64_t now_ms) {
  if (rate_u_per_ms_ == 0) return true;
  refill(now_ms);
  if (tokens_u_ < kUnit) return false;
  tokens_u_ -= kUnit;
  return true;
}

int64_t TokenBucket::delay_ms(int64_t now_ms, int tokens) {
  if (rate_u_per_ms_ == 0) return 0;
  refill(now_ms);
  int64_t want = std::min(burst_u_, std::max<int64_t>(1, tokens) * kUnit);
  if (tokens_u_ >= want) return 0;
  return (want - tokens_u_ + rate_u_per_ms_ - 1) / rate_u_per_ms_;
}

void TokenBucket::drain(int64_t now_ms) {
  refill(now_ms);
  tokens_u_ = 0;
}

double TokenBucket::tokens(int64_t now_ms) {
  refill(now_ms);
  return static_cast<double>(tokens_u_) / kUnit;
}

RateLimiter::RateLimiter(loop::EventBase& loop, RateLimitOptions options)
    : loop_(loop),
      options_(options),
      bucket_(options.requests_per_second, options.burst, loop.now_ms() - options.margin_ms),
      timer_(loop, [this] { pump(); }) {}

uint64_t RateLimiter::acquire(const std::string& queue_key, std::function<void()> ready, Priority priority) {
  uint64_t ticket = next_ticket_++;
  if (priority == Priority::kBackground) {
    background_.push_back(Waiter{ticket, loop_.now_ms(), std::move(ready)});
    if (!timer_.pending()) timer_.start_once(0);
    return ticket;
  }
  auto& q = queues_[queue_key];
  if (q.empty()) rotation_.push_back(queue_key);
  q.push_back(Waiter{ticket, loop_.now_ms(), std::move(ready)});
  waiting_++;
  stats_.max_waiting = std::max(stats_.max_waiting, waiting_);
  // Grant from the loop, never from inside acquire().
  if (!timer_.pending()) timer_.start_once(0);
  return ticket;
}

void RateLimiter::cancel(uint64_t ticket) {
  for (auto w = background_.begin(); w != background_.end(); ++w) {
    if (w->ticket == ticket) {
      background_.erase(w);
      return;
    }
  }
  for (auto it = rotation_.begin(); it != rotation_.end(); ++it) {
    auto& q = queues_[*it];
    for (auto w = q.begin(); w != q.end(); ++w) {
      if (w->ticket != ticket) continue;
      q.erase(w);
      waiting_--;
      if (q.empty()) {
        queues_.erase(*it);
        rotation_.erase(it);
      }
      return;
    }
  }
}

void RateLimiter::on_throttled() {
  stats_.drained++;
  bucket_.drain(loop_.clock().mono_ms() - options_.margin_ms);
}

int64_t RateLimiter::delay_ms(int tokens) {
  return bucket_.delay_ms(loop_.clock().mono_ms() - options_.margin_ms,
                          std::max(1, tokens) + static_cast<int>(waiting_));
}

void RateLimiter::pump() {
  while (!rotation_.empty() || !background_.empty()) {
    // Not the cached turn time (it may be stale here), and margin_ms behind (see the header).
    int64_t now = loop_.clock().mono_ms() - options_.margin_ms;
    int64_t delay = bucket_.delay_ms(now);
    if (delay > 0) {
      timer_.start_once(delay);
      return;
    }
    int64_t real_now = now + options_.margin_ms;
    bool overdue = !background_.empty() && options_.background_max_wait_ms > 0 &&
                   real_now - background_.front().since_ms >= options_.background_max_wait_ms;
    if (rotation_.empty() || overdue) {
      Waiter w = std::move(background_.front());
      background_.pop_front();
      (void)bucket_.try_take(now);
      stats_.granted++;
      stats_.background++;
      if (overdue && !rotation_.empty()) stats_.background_overdue++;
      try {
        w.ready();
      } catch (const std::exception& e) {
        log::error("rate limiter: callback threw: %s", e.what());
      }
      continue;
    }
    std::string key = rotation_.front();
    rotation_.pop_front();
    auto& q = queues_[key];
    Waiter w = std::move(q.front());
    q.pop_front();
    if (q.empty()) {
      queues_.erase(key);
    } else {
      rotation_.push_back(key);  // round-robin: this key goes to the back
    }
    waiting_--;
    (void)bucket_.try_take(now);
    stats_.granted++;
    if (real_now > w.since_ms) {
      stats_.waited++;
      stats_.total_wait_ms += real_now - w.since_ms;
    }
    // The callback may acquire or cancel; our state is consistent at this point.
    try {
      w.ready();
    } catch (const std::exception& e) {
      log::error("rate limiter: callback threw: %s", e.what());
    }
  }
}

}  // namespace r53d::r53
