// Tests for a secondary zone's refresh state machine (src/daemon/managed_zone.cc) with a scripted
// transfer source and a fake Route 53 that applies change batches to a record-set store: the
// first check is a full transfer and comparison, pushes carry the primary's serial, NOTIFYs are
// coalesced, IXFR differences go to the copy of the primary's zone or fall back to AXFR, safety
// refusals push nothing, failures retry and expire.
#include "daemon/managed_zone.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "loop/event_base.h"
#include "tests/unit/zone/fixture.h"
#include "util/clock.h"
#include "zone/codec.h"

namespace r53d::daemon {
namespace {

using testing::N;
using testing::rr_from_text;

// Applies batches (DELETE must match exactly, CREATE must not exist) to a store of record sets.
class StoreBackend : public commit::ZoneBackend {
 public:
  explicit StoreBackend(loop::EventBase& loop) : loop_(loop) {
    for (auto& rs : testing::example_zone()) store[{rs.name, rs.type + rs.set_identifier}] = rs;
  }
  std::map<std::pair<std::string, std::string>, r53::RecordSet> store;
  std::vector<r53::ChangeBatch> calls;

  int fail_next = 0;  // the next N change requests fail (access denied: no retry)
  void change_rrsets(const std::string&, const r53::ChangeBatch& b, std::function<void(commit::ChangeOutcome)> cb) override {
    calls.push_back(b);
    if (fail_next > 0) {
      --fail_next;
      commit::ChangeOutcome o;
      o.info = Status::permission_denied("AccessDenied: not today");
      o.error_code = "AccessDenied";
      loop_.defer([cb, o] { cb(o); });
      return;
    }
    auto work = store;
    std::string err;
    for (const auto& c : b.changes) {
      std::pair<std::string, std::string> k{c.rrset.name, c.rrset.type + c.rrset.set_identifier};
      auto it = work.find(k);
      if (c.action == r53::Action::kDelete) {
        if (it == work.end() || !same(it->second, c.rrset))
          err += "Tried to delete resource record set [name='" + c.rrset.name + "', type='" + c.rrset.type +
                 "'] but it was not found";
        else
          work.erase(it);
      } else if (c.action == r53::Action::kCreate) {
        if (it != work.end())
          err += "Tried to create resource record set [name='" + c.rrset.name + "', type='" + c.rrset.type +
                 "'] but it already exists";
        else
          work[k] = c.rrset;
      }
    }
    commit::ChangeOutcome o;
    if (!err.empty()) {
      o.info = Status::invalid_argument("InvalidChangeBatch: [" + err + "]");
      o.error_code = "InvalidChangeBatch";
      o.error_message = "[" + err + "]";
    } else {
      store = std::move(work);
      o.info = r53::ChangeInfo{"/change/C" + std::to_string(calls.size()), "PENDING", "", ""};
    }
    loop_.defer([cb, o] { cb(o); });
  }
  void read_names(const std::string&, const std::vector<zone::Name>&, RecordSetsCallback cb) override { read_zone("", cb); }
  void read_zone(const std::string&, RecordSetsCallback cb) override {
    std::vector<r53::RecordSet> out;
    for (auto& [k, rs] : store) out.push_back(rs);
    loop_.defer([cb, out] { cb(out); });
  }
  std::string values(const std::string& name, const std::string& type) const {
    auto it = store.find({name, type});
    if (it == store.end()) return "";
    std::string out;
    for (auto& v : it->second.values) out += (out.empty() ? "" : " ") + v;
    return out;
  }
  std::string soa() const { return values("example.com.", "SOA"); }

