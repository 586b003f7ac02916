// Back-off delays and the classification of Route 53 errors.
#include "r53/backoff.h"

#include <algorithm>
#include <array>

namespace r53d::r53 {

Backoff::Backoff(BackoffOptions options, UniformRng rng) : options_(options), rng_(std::move(rng)) {
  options_.max_attempts = std::max(1, options_.max_attempts);
  options_.base_ms = std::max<int64_t>(0, options_.base_ms);
  options_.cap_ms = std::max<int64_t>(0, options_.cap_ms);
}

int64_t Backoff::ceiling_ms(int retry) const {
  if (retry < 1) retry = 1;
  int64_t d = options_.base_ms;
  for (int i = 1; i < retry && d < options_.cap_ms; i++) d *= 2;
  return std::min(d, options_.cap_ms);
}

int64_t Backoff::delay_ms(int retry) {
  double r = rng_ ? rng_() : 0.5;
  r = std::clamp(r, 0.0, 1.0);
  return static_cast<int64_t>(r * static_cast<double>(ceiling_ms(retry)));
}

bool is_throttling_code(std::string_view code) {
  static constexpr std::array<std::string_view, 12> kCodes = {
      "Throttling",           "ThrottlingException",        "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
      "RequestThrottled",     "SlowDown",                   "EC2ThrottledException"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

bool is_retryable_aws_error(long http_status, std::string_view code) {
  if (is_throttling_code(code)) return true;
  if (code == "PriorRequestNotComplete" || code == "RequestTimeout" ||
      code == "RequestTimeoutException") {
    return true;
  }
  // Never retry a rejected batch, whatever status it came with.
  if (code == "InvalidChangeBatch" || code == "InvalidInput") return false;
  return http_status >= 500 || http_status == 429 || http_status == 509;
}

bool is_retryable_transport(const Status& s) {
  return s.code() == Code::kUnavailable || s.code() == Code::kDeadlineExceeded;
}

Code code_for_aws_error(long http_status, std::string_view code) {
  if (is_retryable_aws_error(http_status, code)) return Code::kUnavailable;
  if (code.rfind("NoSuch", 0) == 0) return Code::kNotFound;
  if (code == "HostedZoneNotEmpty" || code == "HostedZoneAlreadyExists" ||
      code == "ConflictingDomainExists" || code == "DelegationSetNotAvailable" ||
      code == "DelegationSetNotReusable") {
    return Code::kFailedPrecondition;
  }
  if (code.rfind("TooMany", 0) == 0 || code == "LimitExceededException" ||
      code == "LimitsExceeded") {
    return Code::kResourceExhausted;
  }
  if (http_status == 401 || http_status == 403 || code == "AccessDenied" ||
      code == "AccessDeniedException" || code == "SignatureDoesNotMatch" ||
      code == "InvalidSignatureException" || code == "InvalidClientTokenId" ||
      code == "ExpiredToken" || code == "MissingAuthenticationToken" ||
      code == "UnrecognizedClientException") {
    return Code::kPermissionDenied;
  }
  if (http_status == 404) return Code::kNotFound;
  return Code::kInvalidArgument;
}

}  // namespace r53d::r53
