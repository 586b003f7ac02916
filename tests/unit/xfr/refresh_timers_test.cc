// Tests for the SOA timer arithmetic: clamps (BIND defaults and short test limits), 25% jitter with
// fixed draws, the no-SOA back-off, the expire deadline.
#include "xfr/refresh_timers.h"

#include <gtest/gtest.h>

#include <vector>

namespace r53d::xfr {
namespace {

UniformRng fixed(double v) {
  return [v] { return v; };
}

TEST(RefreshTimers, ClampTableWithBindDefaults) {
  struct Row {
    SoaTimers raw, want;
  };
  const std::vector<Row> rows = {
      // Inside every range: unchanged.
      {{3600, 900, 1'209'600}, {3600, 900, 1'209'600}},
      // Below the minimums: refresh 300, retry 500, expire at least refresh + retry.
      {{1, 1, 1}, {300, 500, 800}},
      {{0, 0, 0}, {300, 500, 800}},
      // Above the maximums: 4 weeks, 2 weeks, 24 weeks.
      {{UINT32_MAX, UINT32_MAX, UINT32_MAX}, {2'419'200, 1'209'600, 14'515'200}},
      // Expire below refresh + retry of the clamped values.
      {{86400, 7200, 90000}, {86400, 7200, 93600}},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(clamp_timers(r.raw, RefreshLimits{}), r.want)
        << r.raw.refresh_s << "/" << r.raw.retry_s << "/" << r.raw.expire_s;
  }
}

TEST(RefreshTimers, ClampWithShortTestLimits) {
  RefreshLimits l{.min_refresh_s = 1, .max_refresh_s = 10, .min_retry_s = 1, .max_retry_s = 5,
                  .min_expire_s = 30, .max_expire_s = 60};
  EXPECT_EQ(clamp_timers({2, 1, 3}, l), (SoaTimers{2, 1, 30}));        // min_expire above refresh+retry
  EXPECT_EQ(clamp_timers({7200, 900, 86400}, l), (SoaTimers{10, 5, 60}));
  // A minimum above its maximum: the maximum wins.
  RefreshLimits bad{.min_refresh_s = 100, .max_refresh_s = 10};
  EXPECT_EQ(clamp_timers({50, 600, 10000}, bad).refresh_s, 10u);
}

TEST(RefreshTimers, JitterTakesAtMostAQuarter) {
  struct Row {
    uint32_t interval_s;
    double draw;
    int64_t want_ms;
  };
  const std::vector<Row> rows = {
      {3600, 0.0, 3'600'000},      // no jitter
      {3600, 0.5, 3'150'000},      // 12.5% off
      {3600, 0.999, 2'700'900},    // just under 25% off
      {300, 0.25, 281'250},
      {0, 0.5, 1},                 // never 0 ms
  };
  for (const auto& r : rows) EXPECT_EQ(jittered_ms(r.interval_s, fixed(r.draw)), r.want_ms) << r.interval_s << " " << r.draw;
  auto rng = make_seeded_rng(7);
  for (int i = 0; i < 1000; ++i) {
    int64_t d = jittered_ms(1000, rng);
    EXPECT_GT(d, 750'000);
    EXPECT_LE(d, 1'000'000);
  }
}

TEST(RefreshTimers, BackoffDoublesUpToTheCap) {
  RefreshLimits l;  // 60 s, 6 h
  const std::vector<std::pair<int, uint32_t>> rows = {
      {1, 60}, {2, 120}, {3, 240}, {8, 7680}, {9, 15360}, {10, 21600}, {1000, 21600}};
  for (auto [failures, want] : rows) EXPECT_EQ(backoff_interval_s(failures, l), want) << failures;
  RefreshLimits fast{.initial_retry_s = 1, .max_initial_retry_s = 4};
  EXPECT_EQ(backoff_interval_s(1, fast), 1u);
  EXPECT_EQ(backoff_interval_s(3, fast), 4u);
  EXPECT_EQ(backoff_interval_s(4, fast), 4u);
}

TEST(RefreshTimers, BeforeAnySoaRetriesBackOff) {
  RefreshTimers t(RefreshLimits{}, fixed(0.0));
  EXPECT_FALSE(t.have_timers());
  EXPECT_EQ(t.retry_delay_ms(), 60'000);
  EXPECT_EQ(t.refresh_delay_ms(), 60'000);  // nothing known yet: same as a retry
  t.on_failure();
  EXPECT_EQ(t.retry_delay_ms(), 60'000);
  t.on_failure();
  EXPECT_EQ(t.retry_delay_ms(), 120'000);
  for (int i = 0; i < 20; ++i) t.on_failure();
  EXPECT_EQ(t.retry_delay_ms(), 21'600'000);
  EXPECT_FALSE(t.expire_deadline_ms().has_value());
  EXPECT_FALSE(t.expired(INT64_MAX));
}

TEST(RefreshTimers, AfterSuccessRefreshRetryAndExpire) {
  RefreshTimers t(RefreshLimits{}, fixed(0.5));
  t.on_failure();
  t.on_success({7200, 900, 1'209'600}, 1'000'000);
  EXPECT_EQ(t.failures(), 0);
  EXPECT_EQ(t.refresh_delay_ms(), 7'200'000 - 900'000);  // minus 12.5%
  EXPECT_EQ(t.retry_delay_ms(), 900'000 - 112'500);
  ASSERT_TRUE(t.expire_deadline_ms().has_value());
  EXPECT_EQ(*t.expire_deadline_ms(), 1'000'000 + 1'209'600'000LL);
  EXPECT_FALSE(t.expired(1'000'000 + 1'209'600'000LL - 1));
  EXPECT_TRUE(t.expired(1'000'000 + 1'209'600'000LL));
  // Failures after a success retry at RETRY, not the back-off; expire stays where it was.
  t.on_failure();
  t.on_failure();
  EXPECT_EQ(t.retry_delay_ms(), 900'000 - 112'500);
  EXPECT_EQ(*t.expire_deadline_ms(), 1'000'000 + 1'209'600'000LL);
  // A later success moves the deadline.
  t.on_success({7200, 900, 1'209'600}, 5'000'000);
  EXPECT_EQ(*t.expire_deadline_ms(), 5'000'000 + 1'209'600'000LL);
}

TEST(RefreshTimers, SetTimersEndsTheBackoffWithoutStartingExpire) {
  RefreshTimers t(RefreshLimits{}, fixed(0.0));
  t.set_timers({10, 10, 10});  // clamped to 300/500/800
  EXPECT_TRUE(t.have_timers());
  EXPECT_EQ(t.timers(), (SoaTimers{300, 500, 800}));
  EXPECT_EQ(t.retry_delay_ms(), 500'000);
  EXPECT_FALSE(t.expire_deadline_ms().has_value());
}

TEST(RefreshTimers, SoaTimersFromRecord) {
  ldns_rr* rr = nullptr;
  ASSERT_EQ(ldns_rr_new_frm_str(&rr, "example.com. 300 IN SOA ns. admin. 42 7200 900 1209600 300", 0, nullptr, nullptr),
            LDNS_STATUS_OK);
  dns::RrPtr soa(rr);
  auto t = soa_timers(soa.get());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (SoaTimers{7200, 900, 1'209'600}));
  ASSERT_EQ(ldns_rr_new_frm_str(&rr, "example.com. 300 IN A 192.0.2.1", 0, nullptr, nullptr), LDNS_STATUS_OK);
  dns::RrPtr a(rr);
  EXPECT_FALSE(soa_timers(a.get()).ok());
  EXPECT_FALSE(soa_timers(nullptr).ok());
}

}  // namespace
}  // namespace r53d::xfr
