// Tests for ChangePoller against a scripted Route 53: polling until INSYNC with growing
// intervals, one pinned change per zone (a newer change waits, older waiters settle with it), a
// steady stream of changes, errors, give-up.
#include "r53/change_poller.h"

#include <gtest/gtest.h>

#include <deque>
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

TEST_F(ChangePollerTest, PollInFlightIsNotCancelledByANewerWatch) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 20, .max_interval_ms = 40});
  std::vector<ChangeDone> done;
  auto record = [&](const ChangeDone& d) { done.push_back(d); };
  std::vector<std::string> polled;
  size_t done_before_c2_polled = 0;
  server_.handler = [&](const Seen& s) {
    std::string id = s.uri.substr(s.uri.rfind('/') + 1);
    polled.push_back(id);
    if (id == "C1") {
      // C1's GetChange is in flight: a newer change of the zone comes now, and its watch()
      // must not throw away the answer on its way.
      poller.watch("Z1", "C2", record);
    } else if (id == "C2") {
      done_before_c2_polled = done.size();
    }
    return Reply{200, change_info_body("GetChangeResponse", "INSYNC")};
  };
  poller.watch("Z1", "C1", record);
  poller.watch("Z2", "C9", record);  // another zone, unaffected
  run_for(300);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(polled, (std::vector<std::string>{"C1", "C9", "C2"}));
  EXPECT_EQ(done[0].change_id, "C1");
  EXPECT_TRUE(done[0].status.ok());
  EXPECT_FALSE(done[0].superseded) << "C1 confirmed by its own INSYNC, not through C2";
  EXPECT_EQ(done[0].polls, 1);
  EXPECT_EQ(done_before_c2_polled, 2u) << "C1 (and C9) done before C2 was polled";
  EXPECT_EQ(done[2].change_id, "C2");
  EXPECT_FALSE(done[2].superseded);
  EXPECT_EQ(poller.polls(), 3u);
}

TEST_F(ChangePollerTest, OlderWaitersFinishWhenTheNewerPinnedChangeIsInsync) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 20, .max_interval_ms = 40});
  pending_["C1"] = 1;
  pending_["C4"] = 1;
  serve_pending_counts();
  std::vector<ChangeDone> done;
  auto record = [&](const ChangeDone& d) { done.push_back(d); };
  poller.watch("/hostedzone/Z1", "/change/C1", record);
  // C2..C4 come while C1 is pinned: they wait; after C1, the newest (C4) is pinned and its INSYNC
  // settles C2 and C3, which are never polled themselves.
  loop::Timer later(loop_, [&] {
    poller.watch("/hostedzone/Z1", "/change/C2", record);
    poller.watch("/hostedzone/Z1", "/change/C3", record);
    poller.watch("/hostedzone/Z1", "/change/C4", record);
  });
  later.start_once(5);
  run_for(400);
  ASSERT_EQ(done.size(), 4u);
  std::vector<std::string> ids;
  for (const auto& d : done) ids.push_back(d.change_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"C1", "C2", "C3", "C4"}));
  EXPECT_FALSE(done[0].superseded);
  EXPECT_TRUE(done[1].superseded);
  EXPECT_TRUE(done[2].superseded);
  EXPECT_FALSE(done[3].superseded);
  for (const auto& d : done) EXPECT_TRUE(d.status.ok()) << d.change_id;
  EXPECT_EQ(poll_times_.count("C2") + poll_times_.count("C3"), 0u) << "older waiters are not polled";
  ASSERT_EQ(poll_times_["C1"].size(), 2u);
  ASSERT_EQ(poll_times_["C4"].size(), 2u);
  EXPECT_GE(poll_times_["C4"].front(), poll_times_["C1"].back());
  EXPECT_EQ(done[1].polls, 4) << "C2 waited through C1's two polls and C4's two";
  EXPECT_EQ(poller.zones_watched(), 0u);
}