 private:
  static bool same(const r53::RecordSet& a, const r53::RecordSet& b) {
    auto va = a.values, vb = b.values;
    std::sort(va.begin(), va.end());
    std::sort(vb.begin(), vb.end());
    return a.ttl_s == b.ttl_s && va == vb && a.alias_target == b.alias_target;
  }
  loop::EventBase& loop_;
};

// Transfers on script: each refresh() waits in `pending` until the test answers it.
class ScriptedSource : public TransferSource {
 public:
  struct Call {
    RefreshRequest req;
    std::function<void(RefreshResult)> done;
  };
  std::deque<Call> pending;
  std::vector<RefreshRequest> seen;
  std::unique_ptr<Handle> refresh(RefreshRequest req, std::function<void(RefreshResult)> done) override {
    RefreshRequest copy;
    copy.serial = req.serial;
    copy.ixfr_base = req.ixfr_base;
    copy.force_axfr = req.force_axfr;
    copy.preferred = req.preferred;
    seen.push_back(std::move(copy));
    pending.push_back(Call{std::move(req), std::move(done)});
    return std::make_unique<Handle>();
  }
};

constexpr const char* kPrimarySoa = "example.com. 3600 IN SOA ns1.example.net. hostmaster.example.net. %u 60 30 600 300";

dns::RrPtr soa_rr(uint32_t serial) {
  char buf[200];
  std::snprintf(buf, sizeof buf, kPrimarySoa, serial);
  return dns::RrPtr(rr_from_text(buf).release());
}

dns::RrListPtr rr_list(const std::vector<std::string>& rrs) {
  dns::RrListPtr l(ldns_rr_list_new());
  for (const auto& t : rrs) ldns_rr_list_push_rr(l.get(), rr_from_text(t).release());
  return l;
}

RefreshResult full(uint32_t serial, const std::vector<std::string>& rrs) {
  RefreshResult r;
  r.kind = RefreshResult::Kind::kFull;
  r.primary_serial = serial;
  r.how = "AXFR";
  r.soa = soa_rr(serial);
  r.records = rr_list(rrs);
  return r;
}

// The example zone's plain data as the primary would send it (apex NS aside: Route 53's).
std::vector<std::string> primary_zone(std::vector<std::string> extra = {}) {
  std::vector<std::string> z = {
      "example.com. 172800 IN NS ns-1.awsdns-01.org.",
      "example.com. 300 IN MX 10 Mail.Example.com.",
      "www.example.com. 300 IN A 192.0.2.1",
      "www.example.com. 300 IN A 192.0.2.2",
      "mail.example.com. 300 IN A 192.0.2.25",
      "cname.example.com. 300 IN CNAME www.example.com.",
      "txt.example.com. 300 IN TXT \"hello world\"",
      "a.b.example.com. 300 IN A 192.0.2.9",
      "*.wild.example.com. 300 IN A 192.0.2.42",
  };
  z.insert(z.end(), extra.begin(), extra.end());
  return z;
}

class ManagedZoneTest : public ::testing::Test {
 protected:
  ManagedZoneTest() : loop_(clock_), backend_(loop_) {}

  ManagedZone& zone(int max_change_percent = 30) {
    if (!zone_) {
      config::ZoneConfig zc;
      zc.name = "example.com.";
      zc.mode = config::ZoneMode::kSecondary;
      config::PrimaryAddr p;
      p.host = "192.0.2.53";
      zc.secondary.primaries = {p, p};
      zc.secondary.max_change_percent = max_change_percent;
      zc.secondary.refresh_min_ms = 1000;
      zc.secondary.retry_min_ms = 1000;
      zc.secondary.expire_min_ms = 1000;
      ManagedZoneOptions opt;
      opt.rng = [] { return 0.0; };
      opt.committer.rng = [] { return 0.0; };
      zone_ = std::make_unique<ManagedZone>(ZoneServices{loop_, nullptr, backend_, nullptr, &source_}, zc, N("example.com."),
                                            opt);
      zone_->adopt(testing::load_example(), "ZEXAMPLE");
    }
    return *zone_;
  }
  void settle() {
    for (int i = 0; i < 1000 && loop_.deferred_pending() > 0; ++i) loop_.run_once(true);
  }
  // Answers the oldest pending refresh.
  void answer(RefreshResult r) {
    ASSERT_FALSE(source_.pending.empty()) << "no refresh is waiting";
    auto c = std::move(source_.pending.front());
    source_.pending.pop_front();
    loop_.defer([done = c.done, r = std::make_shared<RefreshResult>(std::move(r))]() mutable { done(std::move(*r)); });
    settle();
  }

