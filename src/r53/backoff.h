// Retry policy for Route 53 calls: which failures to retry, and how long to wait before each retry.
//
// Exponential back-off with full jitter (route53-api.md §5.2, AWS "standard" mode): the delay
// before retry n (n = 1 for the first retry) is rng() * min(cap_ms, base_ms * 2^(n-1)), rng()
// uniform in [0, 1). Retried: Throttling (and the other throttling codes), PriorRequestNotComplete,
// HTTP 5xx, request timeouts and connection errors. Never retried: InvalidChangeBatch,
// InvalidInput, NoSuch*, AccessDenied and every other 4xx.
//
//   r53::Backoff backoff({.base_ms = 200, .cap_ms = 20000, .max_attempts = 8}, make_system_rng());
//   if (is_retryable_aws_error(status, code) && backoff.may_retry(attempts_so_far))
//     timer.start_once(backoff.delay_ms(attempts_so_far));
#pragma once

#include <cstdint>
#include <string_view>

#include "util/clock.h"
#include "util/status.h"

namespace r53d::r53 {

struct BackoffOptions {
  int64_t base_ms = 200;     // delay scale of the first retry
  int64_t cap_ms = 20000;    // no single delay is longer
  int max_attempts = 8;      // total attempts, the first one included (>= 1)
};

class Backoff {
 public:
  Backoff(BackoffOptions options, UniformRng rng);

  // True if another attempt may follow `attempts_done` attempts (1 after the first failure).
  bool may_retry(int attempts_done) const { return attempts_done < options_.max_attempts; }
  // The jittered delay before retry number `retry` (1 = the first retry).
  int64_t delay_ms(int retry);
  // The upper bound of delay_ms(retry): min(cap, base * 2^(retry-1)).
  int64_t ceiling_ms(int retry) const;
  const BackoffOptions& options() const { return options_; }
  void set_options(BackoffOptions options) { options_ = options; }

 private:
  BackoffOptions options_;
  UniformRng rng_;
};

// Throttling-type error codes (Throttling, ThrottlingException, RequestLimitExceeded, ...).
bool is_throttling_code(std::string_view aws_code);

// True for a failed HTTP exchange worth retrying: the throttling codes, PriorRequestNotComplete,
// RequestTimeout(Exception), HTTP 5xx, 429 and 509. Everything else (InvalidChangeBatch, any
// other 4xx) is final.
bool is_retryable_aws_error(long http_status, std::string_view aws_code);

// True for transport failures from HttpClient worth retrying: kUnavailable (refused, reset, DNS)
// and kDeadlineExceeded (timeouts). A response over the size cap or a bad URL is final.
bool is_retryable_transport(const Status& s);

// The r53d::Code for a final AWS error: kUnavailable for retryable ones (ran out of attempts),
// kNotFound for NoSuch*, kPermissionDenied for auth failures (403), kFailedPrecondition for
// PriorRequestNotComplete-like state conflicts (HostedZoneNotEmpty, HostedZoneAlreadyExists,
// ConflictingDomainExists, ...), kResourceExhausted for quota errors (TooMany*, LimitExceeded),
// kInvalidArgument for the rest (InvalidChangeBatch, InvalidInput, MalformedInput, ...).
Code code_for_aws_error(long http_status, std::string_view aws_code);

}  // namespace r53d::r53
