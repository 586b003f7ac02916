// SOA timer arithmetic: clamps, jitter, no-SOA back-off, expire deadline. See refresh_timers.h.
#include "xfr/refresh_timers.h"

#include <algorithm>
#include <cmath>

namespace r53d::xfr {

namespace {

uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi) {
  if (lo > hi) lo = hi;  // a misconfigured pair: the maximum wins
  return std::clamp(v, lo, hi);
}

}  // namespace

Result<SoaTimers> soa_timers(const ldns_rr* soa) {
  if (!soa || ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(soa) != 7) {
    return Status::invalid_argument("not an SOA record with 7 fields");
  }
  SoaTimers t;
  uint32_t* fields[3] = {&t.refresh_s, &t.retry_s, &t.expire_s};
  for (size_t i = 0; i < 3; ++i) {
    const ldns_rdf* f = ldns_rr_rdf(soa, 3 + i);
    if (!f || ldns_rdf_size(f) != 4) return Status::invalid_argument("SOA timer field is not 32 bits");
    *fields[i] = ldns_rdf2native_int32(f);
  }
  return t;
}

SoaTimers clamp_timers(const SoaTimers& raw, const RefreshLimits& limits) {
  SoaTimers t;
  t.refresh_s = clamp_u32(raw.refresh_s, limits.min_refresh_s, limits.max_refresh_s);
  t.retry_s = clamp_u32(raw.retry_s, limits.min_retry_s, limits.max_retry_s);
  // BIND: RANGE(expire, refresh + retry, DNS_MAX_EXPIRE): expiring before one refresh and one
  // retry could have run would expire a zone whose primary was only briefly away.
  uint64_t floor = std::max<uint64_t>(limits.min_expire_s, uint64_t{t.refresh_s} + t.retry_s);
  uint32_t lo = static_cast<uint32_t>(std::min<uint64_t>(floor, UINT32_MAX));
  t.expire_s = clamp_u32(raw.expire_s, lo, limits.max_expire_s);
  return t;
}

int64_t jittered_ms(uint32_t interval_s, const UniformRng& rng) {
  int64_t ms = int64_t{interval_s} * 1000;
  double r = rng ? rng() : 0.0;
  if (r < 0.0) r = 0.0;
  if (r >= 1.0) r = 0.999999;
  int64_t jitter = static_cast<int64_t>(std::floor(r * static_cast<double>(ms) / 4));
  return std::max<int64_t>(1, ms - jitter);
}

uint32_t backoff_interval_s(int failures, const RefreshLimits& limits) {
  uint64_t v = std::max<uint32_t>(limits.initial_retry_s, 1);
  for (int i = 1; i < failures && v < limits.max_initial_retry_s; ++i) v *= 2;
  return static_cast<uint32_t>(std::min<uint64_t>(v, limits.max_initial_retry_s));
}

RefreshTimers::RefreshTimers(RefreshLimits limits, UniformRng rng) : limits_(limits), rng_(std::move(rng)) {}

void RefreshTimers::set_timers(const SoaTimers& raw) {
  timers_ = clamp_timers(raw, limits_);
  have_timers_ = true;
}

void RefreshTimers::on_success(const SoaTimers& raw, int64_t now_ms) {
  set_timers(raw);
  last_success_ms_ = now_ms;
  failures_ = 0;
}

void RefreshTimers::on_failure() { ++failures_; }

int64_t RefreshTimers::refresh_delay_ms() const {
  if (!have_timers_) return retry_delay_ms();
  return jittered_ms(timers_.refresh_s, rng_);
}

int64_t RefreshTimers::retry_delay_ms() const {
  if (!have_timers_) return jittered_ms(backoff_interval_s(std::max(failures_, 1), limits_), rng_);
  return jittered_ms(timers_.retry_s, rng_);
}

std::optional<int64_t> RefreshTimers::expire_deadline_ms() const {
  if (!have_timers_ || !last_success_ms_) return std::nullopt;
  return *last_success_ms_ + int64_t{timers_.expire_s} * 1000;
}

bool RefreshTimers::expired(int64_t now_ms) const {
  auto d = expire_deadline_ms();
  return d && now_ms >= *d;
}

}  // namespace r53d::xfr
