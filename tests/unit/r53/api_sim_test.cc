// End-to-end tests of Route53Client against the real route53-sim (started per test on
// 127.0.0.1, port chosen by the kernel, stopped by pid): every operation, SigV4 accepted and
// refused, paging through weighted groups, faults, the 5 requests/s pacing; also prints
// throughput figures. They run only when $ROUTE53_SIM names the simulator, as in the system test
// tests/system/client/api_sim.test (so a plain unit run stays fast); otherwise they are skipped.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/api.h"
#include "r53/batch_builder.h"
#include "r53/change_poller.h"

namespace r53d::r53 {
namespace {

constexpr const char* kAkid = "AKIDSIMTEST";
constexpr const char* kSecret = "simsecretsimsecretsimsecret";
constexpr const char* kZoneId = "Z0SIMTESTZONE1";

std::string sim_path() {
  const char* env = std::getenv("ROUTE53_SIM");
  return env && *env ? env : "";
}

// route53-sim as a child process; its port is read from the "listening on ADDR" line.
class SimProcess {
 public:
  bool start(std::vector<std::string> extra) {
    std::string path = sim_path();
    if (path.empty()) return false;
    int out[2];
    if (pipe(out) != 0) return false;
    std::vector<std::string> args = {path, "--listen", "127.0.0.1:0", "--quiet",
                                     "--credentials", std::string(kAkid) + ":" + kSecret,
                                     "--zone", std::string("example.com=") + kZoneId};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
      close(out[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[256];
    bool ok = false;
    while (fgets(line, sizeof(line), f)) {
      std::string l(line);
      auto p = l.find("listening on ");
      if (p == std::string::npos) continue;
      auto colon = l.rfind(':');
      port_ = std::atoi(l.c_str() + colon + 1);
      ok = port_ > 0;
      break;
    }
    fclose(f);  // the sim prints nothing more on stdout
    return ok;
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

Endpoint sim_endpoint(int port) {
  Endpoint ep;
  ep.scheme = "http";
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.host_header = "127.0.0.1:" + std::to_string(port);
  ep.base_url = "http://" + ep.host_header;
  ep.region = ep.signing_region = "us-east-1";
  ep.partition = "aws";
  return ep;
}

class SimTest : public ::testing::Test {
 protected:
  // False (test skipped) when $ROUTE53_SIM is not set; a simulator that does not start is a
  // failure.
  bool start_sim(std::vector<std::string> extra = {"--rate", "0", "--insync-after", "0.2"}) {
    if (sim_path().empty()) return false;
    if (!sim_.start(std::move(extra))) {
      ADD_FAILURE() << "route53-sim (" << sim_path() << ") did not start";
      return false;
    }
    return true;
  }
  std::unique_ptr<Route53Client> client(Route53Options o, std::string secret = kSecret) {
    return std::make_unique<Route53Client>(
        loop_, http_,
        [this, secret](std::function<void(Result<Credentials>)> cb) {
          loop_.defer([cb, secret] { cb(Credentials{kAkid, secret, "", 0, "test"}); });
        },
        sim_endpoint(sim_.port()), std::move(o));
  }
  static Route53Options unlimited() {
    Route53Options o;
    o.rate = {.requests_per_second = 0, .burst = 1};
    o.backoff = {.base_ms = 10, .cap_ms = 200, .max_attempts = 10};
    return o;
  }
  // Runs the loop until *done or the deadline.
  void run_until(const bool& done, int64_t max_ms = 60000) {
    loop::Timer guard(loop_, [this] { loop_.stop(); });
    guard.start_once(max_ms);
    while (!done && loop_.run_once()) {
    }
  }
  template <class T, class Start>
  ApiResult<T> call(Start start, int64_t max_ms = 60000) {
    ApiResult<T> out;
    bool done = false;
    start([&](ApiResult<T> r) {
      out = std::move(r);
      done = true;
    });
    run_until(done, max_ms);
    EXPECT_TRUE(done) << "timed out";
    return out;
  }
  // Creates `n` A records a0..a{n-1}.example.com in batches built by the batch builder.
  void fill_zone(Route53Client& c, int n) {
    std::vector<Change> changes;
    for (int i = 0; i < n; i++) {
      Change ch;
      ch.action = Action::kCreate;
      ch.rrset.name = "a" + std::to_string(i) + ".example.com.";
      ch.rrset.type = "A";
      ch.rrset.ttl_s = 300;
      ch.rrset.values = {"192.0.2." + std::to_string(i % 250 + 1)};
      changes.push_back(std::move(ch));
    }
    auto batches = build_batches(changes);
    ASSERT_TRUE(batches.ok());
    for (auto& b : *batches) {
      ChangeBatch cb;
      cb.changes = std::move(b);
      auto r = call<ChangeInfo>([&](auto f) { c.change_rrsets(kZoneId, cb, f); });
      ASSERT_TRUE(r.ok()) << r.status().to_string();
    }
  }

  SimProcess sim_;
  loop::EventBase loop_;
  HttpClient http_{loop_.base()};
};

Change rr(Action a, const std::string& name, const std::string& type, std::vector<std::string> v,
          const std::string& sid = "", std::optional<int64_t> weight = std::nullopt) {
  Change c;
  c.action = a;
  c.rrset.name = name;
  c.rrset.type = type;
  c.rrset.ttl_s = 300;
  c.rrset.values = std::move(v);
  c.rrset.set_identifier = sid;
  c.rrset.weight = weight;
  return c;
}

TEST_F(SimTest, EveryOperationEndToEnd) {
  if (!start_sim()) GTEST_SKIP() << "ROUTE53_SIM not set";
  auto c = client(unlimited());

  auto zones = call<std::vector<HostedZone>>([&](auto f) { c->list_hosted_zones(f); });
  ASSERT_TRUE(zones.ok()) << zones.status().to_string();
  ASSERT_EQ(zones.value().size(), 1u);
  EXPECT_EQ(zones.value()[0].id, std::string("/hostedzone/") + kZoneId);
  EXPECT_EQ(zones.value()[0].name, "example.com.");

  auto found = call<std::vector<HostedZone>>([&](auto f) { c->find_hosted_zones_by_name("Example.COM", f); });
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  ASSERT_EQ(found.value().size(), 1u);
  auto none = call<std::vector<HostedZone>>([&](auto f) { c->find_hosted_zones_by_name("example.org", f); });
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().empty());

  auto details = call<HostedZoneDetails>([&](auto f) { c->get_hosted_zone(std::string("/hostedzone/") + kZoneId, f); });
  ASSERT_TRUE(details.ok()) << details.status().to_string();
  EXPECT_EQ(details.value().name_servers.size(), 4u);

  ChangeBatch batch;
  batch.comment = "e2e";
  batch.changes = {rr(Action::kCreate, "www.example.com.", "A", {"192.0.2.1", "192.0.2.2"}),
                   rr(Action::kCreate, "*.example.com.", "TXT", {"\"a \\\"quoted\\\" & <b>\""}),
                   rr(Action::kCreate, "w.example.com.", "A", {"192.0.2.10"}, "blue", 10),
                   rr(Action::kCreate, "w.example.com.", "A", {"192.0.2.11"}, "green", 20)};
  auto change = call<ChangeInfo>([&](auto f) { c->change_rrsets(kZoneId, batch, f); });
  ASSERT_TRUE(change.ok()) << change.status().to_string();
  EXPECT_EQ(change.value().status, "PENDING");
  EXPECT_EQ(change.value().id.rfind("/change/", 0), 0u);

  auto pending = call<ChangeInfo>([&](auto f) { c->get_change(change.value().id, f); });
  ASSERT_TRUE(pending.ok()) << pending.status().to_string();

  ChangePoller poller(loop_, *c, {.first_poll_ms = 100, .max_interval_ms = 200});
  bool insync = false;
  ChangeDone result;
  poller.watch(kZoneId, change.value().id, [&](const ChangeDone& d) {
    result = d;
    insync = true;
  });
  run_until(insync, 5000);
  ASSERT_TRUE(insync);
  EXPECT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_GE(result.took_ms, 100);

  auto all = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  std::vector<std::string> keys;
  for (const auto& rs : all.value()) keys.push_back(rs.name + " " + rs.type + " " + rs.set_identifier);
  EXPECT_EQ(keys, (std::vector<std::string>{"example.com. NS ", "example.com. SOA ",
                                            "\\052.example.com. TXT ", "w.example.com. A blue",
                                            "w.example.com. A green", "www.example.com. A "}));
  EXPECT_EQ(all.value()[2].values[0], "\"a \\\"quoted\\\" & <b>\"");

  // A rejected batch: not retried, the AWS code and message come back.
  auto dup = call<ChangeInfo>([&](auto f) { c->change_rrsets(kZoneId, batch, f); });
  ASSERT_FALSE(dup.ok());
  ASSERT_TRUE(dup.error.has_value());
  EXPECT_EQ(dup.error->code, "InvalidChangeBatch");
  EXPECT_EQ(dup.attempts, 1);
  EXPECT_EQ(dup.status().code(), Code::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("InvalidChangeBatch: [Tried to create resource record set"),
            std::string::npos)
      << dup.status().message();
  EXPECT_FALSE(dup.error->request_id.empty());

  auto missing = call<HostedZoneDetails>([&](auto f) { c->get_hosted_zone("ZNOSUCHZONE", f); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.error->code, "NoSuchHostedZone");

  auto nochange = call<ChangeInfo>([&](auto f) { c->get_change("/change/CNOSUCH", f); });
  EXPECT_EQ(nochange.status().code(), Code::kNotFound);
}

TEST_F(SimTest, WrongSecretIsRefusedWithoutRetry) {
  if (!start_sim()) GTEST_SKIP() << "ROUTE53_SIM not set";
  auto c = client(unlimited(), "not-the-secret");
  auto r = call<std::vector<HostedZone>>([&](auto f) { c->list_hosted_zones(f); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().to_string();
  EXPECT_EQ(r.attempts, 1);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->http_status, 403);
}

TEST_F(SimTest, SmallPagesCrossWeightedGroupsWithoutLossOrRepeat) {
  if (!start_sim()) GTEST_SKIP() << "ROUTE53_SIM not set";
  auto c = client(unlimited());
  ChangeBatch batch;
  for (int i = 0; i < 20; i++) {
    batch.changes.push_back(rr(Action::kCreate, "n" + std::to_string(i) + ".example.com.", "A", {"192.0.2.1"}));
  }
  for (int i = 0; i < 9; i++) {
    batch.changes.push_back(rr(Action::kCreate, "w.example.com.", "A", {"192.0.2." + std::to_string(i + 1)},
                               "id" + std::to_string(i), i));
  }
  batch.changes.push_back(rr(Action::kCreate, "*.x.example.com.", "A", {"192.0.2.99"}));
  ASSERT_TRUE((call<ChangeInfo>([&](auto f) { c->change_rrsets(kZoneId, batch, f); })).ok());

  auto big = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  ASSERT_TRUE(big.ok());
  Route53Options small = unlimited();
  small.list_rrsets_page_size = 4;  // pages end inside the weighted group and at the wildcard
  auto c4 = client(small);
  auto paged = call<std::vector<RecordSet>>([&](auto f) { c4->list_rrsets(kZoneId, f); });
  ASSERT_TRUE(paged.ok()) << paged.status().to_string();
  EXPECT_EQ(paged.requests, (32 + 3) / 4);
  ASSERT_EQ(paged.value().size(), big.value().size());
  EXPECT_EQ(paged.value().size(), 32u);
  for (size_t i = 0; i < big.value().size(); i++) EXPECT_EQ(paged.value()[i], big.value()[i]) << i;
}

TEST_F(SimTest, FaultsAreRetriedAndTheListingIsIdentical) {
  if (!start_sim({"--rate", "0", "--fault", "throttle=0.3,error=0.05,reset=0.02,latency=5", "--seed", "7"})) GTEST_SKIP() << "ROUTE53_SIM not set";
  Route53Options o = unlimited();
  o.backoff = {.base_ms = 5, .cap_ms = 100, .max_attempts = 20};
  auto c = client(o);
  fill_zone(*c, 3000);
  if (HasFatalFailure()) return;
  auto first = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  auto second = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(first.value().size(), 3002u);
  EXPECT_TRUE(first.value() == second.value());
  EXPECT_GT(c->stats().retries, 0u);
  EXPECT_GT(c->stats().throttled, 0u);
  std::printf("[ measure  ] faults: %llu requests, %llu retries, %llu throttled\n",
              static_cast<unsigned long long>(c->stats().requests),
              static_cast<unsigned long long>(c->stats().retries),
              static_cast<unsigned long long>(c->stats().throttled));
}

TEST_F(SimTest, AtFiveRequestsPerSecondPagingIsPacedWithoutThrottling) {
  if (!start_sim({"--rate", "5", "--burst", "5", "--insync-after", "0.2"})) GTEST_SKIP() << "ROUTE53_SIM not set";
  Route53Options o;  // production defaults (burst 4), at Route 53's 5/s
  o.rate.requests_per_second = 5;
  o.backoff = {.base_ms = 200, .cap_ms = 20000, .max_attempts = 8};
  auto c = client(o);
  fill_zone(*c, 2999);  // 3 requests; with the SOA and NS: 3001 sets = 11 pages of 300
  if (HasFatalFailure()) return;
  // Let both buckets refill completely, then page.
  bool idle = false;
  loop::Timer t(loop_, [&] { idle = true; });
  t.start_once(1100);
  run_until(idle);
  int64_t start = loop_.clock().mono_ms();
  auto all = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  int64_t took = loop_.clock().mono_ms() - start;
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all.value().size(), 3001u);
  EXPECT_EQ(all.requests, 11);
  EXPECT_EQ(c->stats().throttled, 0u);
  // Minimum: 5 pages on the simulator's burst, then one every 200 ms. The client keeps its
  // own burst one lower (RateLimitOptions), so it needs 200 ms more: within the 10%.
  int64_t minimum = (11 - 5) * 200;
  EXPECT_GE(took, minimum - 20);
  EXPECT_LE(took, minimum * 11 / 10 + 100);
  std::printf("[ measure  ] 11 pages at 5/s: %lld ms (minimum %lld ms)\n",
              static_cast<long long>(took), static_cast<long long>(minimum));
}

TEST_F(SimTest, ThroughputWithoutRateLimit) {
  // 20,002 record sets: above Route 53's default quota of 10,000, so raised (0: unlimited).
  if (!start_sim({"--rate", "0", "--max-rrsets-per-zone", "0"})) GTEST_SKIP() << "ROUTE53_SIM not set";
  auto c = client(unlimited());
  fill_zone(*c, 20000);
  if (HasFatalFailure()) return;
  // Pages/s: the whole 20,002-set zone in pages of 300.
  int64_t t0 = loop_.clock().mono_ms();
  auto all = call<std::vector<RecordSet>>([&](auto f) { c->list_rrsets(kZoneId, f); });
  int64_t paging_ms = std::max<int64_t>(1, loop_.clock().mono_ms() - t0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 20002u);
  // Requests/s: 1000 GetHostedZone calls, 16 in flight.
  int remaining = 1000, in_flight = 0, ok = 0;
  bool done = false;
  std::function<void()> issue = [&] {
    while (in_flight < 16 && remaining > 0) {
      remaining--;
      in_flight++;
      c->get_hosted_zone(kZoneId, [&](ApiResult<HostedZoneDetails> r) {
        in_flight--;
        ok += r.ok();
        if (remaining == 0 && in_flight == 0) done = true;
        issue();
      });
    }
  };
  int64_t t1 = loop_.clock().mono_ms();
  issue();
  run_until(done);
  int64_t req_ms = std::max<int64_t>(1, loop_.clock().mono_ms() - t1);
  EXPECT_EQ(ok, 1000);
  std::printf("[ measure  ] paging 20002 sets: %d pages in %lld ms (%.1f pages/s); "
              "1000 GetHostedZone in %lld ms (%.0f requests/s); %llu connections\n",
              all.requests, static_cast<long long>(paging_ms), all.requests * 1000.0 / paging_ms,
              static_cast<long long>(req_ms), 1000 * 1000.0 / req_ms,
              static_cast<unsigned long long>(http_.stats().connections_opened));
}

}  // namespace
}  // namespace r53d::r53
