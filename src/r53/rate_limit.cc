// TokenBucket arithmetic, the AIMD AdaptiveRate, and the loop-driven RateLimiter (FIFO per key,
// round-robin across keys).
#include "r53/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

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

void TokenBucket::set_rate(double rate_per_s, int64_t now_ms) {
  refill(now_ms);
  rate_u_per_ms_ = rate_per_s > 0 ? std::max<int64_t>(1, std::llround(rate_per_s * 1000.0)) : 0;
}

namespace {
int64_t milli(double per_s) { return std::max<int64_t>(1, std::llround(per_s * 1000.0)); }

// "4", "2.4", "0.125", "1000": a rate kept in thousandths, without trailing zeros.
std::string rate_text(double per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", per_s);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

AdaptiveRate::AdaptiveRate(double configured_per_s, RateAdaptOptions options, int64_t now_ms)
    : options_(options),
      configured_m_(milli(configured_per_s)),
      floor_m_(std::min(configured_m_, milli(options.min_requests_per_second))),
      step_m_(milli(configured_per_s * options.increase_fraction)),
      rate_m_(configured_m_),
      last_change_ms_(now_ms),
      last_decrease_ms_(now_ms) {}

bool AdaptiveRate::advance(int64_t now_ms) {
  if (rate_m_ >= configured_m_ || options_.quiet_ms <= 0) return false;
  int64_t steps = (now_ms - last_change_ms_) / options_.quiet_ms;
  if (steps <= 0) return false;
  int64_t missing = configured_m_ - rate_m_;
  int64_t needed = (missing + step_m_ - 1) / step_m_;
  if (steps >= needed) {
    rate_m_ = configured_m_;
  } else {
    rate_m_ += steps * step_m_;
  }
  last_change_ms_ += std::min(steps, needed) * options_.quiet_ms;
  return true;
}

bool AdaptiveRate::on_throttled(int64_t now_ms, int64_t granted_ms) {
  bool changed = advance(now_ms);
  // Granted before the last decrease: sent at the old rate, so it tells nothing new.
  if (decreased_ && granted_ms < last_decrease_ms_) return changed;
  int64_t lowered = std::max<int64_t>(
      floor_m_, std::llround(static_cast<double>(rate_m_) * options_.decrease_factor));
  // Even at the floor, a Throttling answer restarts the quiet period.
  last_change_ms_ = now_ms;
  last_decrease_ms_ = now_ms;
  decreased_ = true;
  if (lowered >= rate_m_) return changed;
  rate_m_ = lowered;
  return true;
}

RateLimiter::RateLimiter(loop::EventBase& loop, RateLimitOptions options)
    : loop_(loop),
      options_(options),
      bucket_(options.requests_per_second, options.burst, loop.now_ms() - options.margin_ms),
      timer_(loop, [this] { pump(); }) {
  if (options.requests_per_second > 0 && options.adapt.enabled) {
    adaptive_.emplace(options.requests_per_second, options.adapt, loop.clock().mono_ms());
  }
}

void RateLimiter::adapt(int64_t now_ms) {
  if (adaptive_ && adaptive_->advance(now_ms)) apply_rate(now_ms, false);
}

void RateLimiter::apply_rate(int64_t now_ms, bool lowered) {
  double rate = adaptive_->rate_per_s();
  bucket_.set_rate(rate, now_ms - options_.margin_ms);
  std::string now_text = rate_text(rate), configured = rate_text(adaptive_->configured_per_s());
  long long quiet_s = static_cast<long long>(options_.adapt.quiet_ms / 1000);
  // Notice, not warning: route53d copes by itself, and one-shot modes print warnings only.
  if (lowered) {
    stats_.rate_decreases++;
    log::notice("route53: Route 53 throttled us: request rate lowered to %s/s (configured %s/s)",
                now_text.c_str(), configured.c_str());
  } else if (rate >= adaptive_->configured_per_s()) {
    stats_.rate_increases++;
    log::notice("route53: no throttling for %lld s: request rate back to the configured %s/s",
                quiet_s, now_text.c_str());
  } else {
    stats_.rate_increases++;
    log::info("route53: no throttling for %lld s: request rate raised to %s/s (configured %s/s)",
              quiet_s, now_text.c_str(), configured.c_str());
  }
}

double RateLimiter::rate_per_s() {
  if (!adaptive_) return options_.requests_per_second > 0 ? options_.requests_per_second : 0;
  adapt(loop_.clock().mono_ms());
  return adaptive_->rate_per_s();
}

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

void RateLimiter::on_throttled() { on_throttled(loop_.clock().mono_ms()); }

void RateLimiter::on_throttled(int64_t granted_ms) {
  int64_t now = loop_.clock().mono_ms();
  stats_.drained++;
  if (adaptive_) {
    double before = adaptive_->rate_per_s();
    if (adaptive_->on_throttled(now, granted_ms)) apply_rate(now, adaptive_->rate_per_s() < before);
  }
  bucket_.drain(now - options_.margin_ms);
}

int64_t RateLimiter::delay_ms(int tokens) {
  adapt(loop_.clock().mono_ms());
  return bucket_.delay_ms(loop_.clock().mono_ms() - options_.margin_ms,
                          std::max(1, tokens) + static_cast<int>(waiting_));
}

void RateLimiter::pump() {
  while (!rotation_.empty() || !background_.empty()) {
    // Not the cached turn time (it may be stale here), and margin_ms behind (see the header).
    adapt(loop_.clock().mono_ms());
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