  FakeClock clock_;
  loop::EventBase loop_;
  StoreBackend backend_;
  ScriptedSource source_;
  std::unique_ptr<ManagedZone> zone_;
};

TEST_F(ManagedZoneTest, FirstCheckIsAFullTransferAndComparison) {
  ManagedZone& z = zone();
  settle();
  ASSERT_EQ(source_.seen.size(), 1u);
  EXPECT_TRUE(source_.seen[0].force_axfr) << "start: AXFR whatever the serial";
  EXPECT_EQ(z.state(), ManagedZone::State::kChecking);
  answer(full(2026120601, primary_zone({"new.example.com. 60 IN A 192.0.2.99"})));
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_EQ(backend_.values("new.example.com.", "A"), "192.0.2.99");
  EXPECT_NE(backend_.soa().find(" 2026120601 "), std::string::npos) << backend_.soa();
  EXPECT_EQ(backend_.soa().rfind("ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com.", 0), 0u)
      << "Route 53 keeps its MNAME and RNAME";
  EXPECT_EQ(z.state(), ManagedZone::State::kIdle);
  EXPECT_EQ(z.freshness(), ManagedZone::Freshness::kFresh);
  EXPECT_EQ(backend_.values("alias.example.com.", "A"), "") << "the alias stays (no values: untouched)";
  EXPECT_TRUE(backend_.store.count({"alias.example.com.", "A"}));
  EXPECT_TRUE(backend_.store.count({"geo.example.com.", "Aone"}));
}

TEST_F(ManagedZoneTest, ZoneAlreadyEqualCostsNoChangeRequest) {
  zone();
  settle();
  answer(full(100, primary_zone()));
  EXPECT_TRUE(backend_.calls.empty()) << backend_.calls.size() << " change requests";
  EXPECT_EQ(zone().freshness(), ManagedZone::Freshness::kFresh);
}

TEST_F(ManagedZoneTest, NotifiesDuringAPushAreCoalescedIntoOneMoreCheck) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone({"n1.example.com. 60 IN A 192.0.2.1"})));
  ASSERT_EQ(source_.seen.size(), 1u);
  z.notify(102, 0, "192.0.2.53#53");
  settle();
  ASSERT_EQ(source_.seen.size(), 2u);
  EXPECT_FALSE(source_.seen[1].force_axfr) << "later checks ask for IXFR";
  ASSERT_TRUE(source_.seen[1].ixfr_base);
  EXPECT_EQ(*source_.seen[1].ixfr_base, 101u);
  // Three more NOTIFYs while that check runs: one more check afterwards, not three.
  z.notify(103, 0, "192.0.2.53#53");
  z.notify(103, 1, "192.0.2.53#53");
  z.notify(104, 0, "192.0.2.53#53");
  settle();
  EXPECT_EQ(source_.seen.size(), 2u);
  RefreshResult up;
  up.kind = RefreshResult::Kind::kUpToDate;
  up.primary_serial = 101;
  answer(std::move(up));
  EXPECT_EQ(source_.seen.size(), 3u) << "one coalesced check";
  EXPECT_EQ(source_.pending.size(), 1u);
}

TEST_F(ManagedZoneTest, NotifyWithTheSerialRoute53HoldsChecksNothing) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone()));
  z.notify(101, 0, "192.0.2.53#53");
  settle();
  EXPECT_EQ(source_.seen.size(), 1u);
}

