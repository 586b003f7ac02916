// Tests for ChangePoller against a scripted Route 53: polling until INSYNC with growing
// intervals, newest change per zone, errors, give-up.
#include "r53/change_poller.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/r53/fake_route53.h"

namespace r53d::r53 {
namespace {

using namespace r53d::r53::fake;  // NOLINT

class ChangePollerTest : public ::testing::Test {
 protected:
  ChangePollerTest() : http_(loop_.base()), server_(loop_.base()) {
    Route53Options o;
    o.rate = {.requests_per_second = 0, .burst = 1};
    o.backoff = {.base_ms = 1, .cap_ms = 2, .max_attempts = 2};
    o.rng = [] { return 0.5; };
    client_ = std::make_unique<Route53Client>(loop_, http_, fixed_credentials(loop_),
                                              endpoint_for(server_.port), o);
  }
  // Answers GetChange for each change id: PENDING `pending[id]` times, then INSYNC.
  void serve_pending_counts() {
    server_.handler = [this](const Seen& s) {
      std::string id = s.uri.substr(s.uri.rfind('/') + 1);
      poll_times_[id].push_back(loop_.clock().mono_ms());
      if (pending_[id]-- > 0) return Reply{200, change_info_body("GetChangeResponse", "PENDING")};
      return Reply{200, change_info_body("GetChangeResponse", "INSYNC")};
    };
  }
  void run_for(int64_t ms) {
    loop::Timer stop(loop_, [this] { loop_.stop(); });
    stop.start_once(ms);
    loop_.run();
  }

  loop::EventBase loop_;
  HttpClient http_;
  FakeRoute53 server_;
  std::unique_ptr<Route53Client> client_;
  std::map<std::string, int> pending_;
  std::map<std::string, std::vector<int64_t>> poll_times_;
};

TEST_F(ChangePollerTest, PollsWithGrowingIntervalsUntilInsync) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 20, .max_interval_ms = 80, .growth = 2.0});
  pending_["C1"] = 4;
  serve_pending_counts();
  std::vector<ChangeDone> done;
  int64_t start = loop_.clock().mono_ms();
  poller.watch("/hostedzone/Z1", "/change/C1", [&](const ChangeDone& d) {
    done.push_back(d);
    loop_.stop();
  });
  run_for(3000);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].status.ok());
  EXPECT_EQ(done[0].change_id, "C1");
  EXPECT_EQ(done[0].polls, 5);
  EXPECT_FALSE(done[0].superseded);
  // Delays: 20, then 40, 80, 80, 80 (capped): about 300 ms in all.
  const auto& t = poll_times_["C1"];
  ASSERT_EQ(t.size(), 5u);
  // Lower bounds with 5 ms of slack: libevent schedules a timer from the time cached at the
  // start of the loop turn, so it may fire a few ms before "interval after the reply" (seen: 37
  // for 40 on a loaded machine); the points are the growth and the cap, not the millisecond.
  EXPECT_GE(t[0] - start, 15);
  EXPECT_GE(t[1] - t[0], 35);
  EXPECT_GE(t[2] - t[1], 75);
  EXPECT_GE(t[3] - t[2], 75);
  EXPECT_LT(t[3] - t[2], 150);  // capped, not 160
  EXPECT_GE(done[0].took_ms, 280);
  EXPECT_LT(done[0].took_ms, 1000);
  EXPECT_EQ(poller.zones_watched(), 0u);
}

TEST_F(ChangePollerTest, NewerChangeOfTheZoneReplacesTheOlder) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 20, .max_interval_ms = 40});
  pending_["C1"] = 100;  // would never finish on its own
  pending_["C2"] = 1;
  pending_["C9"] = 0;
  serve_pending_counts();
  std::vector<ChangeDone> done;
  auto record = [&](const ChangeDone& d) { done.push_back(d); };
  poller.watch("Z1", "C1", record);
  poller.watch("Z2", "C9", record);  // another zone, unaffected
  loop::Timer later(loop_, [&] { poller.watch("Z1", "C2", record); });
  later.start_once(50);
  run_for(400);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0].change_id, "C9");
  // C1 is reported when C2 is INSYNC, in watch order, and C1 is no longer polled after C2 came.
  EXPECT_EQ(done[1].change_id, "C1");
  EXPECT_TRUE(done[1].superseded);
  EXPECT_TRUE(done[1].status.ok());
  EXPECT_EQ(done[2].change_id, "C2");
  EXPECT_FALSE(done[2].superseded);
  EXPECT_GT(done[1].took_ms, done[2].took_ms);
  EXPECT_LE(poll_times_["C1"].size(), 3u);
  for (int64_t t : poll_times_["C1"]) EXPECT_LT(t, poll_times_["C2"].front());
}

TEST_F(ChangePollerTest, FinalErrorEndsTheWatch) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 5, .max_interval_ms = 10});
  server_.handler = [](const Seen&) { return Reply{404, error_body("NoSuchChange", "no such change")}; };
  std::vector<ChangeDone> done;
  poller.watch("Z1", "CX", [&](const ChangeDone& d) { done.push_back(d); });
  run_for(200);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status.code(), Code::kNotFound);
  EXPECT_EQ(done[0].status.message(), "NoSuchChange: no such change (request id body-req-id)");
}

TEST_F(ChangePollerTest, TransientErrorsKeepPollingAndGiveUpEnds) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 5, .max_interval_ms = 20, .growth = 2.0, .give_up_ms = 150});
  server_.handler = [](const Seen&) { return Reply{503, ""}; };
  std::vector<ChangeDone> done;
  poller.watch("Z1", "C1", [&](const ChangeDone& d) { done.push_back(d); });
  run_for(400);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status.code(), Code::kDeadlineExceeded) << done[0].status.to_string();
  EXPECT_GE(done[0].polls, 3);
  EXPECT_GE(done[0].took_ms, 145);
}

TEST_F(ChangePollerTest, ForgetZoneStopsPollingSilently) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 5, .max_interval_ms = 10});
  pending_["C1"] = 1000;
  serve_pending_counts();
  bool called = false;
  poller.watch("Z1", "C1", [&](const ChangeDone&) { called = true; });
  loop::Timer forget(loop_, [&] { poller.forget_zone("/hostedzone/Z1"); });
  forget.start_once(30);
  run_for(100);
  size_t polls = poll_times_["C1"].size();
  run_for(50);
  EXPECT_FALSE(called);
  EXPECT_EQ(poll_times_["C1"].size(), polls);
  EXPECT_EQ(poller.zones_watched(), 0u);
}

}  // namespace
}  // namespace r53d::r53