// The bug of issue 13 ("dig SOA never shows a new serial while the zone is busy"), at a tenth of
// the scale: a change every 30 ms, Route 53 INSYNC 100 ms after a change, polls from 20 to 100 ms,
// GetChange answered after 5 ms. Re-arming the poller at every change (and cancelling its
// GetChange) never asked about a change old enough to be INSYNC: nothing was confirmed until the
// stream stopped. Now something is confirmed at least every (100 + 100) ms (checked with 2x
// slack for a loaded machine), one GetChange in flight, fewer GetChange than changes.
TEST_F(ChangePollerTest, ConfirmedSerialAdvancesUnderSteadyChanges) {
  const int64_t kEvery = 30, kInsync = 100, kMax = 100, kLatency = 5, kLoad = 1500;
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 20, .max_interval_ms = kMax});
  std::map<std::string, int64_t> accepted_at;
  int in_flight = 0, max_in_flight = 0, get_changes = 0;
  std::deque<std::unique_ptr<loop::Timer>> replies;
  server_.async_handler = [&](const Seen& s, std::function<void(const Reply&)> reply) {
    std::string id = s.uri.substr(s.uri.rfind('/') + 1);
    ++get_changes;
    max_in_flight = std::max(max_in_flight, ++in_flight);
    bool insync = loop_.clock().mono_ms() - accepted_at.at(id) >= kInsync;
    replies.push_back(std::make_unique<loop::Timer>(loop_, [&in_flight, reply, insync] {
      --in_flight;
      reply(Reply{200, change_info_body("GetChangeResponse", insync ? "INSYNC" : "PENDING")});
    }));
    replies.back()->start_once(kLatency);
  };
  int64_t start = loop_.clock().mono_ms();
  int confirmed = 0;                 // changes confirmed so far (they are confirmed in order)
  std::vector<int64_t> advanced_at;  // when `confirmed` grew, ms after the start
  int watched = 0;
  loop::Timer stream(loop_, [&] {
    if (loop_.clock().mono_ms() - start >= kLoad) return stream.cancel();
    std::string id = "C" + std::to_string(++watched);
    accepted_at[id] = loop_.clock().mono_ms();
    int n = watched;
    poller.watch("Z1", id, [&, n](const ChangeDone& d) {
      EXPECT_TRUE(d.status.ok()) << d.status.to_string();
      EXPECT_EQ(n, confirmed + 1) << "confirmed in acceptance order";
      confirmed = n;
      if (advanced_at.empty() || advanced_at.back() != loop_.clock().mono_ms() - start)
        advanced_at.push_back(loop_.clock().mono_ms() - start);
    });
  });
  stream.start_every(kEvery);
  run_for(kLoad + 500);
  EXPECT_EQ(confirmed, watched) << "every change confirmed in the end";
  std::vector<int64_t> during;
  for (int64_t t : advanced_at)
    if (t < kLoad) during.push_back(t);
  std::string seen;
  for (int64_t t : advanced_at) seen += std::to_string(t) + " ";
  EXPECT_GE(during.size(), static_cast<size_t>(kLoad / (2 * (kInsync + kMax)))) << "confirmed at (ms): " << seen;
  int64_t last = 0;
  for (int64_t t : during) {
    EXPECT_LE(t - last, 2 * (kInsync + kMax)) << "confirmed at (ms): " << seen;
    last = t;
  }
  EXPECT_EQ(max_in_flight, 1) << "one GetChange of the zone in flight at a time";
  EXPECT_LT(get_changes, watched) << "a GetChange per pinned change, not per change";
  EXPECT_EQ(static_cast<uint64_t>(get_changes), poller.polls());
}

TEST_F(ChangePollerTest, FinalErrorSettlesThePinnedChangeAndNewerOnesGoOn) {
  ChangePoller poller(loop_, *client_, {.first_poll_ms = 10, .max_interval_ms = 20});
  std::vector<ChangeDone> done;
  auto record = [&](const ChangeDone& d) { done.push_back(d); };
  server_.handler = [&](const Seen& s) {
    std::string id = s.uri.substr(s.uri.rfind('/') + 1);
    if (id == "C1") {
      poller.watch("Z1", "C2", record);  // accepted while C1's GetChange is in flight
      return Reply{404, error_body("NoSuchChange", "no such change")};
    }
    return Reply{200, change_info_body("GetChangeResponse", "INSYNC")};
  };
  poller.watch("Z1", "C1", record);
  run_for(200);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].change_id, "C1");
  EXPECT_EQ(done[0].status.code(), Code::kNotFound);
  EXPECT_EQ(done[1].change_id, "C2");
  EXPECT_TRUE(done[1].status.ok()) << "the newer change is polled in its turn";
  EXPECT_EQ(server_.seen.size(), 2u);
  EXPECT_EQ(poller.zones_watched(), 0u);
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