TEST_F(ManagedZoneTest, IncrementalTransferPushesOnlyTheChangedNames) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone()));
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  RefreshResult r;
  r.kind = RefreshResult::Kind::kIncremental;
  r.primary_serial = 102;
  r.how = "IXFR";
  RefreshResult::Delta d;
  d.old_soa = soa_rr(101);
  d.new_soa = soa_rr(102);
  d.deleted = rr_list({"mail.example.com. 300 IN A 192.0.2.25"});
  d.added = rr_list({"mail.example.com. 300 IN A 192.0.2.26", "ixfr.example.com. 60 IN TXT \"x\""});
  r.deltas.push_back(std::move(d));
  size_t before = backend_.calls.size();
  answer(std::move(r));
  ASSERT_EQ(backend_.calls.size(), before + 1);
  EXPECT_EQ(backend_.calls.back().changes.size(), 2u + 3u) << "SOA pair, mail A out and in, ixfr TXT in";
  EXPECT_EQ(backend_.values("mail.example.com.", "A"), "192.0.2.26");
  EXPECT_EQ(backend_.values("ixfr.example.com.", "TXT"), "\"x\"");
  EXPECT_NE(backend_.soa().find(" 102 "), std::string::npos);
}

TEST_F(ManagedZoneTest, DifferencesThatDoNotApplyFallBackToAxfrAtOnce) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone()));
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  RefreshResult r;
  r.kind = RefreshResult::Kind::kIncremental;
  r.primary_serial = 102;
  RefreshResult::Delta d;
  d.old_soa = soa_rr(101);
  d.new_soa = soa_rr(102);
  d.deleted = rr_list({"absent.example.com. 300 IN A 192.0.2.1"});
  d.added = rr_list({});
  r.deltas.push_back(std::move(d));
  size_t calls = backend_.calls.size();
  answer(std::move(r));
  EXPECT_EQ(backend_.calls.size(), calls) << "nothing pushed";
  ASSERT_EQ(source_.seen.size(), 3u);
  EXPECT_TRUE(source_.seen[2].force_axfr);
  answer(full(102, primary_zone({"later.example.com. 60 IN A 192.0.2.7"})));
  EXPECT_EQ(backend_.values("later.example.com.", "A"), "192.0.2.7");
}

TEST_F(ManagedZoneTest, SafetyThresholdPushesNothingAndRetries) {
  ManagedZone& z = zone(/*max_change_percent=*/30);
  // A zone of more than 10 record sets, most of which the primary no longer has.
  std::vector<std::string> many;
  for (int i = 0; i < 20; ++i) many.push_back("h" + std::to_string(i) + ".example.com. 60 IN A 192.0.2." + std::to_string(i));
  settle();
  answer(full(101, primary_zone(many)));
  size_t calls = backend_.calls.size();
  ASSERT_EQ(calls, 1u);
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  answer(full(102, primary_zone()));  // 20 of ~33 sets gone: over 30%
  EXPECT_EQ(backend_.calls.size(), calls) << "nothing pushed";
  EXPECT_EQ(backend_.values("h3.example.com.", "A"), "192.0.2.3");
  EXPECT_EQ(z.stats().refused_by_safety, 1u);
  EXPECT_EQ(z.freshness(), ManagedZone::Freshness::kRetrying);
}

TEST_F(ManagedZoneTest, PrimaryWithOnlySoaAndNsIsNeverDeleteEverything) {
  ManagedZone& z = zone(100);
  settle();
  answer(full(101, {"example.com. 172800 IN NS ns-1.awsdns-01.org."}));
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_EQ(backend_.values("www.example.com.", "A"), "192.0.2.1 192.0.2.2");
  EXPECT_EQ(z.stats().refused_by_safety, 1u);
}

// The same rule when the emptying comes as an IXFR (a partial scope): the primary's zone is the
// whole copy, empty but for its SOA and NS, whatever names the difference touched.
TEST_F(ManagedZoneTest, PrimaryEmptiedByIxfrIsNeverDeleteEverything) {
  ManagedZone& z = zone(100);
  settle();
  answer(full(101, primary_zone()));
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  RefreshResult r;
  r.kind = RefreshResult::Kind::kIncremental;
  r.primary_serial = 102;
  r.how = "IXFR";
  RefreshResult::Delta d;
  d.old_soa = soa_rr(101);
  d.new_soa = soa_rr(102);
  std::vector<std::string> all = primary_zone();
  all.erase(all.begin());  // the apex NS stays
  d.deleted = rr_list(all);
  d.added = rr_list({});
  r.deltas.push_back(std::move(d));
  size_t calls = backend_.calls.size();
  answer(std::move(r));
  EXPECT_EQ(backend_.calls.size(), calls) << "nothing pushed";
  EXPECT_EQ(backend_.values("www.example.com.", "A"), "192.0.2.1 192.0.2.2");
  EXPECT_EQ(z.stats().refused_by_safety, 1u);
}

