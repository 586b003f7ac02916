// Tests for Backoff delays (seeded/fixed randomness) and the classification of Route 53 errors.
#include "r53/backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace r53d::r53 {
namespace {

TEST(Backoff, CeilingDoublesUpToTheCap) {
  Backoff b({.base_ms = 100, .cap_ms = 1000, .max_attempts = 10}, nullptr);
  const std::vector<std::pair<int, int64_t>> table = {
      {1, 100}, {2, 200}, {3, 400}, {4, 800}, {5, 1000}, {6, 1000}, {60, 1000}};
  for (auto [retry, ceiling] : table) EXPECT_EQ(b.ceiling_ms(retry), ceiling) << retry;
}

TEST(Backoff, FullJitterScalesTheCeiling) {
  std::vector<double> draws = {0.0, 0.5, 0.999, 0.25};
  size_t i = 0;
  Backoff b({.base_ms = 100, .cap_ms = 20000, .max_attempts = 5}, [&] { return draws[i++]; });
  EXPECT_EQ(b.delay_ms(1), 0);      // 0.0 * 100
  EXPECT_EQ(b.delay_ms(2), 100);    // 0.5 * 200
  EXPECT_EQ(b.delay_ms(3), 399);    // 0.999 * 400
  EXPECT_EQ(b.delay_ms(8), 3200);   // 0.25 * 12800
}

TEST(Backoff, SeededRngIsReproducibleAndWithinBounds) {
  Backoff a({.base_ms = 100, .cap_ms = 5000, .max_attempts = 20}, make_seeded_rng(42));
  Backoff b({.base_ms = 100, .cap_ms = 5000, .max_attempts = 20}, make_seeded_rng(42));
  for (int r = 1; r <= 20; r++) {
    int64_t d = a.delay_ms(r);
    EXPECT_EQ(d, b.delay_ms(r));
    EXPECT_GE(d, 0);
    EXPECT_LT(d, a.ceiling_ms(r));
  }
}

TEST(Backoff, MaxAttemptsBoundsRetries) {
  Backoff b({.base_ms = 1, .cap_ms = 1, .max_attempts = 3}, nullptr);
  EXPECT_TRUE(b.may_retry(1));
  EXPECT_TRUE(b.may_retry(2));
  EXPECT_FALSE(b.may_retry(3));
  Backoff once({.base_ms = 1, .cap_ms = 1, .max_attempts = 0}, nullptr);  // clamped to 1
  EXPECT_FALSE(once.may_retry(1));
}

TEST(RetryClassification, Table) {
  struct Row {
    long status;
    const char* code;
    bool retry;
    Code final_code;
  };
  const std::vector<Row> rows = {
      {400, "Throttling", true, Code::kUnavailable},
      {400, "ThrottlingException", true, Code::kUnavailable},
      {400, "PriorRequestNotComplete", true, Code::kUnavailable},
      {500, "InternalFailure", true, Code::kUnavailable},
      {503, "ServiceUnavailable", true, Code::kUnavailable},
      {502, "", true, Code::kUnavailable},
      {429, "", true, Code::kUnavailable},
      {400, "RequestTimeout", true, Code::kUnavailable},
      {400, "InvalidChangeBatch", false, Code::kInvalidArgument},
      {500, "InvalidChangeBatch", false, Code::kInvalidArgument},
      {400, "InvalidInput", false, Code::kInvalidArgument},
      {400, "MalformedInput", false, Code::kInvalidArgument},
      {404, "NoSuchHostedZone", false, Code::kNotFound},
      {404, "NoSuchChange", false, Code::kNotFound},
      {404, "", false, Code::kNotFound},
      {403, "AccessDenied", false, Code::kPermissionDenied},
      {403, "SignatureDoesNotMatch", false, Code::kPermissionDenied},
      {403, "InvalidSignatureException", false, Code::kPermissionDenied},
      {400, "HostedZoneNotEmpty", false, Code::kFailedPrecondition},
      {409, "HostedZoneAlreadyExists", false, Code::kFailedPrecondition},
      {400, "TooManyHostedZones", false, Code::kResourceExhausted},
      {413, "", false, Code::kInvalidArgument},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(is_retryable_aws_error(r.status, r.code), r.retry) << r.status << " " << r.code;
    EXPECT_EQ(code_for_aws_error(r.status, r.code), r.final_code) << r.status << " " << r.code;
  }
}

TEST(RetryClassification, TransportFailures) {
  EXPECT_TRUE(is_retryable_transport(Status::unavailable("connection refused")));
  EXPECT_TRUE(is_retryable_transport(Status::deadline_exceeded("timeout")));
  EXPECT_FALSE(is_retryable_transport(Status::resource_exhausted("too big")));
  EXPECT_FALSE(is_retryable_transport(Status::invalid_argument("bad url")));
}

}  // namespace
}  // namespace r53d::r53
