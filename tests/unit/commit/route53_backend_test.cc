// Tests for Route53Backend's re-reads against route53-sim's API layer (real Route 53 order and
// paging) behind a local HTTP server: how many ListResourceRecordSets calls read_names costs; and
// its pacing hints, read from the client's shared rate limiter.
#include "commit/route53_backend.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "sim/api.h"
#include "sim/store.h"
#include "util/clock.h"
#include "tests/unit/r53/fake_route53.h"
#include "zone/codec.h"

namespace r53d::commit {
namespace {

using r53::fake::Reply;
using r53::fake::Seen;

constexpr const char* kZone = "ZBACKEND";
constexpr int64_t kNow = 1'700'000'000'000;

class Route53BackendTest : public ::testing::Test {
 protected:
  Route53BackendTest()
      : store_(sim::StoreOptions{.insync_after_ms = 1000, .seed = 1}),
        api_(store_),
        http_(loop_.base()),
        server_(loop_.base()) {
    sim::CreateZoneRequest cz;
    cz.name = "example.com";
    cz.caller_reference = "r";
    cz.id = kZone;
    EXPECT_TRUE(store_.create_hosted_zone(cz, kNow).ok());
    // h000 .. h999: one TXT set each, consecutive in Route 53 order.
    for (int i = 0; i < 1000; i += 100) {
      r53::ChangeBatch b;
      for (int j = i; j < i + 100; ++j) b.changes.push_back(create(host(j), "", "\"v\""));
      add(b);
    }
    // big.example.com: 320 weighted A sets, more than one page.
    for (int i = 0; i < 320; i += 80) {
      r53::ChangeBatch b;
      for (int j = i; j < i + 80; ++j) b.changes.push_back(create("big.example.com.", "w" + std::to_string(1000 + j), "192.0.2.1"));
      add(b);
    }
    server_.handler = [this](const Seen& s) {
      std::string path = s.uri, query;
      if (auto q = s.uri.find('?'); q != std::string::npos) {
        path = s.uri.substr(0, q);
        query = s.uri.substr(q + 1);
      }
      sim::Route rt = sim::route(s.method, path);
      if (rt.op == "ListResourceRecordSets") ++list_calls_;
      sim::ApiRequest req;
      req.query = *r53::parse_query(query);
      req.body = s.body;
      req.now_ms = kNow;
      sim::ApiResponse resp = api_.handle(rt, req);
      return Reply{resp.status, resp.body};
    };
    r53::Route53Options o;
    o.rate = {.requests_per_second = 0, .burst = 1};
    o.backoff = {.base_ms = 1, .cap_ms = 2, .max_attempts = 2};
    client_ = std::make_unique<r53::Route53Client>(loop_, http_, r53::fake::fixed_credentials(loop_),
                                                   r53::fake::endpoint_for(server_.port), o);
    backend_ = std::make_unique<Route53Backend>(*client_, loop_);
  }

  static std::string host(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "h%03d.example.com.", i);
    return buf;
  }
  static r53::Change create(const std::string& name, const std::string& sid, const std::string& value) {
    r53::Change c;
    c.action = r53::Action::kCreate;
    c.rrset.name = name;
    c.rrset.type = sid.empty() ? "TXT" : "A";
    c.rrset.ttl_s = 60;
    c.rrset.values = {value};
    if (!sid.empty()) {
      c.rrset.set_identifier = sid;
      c.rrset.weight = 1;
    }
    return c;
  }
  void add(const r53::ChangeBatch& b) {
    auto r = store_.change_rrsets(kZone, b, kNow);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  }
  static std::vector<zone::Name> names(const std::vector<std::string>& texts) {
    std::vector<zone::Name> out;
    for (const auto& t : texts) out.push_back(*zone::name_from_r53(t));
    return out;
  }
  // read_names through the backend; the sets found (or the error) and the List calls it cost.
  Result<std::vector<r53::RecordSet>> read(const std::vector<std::string>& texts) {
    list_calls_ = 0;
    Result<std::vector<r53::RecordSet>> got = Status::internal("no answer");
    backend_->read_names(kZone, names(texts), [&](Result<std::vector<r53::RecordSet>> r) {
      got = std::move(r);
      loop_.stop();
    });
    loop::Timer limit(loop_, [this] { loop_.stop(); });
    limit.start_once(10000);
    loop_.run();
    return got;
  }
  static std::multiset<std::string> owners(const std::vector<r53::RecordSet>& sets) {
    std::multiset<std::string> out;
    for (const auto& s : sets) out.insert(s.name);
    return out;
  }