RefreshResult incremental(uint32_t from, uint32_t to, const std::vector<std::string>& deleted,
                          const std::vector<std::string>& added) {
  RefreshResult r;
  r.kind = RefreshResult::Kind::kIncremental;
  r.primary_serial = to;
  r.how = "IXFR";
  RefreshResult::Delta d;
  d.old_soa = soa_rr(from);
  d.new_soa = soa_rr(to);
  d.deleted = rr_list(deleted);
  d.added = rr_list(added);
  r.deltas.push_back(std::move(d));
  return r;
}

// An IXFR's names are all that changed since the copy's version; a push of only those names is
// right only while Route 53 holds that version. Here it does not (the push of 102 was refused):
// the whole zone is compared, and 103 (102 plus one name) is refused like 102 was, instead of
// being pushed as one name under serial 103 with 102's changes missing.
TEST_F(ManagedZoneTest, IxfrOnTopOfAVersionRoute53DoesNotHoldComparesTheWholeZone) {
  ManagedZone& z = zone(/*max_change_percent=*/30);
  std::vector<std::string> many, changed;
  for (int i = 0; i < 20; ++i) {
    many.push_back("h" + std::to_string(i) + ".example.com. 60 IN A 192.0.2." + std::to_string(i));
    changed.push_back("h" + std::to_string(i) + ".example.com. 60 IN A 198.51.100." + std::to_string(i));
  }
  settle();
  answer(full(101, primary_zone(many)));
  ASSERT_EQ(backend_.calls.size(), 1u);
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  answer(incremental(101, 102, many, changed));  // 20 of ~33 sets changed: refused
  ASSERT_EQ(backend_.calls.size(), 1u) << "102 refused by the safety threshold";
  ASSERT_EQ(z.stats().refused_by_safety, 1u);
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  ASSERT_FALSE(source_.seen.empty());
  ASSERT_TRUE(source_.seen.back().ixfr_base);
  EXPECT_EQ(*source_.seen.back().ixfr_base, 102u) << "the copy is at 102";
  answer(incremental(102, 103, {}, {"one.example.com. 60 IN A 192.0.2.200"}));
  EXPECT_EQ(backend_.calls.size(), 1u) << "103 differs from Route 53's 101 as much as 102 did: refused too";
  EXPECT_EQ(backend_.values("h3.example.com.", "A"), "192.0.2.3");
  EXPECT_NE(backend_.soa().find(" 101 "), std::string::npos) << backend_.soa();
  EXPECT_EQ(z.stats().refused_by_safety, 2u);
}

// Another writer (a second route53d following another primary) pushed 102 with a different
// value at mail; our primary's 103 is 101 plus a change at www. Pushing only www under serial 103
// would leave the other writer's mail in place: the whole zone is compared.
TEST_F(ManagedZoneTest, IxfrAfterAnotherWriterMovedRoute53ComparesTheWholeZone) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone()));
  ASSERT_EQ(backend_.calls.size(), 1u);
  // The other writer's push, behind our mirror's back.
  auto& soa = backend_.store[{"example.com.", "SOA"}];
  std::string v = soa.values[0];
  soa.values[0] = v.replace(v.find(" 101 "), 5, " 102 ");
  backend_.store[{"mail.example.com.", "A"}].values = {"203.0.113.25"};
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  answer(incremental(101, 103, {"www.example.com. 300 IN A 192.0.2.2"}, {"www.example.com. 300 IN A 192.0.2.3"}));
  EXPECT_EQ(backend_.values("www.example.com.", "A"), "192.0.2.1 192.0.2.3");
  EXPECT_EQ(backend_.values("mail.example.com.", "A"), "192.0.2.25") << "the primary's mail, not the other writer's";
  EXPECT_NE(backend_.soa().find(" 103 "), std::string::npos) << backend_.soa();
}