  sim::Store store_;
  sim::Api api_;
  loop::EventBase loop_;
  r53::HttpClient http_;
  r53::fake::FakeRoute53 server_;
  std::unique_ptr<r53::Route53Client> client_;
  std::unique_ptr<Route53Backend> backend_;
  int list_calls_ = 0;
};

TEST_F(Route53BackendTest, NearbyNamesShareOnePage) {
  std::vector<std::string> want;
  for (int i = 139; i >= 100; --i) want.push_back(host(i));  // any order
  auto got = read(want);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(list_calls_, 1);  // one call per name would be 40
  EXPECT_EQ(owners(*got), std::multiset<std::string>(want.begin(), want.end()));
}

TEST_F(Route53BackendTest, FarApartNamesStartTheirOwnPage) {
  // h000's page runs to h299 and h500's to h799; h999's reaches the end of the zone, and with
  // it the absent name ("com.example.new." sorts after "com.example.h999.").
  auto got = read({host(0), host(500), host(999), "new.example.com."});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(list_calls_, 3);
  EXPECT_EQ(owners(*got), (std::multiset<std::string>{host(0), host(500), host(999)}));
}

TEST_F(Route53BackendTest, ANameWithMoreSetsThanAPageIsReadWhole) {
  auto got = read({"big.example.com.", host(0)});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  // big sorts before every h name ("com.example.big." < "com.example.h000."): its 320 sets take
  // two pages; the second page runs on past h000.
  EXPECT_EQ(list_calls_, 2);
  ASSERT_EQ(got->size(), 321u);
  std::set<std::string> ids;
  for (const auto& s : *got)
    if (s.name == "big.example.com.") ids.insert(s.set_identifier);
  EXPECT_EQ(ids.size(), 320u);  // none lost or repeated at the page boundary
}

TEST_F(Route53BackendTest, EveryNameCostsNoMoreThanReadingTheZone) {
  std::vector<std::string> want;
  for (int i = 0; i < 1000; i += 7) want.push_back(host(i));
  auto got = read(want);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->size(), want.size());
  // 1,322 sets: the whole zone is 5 pages of 300; the wanted names start after big's 320 sets
  // and the apex. One call per name would be 143.
  EXPECT_EQ(list_calls_, 4);
}

TEST_F(Route53BackendTest, NoNamesNoCall) {
  auto got = read({});
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_TRUE(got->empty());
  EXPECT_EQ(list_calls_, 0);
}

TEST_F(Route53BackendTest, AFailedPageFailsTheRead) {
  server_.handler = [](const Seen&) {
    return Reply{400, r53::fake::error_body("AccessDenied", "User is not authorized")};
  };
  auto got = read({host(1)});
  EXPECT_FALSE(got.ok());
}

// The group commit's pacing hint asked a private token bucket that only change requests drew from,
// so a GetChange (or a re-read) waiting in the client's limiter went unseen: the batch closed at
// once, then waited behind it for a token that UPDATEs arriving meanwhile could have shared.
TEST(Route53BackendPacing, SendDelayCountsCallsWaitingInTheClientsLimiter) {
  FakeClock clock;
  loop::EventBase loop(clock);
  r53::HttpClient http(loop.base());
  r53::Route53Options o;
  o.rate = {.requests_per_second = 5, .burst = 4, .margin_ms = 0};
  r53::Route53Client client(loop, http, r53::fake::fixed_credentials(loop), r53::fake::endpoint_for(1), o);
  Route53Backend backend(client, loop);
  EXPECT_EQ(backend.send_delay_ms(kZone), 0) << "a full bucket: send at once";
  // Throttled: the bucket is empty and the rate halved (2.5/s): the next token in 400 ms.
  client.limiter().on_throttled();
  EXPECT_EQ(backend.send_delay_ms(kZone), 400);
  client.limiter().acquire([] {});  // a GetChange poll waits for that token
  EXPECT_EQ(backend.send_delay_ms(kZone), 800) << "the change request comes after the poll";
  EXPECT_EQ(backend.reread_delay_ms(kZone), 1200) << "two tokens after the poll";
  clock.advance_ms(150);
  EXPECT_EQ(backend.send_delay_ms(kZone), 650);
}

}  // namespace
}  // namespace r53d::commit