TEST_F(ManagedZoneTest, FailuresUntilExpireMakeTheZoneExpiredUntilASuccess) {
  ManagedZone& z = zone();
  settle();
  RefreshResult bad;
  bad.status = Status::unavailable("192.0.2.53:53: connection refused");
  answer(std::move(bad));
  EXPECT_FALSE(z.expired());
  // The expire clock started at load with Route 53's SOA timers (EXPIRE 1209600 s).
  clock_.advance_ms(1209600LL * 1000 + 1);
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  RefreshResult bad2;
  bad2.status = Status::unavailable("timeout");
  answer(std::move(bad2));
  EXPECT_TRUE(z.expired());
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  answer(full(101, primary_zone()));
  EXPECT_FALSE(z.expired());
  EXPECT_EQ(z.freshness(), ManagedZone::Freshness::kFresh);
}

// Regression (bench/xfr_bench.sh: a first push refused by Route 53, then every refresh found the
// primary "up to date" because Route 53 kept the old serial, which equalled the primary's): a copy
// whose push failed is pushed again at the next check, whatever the serials say.
TEST_F(ManagedZoneTest, AFailedPushIsPushedAgainWhenThePrimaryIsUpToDate) {
  ManagedZone& z = zone();
  settle();
  backend_.fail_next = 1;
  answer(full(100, primary_zone({"retry.example.com. 60 IN A 192.0.2.8"})));
  EXPECT_EQ(backend_.values("retry.example.com.", "A"), "");
  EXPECT_EQ(z.stats().push_failures, 1u);
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  RefreshResult up;
  up.kind = RefreshResult::Kind::kUpToDate;
  up.primary_serial = 100;
  answer(std::move(up));
  EXPECT_EQ(backend_.values("retry.example.com.", "A"), "192.0.2.8");
  EXPECT_EQ(z.freshness(), ManagedZone::Freshness::kFresh);
}

TEST_F(ManagedZoneTest, ANewerSerialInRoute53IsNotOverwritten) {
  zone();
  settle();
  answer(full(99, primary_zone({"old.example.com. 60 IN A 192.0.2.1"})));  // Route 53 holds 100
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_EQ(backend_.values("old.example.com.", "A"), "");
  EXPECT_EQ(source_.seen.size(), 2u) << "checks the primary again";
}

// Another writer ahead of this one (a second route53d that transferred a later version first) is
// the normal course of high availability, not a failure: no retry back-off, no failure counted,
// the freshness unchanged; the primary is checked again at once.
TEST_F(ManagedZoneTest, ANewerSerialInRoute53IsNoFailure) {
  ManagedZone& z = zone();
  settle();
  answer(full(101, primary_zone()));
  ASSERT_EQ(z.freshness(), ManagedZone::Freshness::kFresh);
  // The other writer pushed 103; our primary answered 102 (it sent us the transfer a moment before).
  auto& soa = backend_.store[{"example.com.", "SOA"}];
  std::string v = soa.values[0];
  soa.values[0] = v.replace(v.find(" 101 "), 5, " 103 ");
  z.notify(std::nullopt, 0, "192.0.2.53#53");
  settle();
  answer(incremental(101, 102, {}, {"n.example.com. 60 IN A 192.0.2.77"}));
  EXPECT_EQ(z.stats().push_failures, 0u);
  EXPECT_EQ(z.freshness(), ManagedZone::Freshness::kFresh);
  EXPECT_EQ(z.state(), ManagedZone::State::kChecking) << "the primary is checked again at once";
  EXPECT_EQ(backend_.values("n.example.com.", "A"), "");
}

}  // namespace
}  // namespace r53d::daemon
