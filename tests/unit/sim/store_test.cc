// Tests for route53-sim's store: zones, ChangeResourceRecordSets semantics, listing, state.
#include "sim/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "r53/names.h"

namespace r53d::sim {
namespace {

using r53::Action;
using r53::ChangeBatch;
using r53::RecordSet;

constexpr int64_t kNow = 1'700'000'000'000;

RecordSet rrset(std::string name, std::string type, int64_t ttl, std::vector<std::string> values,
                std::string sid = "") {
  RecordSet rs;
  rs.name = std::move(name);
  rs.type = std::move(type);
  rs.ttl_s = ttl;
  rs.values = std::move(values);
  rs.set_identifier = std::move(sid);
  return rs;
}

ChangeBatch batch(std::vector<r53::Change> changes, std::string comment = "") {
  ChangeBatch b;
  b.changes = std::move(changes);
  b.comment = std::move(comment);
  return b;
}

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() : store_(StoreOptions{.seed = 42}) {
    auto z = store_.create_hosted_zone({.name = "Example.com", .caller_reference = "ref-1"}, kNow);
    EXPECT_TRUE(z.ok());
    zone_ = r53::bare_id(z->view.zone.id);
  }

  ApiResult<r53::ChangeInfo> apply(std::vector<r53::Change> changes) {
    return store_.change_rrsets(zone_, batch(std::move(changes)), kNow);
  }
  // Message of a change that must fail with InvalidChangeBatch.
  std::string rejected(std::vector<r53::Change> changes) {
    auto r = apply(std::move(changes));
    EXPECT_FALSE(r.ok());
    if (r.ok()) return "<accepted>";
    EXPECT_EQ(r.error().http_status, 400);
    return r.error().code + ": " + r.error().message;
  }
  std::vector<RecordSet> all() {
    std::vector<RecordSet> out;
    RrsetQuery q{.max_items = "300"};
    while (true) {
      auto p = store_.list_rrsets(zone_, q);
      EXPECT_TRUE(p.ok());
      if (!p.ok()) return out;
      out.insert(out.end(), p->rrsets.begin(), p->rrsets.end());
      if (!p->is_truncated) return out;
      q.name = p->next_record_name;
      q.type = p->next_record_type;
      q.identifier.reset();
      if (!p->next_record_identifier.empty()) q.identifier = p->next_record_identifier;
    }
  }
  std::optional<RecordSet> find(const std::string& name, const std::string& type,
                                const std::string& sid = "") {
    for (auto& rs : all()) {
      if (rs.name == name && rs.type == type && rs.set_identifier == sid) return rs;
    }
    return std::nullopt;
  }
  RecordSet soa() { return *find("example.com.", "SOA"); }
  RecordSet ns() { return *find("example.com.", "NS"); }

  Store store_;
  std::string zone_;
};

// --- hosted zones -------------------------------------------------------------------------------

TEST_F(StoreTest, NewZoneHasSoaAndFourNs) {
  auto v = store_.get_hosted_zone(zone_);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->zone.id, "/hostedzone/" + zone_);
  EXPECT_EQ(zone_[0], 'Z');
  EXPECT_EQ(v->zone.name, "example.com.");
  EXPECT_EQ(v->zone.record_set_count, 2);
  ASSERT_EQ(v->name_servers.size(), 4u);
  auto sets = all();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].type, "NS");  // NS before SOA at the apex
  EXPECT_EQ(sets[0].ttl_s, 172800);
  ASSERT_EQ(sets[0].values.size(), 4u);
  EXPECT_EQ(sets[0].values[0], v->name_servers[0] + ".");
  EXPECT_EQ(v->name_servers[0].back() == '.', false);
  EXPECT_EQ(sets[1].type, "SOA");
  EXPECT_EQ(sets[1].ttl_s, 900);
  EXPECT_EQ(sets[1].values[0],
            v->name_servers[0] + ". awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
  // Accepts the prefixed ID as well.
  EXPECT_TRUE(store_.get_hosted_zone("/hostedzone/" + zone_).ok());
}

TEST_F(StoreTest, CreateZoneErrors) {
  auto dup = store_.create_hosted_zone({.name = "other.com", .caller_reference = "ref-1"}, kNow);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().http_status, 409);
  EXPECT_EQ(dup.error().code, "HostedZoneAlreadyExists");
  auto tld = store_.create_hosted_zone({.name = "com", .caller_reference = "r2"}, kNow);
  ASSERT_FALSE(tld.ok());
  EXPECT_EQ(tld.error().code, "InvalidDomainName");
  EXPECT_EQ(tld.error().message, "com is reserved by AWS!");
  auto bad = store_.create_hosted_zone({.name = "a..b", .caller_reference = "r3"}, kNow);
  EXPECT_EQ(bad.error().code, "InvalidDomainName");
  auto noref = store_.create_hosted_zone({.name = "x.com", .caller_reference = ""}, kNow);
  EXPECT_EQ(noref.error().code, "InvalidInput");
  // Same name twice is allowed (a different caller reference).
  EXPECT_TRUE(store_.create_hosted_zone({.name = "example.com", .caller_reference = "r4"}, kNow).ok());
  // An explicit ID.
  auto fixed = store_.create_hosted_zone(
      {.name = "fixed.net", .caller_reference = "r5", .id = "ZFIXED123"}, kNow);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->view.zone.id, "/hostedzone/ZFIXED123");
  EXPECT_EQ(fixed->change.status, "PENDING");
  EXPECT_EQ(store_.create_hosted_zone({.name = "y.net", .caller_reference = "r6", .id = "ZFIXED123"}, kNow)
                .error()
                .http_status,
            409);
}

TEST_F(StoreTest, UnknownZone) {
  auto g = store_.get_hosted_zone("ZNOPE");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error(), (ApiError{404, "NoSuchHostedZone", "No hosted zone found with ID: ZNOPE"}));
  EXPECT_EQ(store_.change_rrsets("ZNOPE", batch({}), kNow).error().code, "NoSuchHostedZone");
  EXPECT_EQ(store_.list_rrsets("ZNOPE", {}).error().code, "NoSuchHostedZone");
  EXPECT_EQ(store_.delete_hosted_zone("ZNOPE", kNow).error().http_status, 404);
}

TEST_F(StoreTest, ListHostedZonesPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_.create_hosted_zone(
        {.name = "z" + std::to_string(i) + ".org", .caller_reference = "c" + std::to_string(i)},
        kNow).ok());
  }
  std::set<std::string> seen;
  std::optional<std::string> marker;
  int pages = 0;
  while (true) {
    auto p = store_.list_hosted_zones(marker, std::string("2"));
    ASSERT_TRUE(p.ok());
    ++pages;
    EXPECT_EQ(p->max_items, "2");
    for (const auto& z : p->zones) EXPECT_TRUE(seen.insert(z.zone.id).second);
    if (!p->is_truncated) break;
    marker = p->next_marker;
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(store_.list_hosted_zones({}, {})->max_items, "100");
  EXPECT_EQ(store_.list_hosted_zones({}, std::string("x")).error().code, "InvalidInput");
}

TEST_F(StoreTest, ListHostedZonesOnlyPrivatePagesOverPrivateZonesOnly) {
  // 10 more zones, every third private: pages of 2 hold 2 private zones each, NextMarker names
  // a private zone, and the walk sees exactly the private ones.
  std::set<std::string> want;
  for (int i = 0; i < 10; ++i) {
    auto z = store_.create_hosted_zone({.name = "p" + std::to_string(i) + ".org",
                                        .caller_reference = "p" + std::to_string(i),
                                        .private_zone = i % 3 == 0},
                                       kNow);
    ASSERT_TRUE(z.ok());
    if (i % 3 == 0) want.insert(z->view.zone.id);
  }
  ASSERT_EQ(want.size(), 4u);
  std::set<std::string> seen;
  std::optional<std::string> marker;
  std::vector<size_t> sizes;
  while (true) {
    auto p = store_.list_hosted_zones(marker, std::string("2"), true);
    ASSERT_TRUE(p.ok());
    sizes.push_back(p->zones.size());
    for (const auto& z : p->zones) {
      EXPECT_TRUE(z.zone.private_zone) << z.zone.name;
      EXPECT_TRUE(seen.insert(z.zone.id).second);
    }
    if (!p->is_truncated) break;
    ASSERT_TRUE(store_.get_hosted_zone(p->next_marker)->zone.private_zone) << p->next_marker;
    marker = p->next_marker;
    ASSERT_LT(sizes.size(), 10u);
  }
  EXPECT_EQ(seen, want);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2}));
  EXPECT_EQ(store_.list_hosted_zones({}, {}, false)->zones.size(), 11u);
}

TEST_F(StoreTest, ListHostedZonesByNameIsPositional) {
  for (const char* n : {"b.example.com", "a.net", "zzz.com", "example.org"}) {
    ASSERT_TRUE(store_.create_hosted_zone({.name = n, .caller_reference = n}, kNow).ok());
  }
  auto all_zones = store_.list_hosted_zones_by_name({}, {}, {});
  ASSERT_TRUE(all_zones.ok());
  std::vector<std::string> names;
  for (const auto& z : all_zones->zones) names.push_back(z.zone.name);
  EXPECT_EQ(names, (std::vector<std::string>{"example.com.", "b.example.com.", "zzz.com.",
                                             "a.net.", "example.org."}));
  auto from = store_.list_hosted_zones_by_name(std::string("example.net"), {}, std::string("1"));
  ASSERT_TRUE(from.ok());
  ASSERT_EQ(from->zones.size(), 1u);
  EXPECT_EQ(from->zones[0].zone.name, "example.org.");  // first name >= example.net
  EXPECT_EQ(from->dns_name, "example.net.");
  EXPECT_FALSE(from->is_truncated);
  auto page1 = store_.list_hosted_zones_by_name(std::string("com"), {}, std::string("2"));
  ASSERT_TRUE(page1->is_truncated);
  EXPECT_EQ(page1->next_dns_name, "zzz.com.");
  auto page2 = store_.list_hosted_zones_by_name(page1->next_dns_name, page1->next_hosted_zone_id,
                                                std::string("2"));
  EXPECT_EQ(page2->zones[0].zone.name, "zzz.com.");
  EXPECT_EQ(store_.list_hosted_zones_by_name({}, std::string("Z1"), {}).error().code, "InvalidInput");
}

TEST_F(StoreTest, DeleteZoneOnlyWhenEmpty) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("www.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  auto d = store_.delete_hosted_zone(zone_, kNow);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), (ApiError{400, "HostedZoneNotEmpty",
                                 "The specified hosted zone contains non-required resource record "
                                 "sets and so cannot be deleted."}));
  ASSERT_TRUE(apply({{Action::kDelete, rrset("www.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  auto ok = store_.delete_hosted_zone(zone_, kNow);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, "PENDING");
  EXPECT_FALSE(store_.has_zone(zone_));
}

// --- ChangeResourceRecordSets ---------------------------------------------------------------------

TEST_F(StoreTest, CreateStoresNormalisedNameAndVerbatimValues) {
  auto r = apply({{Action::kCreate, rrset("*.WWW.example.com", "TXT", 300, {"\"Hello World\""})}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id.rfind("/change/C", 0), 0u);
  EXPECT_EQ(r->status, "PENDING");
  EXPECT_EQ(r->submitted_at, "2023-11-14T22:13:20.000Z");
  auto rs = find("\\052.www.example.com.", "TXT");
  ASSERT_TRUE(rs.has_value());
  EXPECT_EQ(rs->values, std::vector<std::string>{"\"Hello World\""});
  EXPECT_EQ(store_.get_hosted_zone(zone_)->zone.record_set_count, 3);
}

TEST_F(StoreTest, CreateOfExistingSetFails) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("x.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  EXPECT_EQ(rejected({{Action::kCreate, rrset("X.example.com.", "A", 60, {"192.0.2.2"})}}),
            "InvalidChangeBatch: [Tried to create resource record set [name='x.example.com.', "
            "type='A'] but it already exists]");
}

TEST_F(StoreTest, DeleteMustMatchExactly) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("k.example.com", "A", 60, {"192.0.2.1", "192.0.2.2"})}}).ok());
  EXPECT_EQ(rejected({{Action::kDelete, rrset("n.example.com", "A", 60, {"192.0.2.1"})}}),
            "InvalidChangeBatch: [Tried to delete resource record set [name='n.example.com.', "
            "type='A'] but it was not found]");
  const std::string mismatch =
      "InvalidChangeBatch: [Tried to delete resource record set [name='k.example.com.', "
      "type='A'] but the values provided do not match the current values]";
  EXPECT_EQ(rejected({{Action::kDelete, rrset("k.example.com", "A", 60, {"192.0.2.1"})}}), mismatch);
  EXPECT_EQ(rejected({{Action::kDelete, rrset("k.example.com", "A", 61, {"192.0.2.1", "192.0.2.2"})}}),
            mismatch);
  // Values in any order match.
  EXPECT_TRUE(apply({{Action::kDelete, rrset("k.example.com.", "A", 60, {"192.0.2.2", "192.0.2.1"})}}).ok());
  EXPECT_FALSE(find("k.example.com.", "A").has_value());
}

TEST_F(StoreTest, DeleteMatchesNamesInValuesLoosely) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("c.example.com", "CNAME", 60, {"Target.example.com"})}}).ok());
  EXPECT_TRUE(apply({{Action::kDelete, rrset("c.example.com", "CNAME", 60, {"target.example.com."})}}).ok());
}

TEST_F(StoreTest, UpsertCreatesThenReplaces) {
  ASSERT_TRUE(apply({{Action::kUpsert, rrset("u.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  ASSERT_TRUE(apply({{Action::kUpsert, rrset("u.example.com", "A", 120, {"192.0.2.9", "192.0.2.8"})}}).ok());
  auto rs = find("u.example.com.", "A");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->ttl_s, 120);
  EXPECT_EQ(rs->values, (std::vector<std::string>{"192.0.2.9", "192.0.2.8"}));
}

TEST_F(StoreTest, CnameExclusivity) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("www.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  EXPECT_EQ(rejected({{Action::kCreate, rrset("www.example.com", "CNAME", 60, {"x.example.net"})}}),
            "InvalidChangeBatch: [RRSet of type CNAME with DNS name www.example.com. is not "
            "permitted as it conflicts with other records with the same DNS name in zone "
            "example.com.]");
  ASSERT_TRUE(apply({{Action::kCreate, rrset("c.example.com", "CNAME", 60, {"x.example.net"})}}).ok());
  EXPECT_EQ(rejected({{Action::kCreate, rrset("c.example.com", "CAA", 60, {"0 issue \"x\""})}}),
            "InvalidChangeBatch: [RRSet of type CAA with DNS name c.example.com. is not permitted "
            "because a conflicting RRSet of type  CNAME with the same DNS name already exists in "
            "zone example.com.]");
  EXPECT_EQ(rejected({{Action::kUpsert, rrset("example.com", "CNAME", 60, {"x.example.net"})}}),
            "InvalidChangeBatch: [RRSet of type CNAME with DNS name example.com. is not permitted "
            "at apex in zone example.com.]");
  // DELETE A then CREATE CNAME in one batch is fine; the other order is not.
  EXPECT_EQ(rejected({{Action::kCreate, rrset("www.example.com", "CNAME", 60, {"x.example.net"})},
                      {Action::kDelete, rrset("www.example.com", "A", 60, {"192.0.2.1"})}})
                .rfind("InvalidChangeBatch: [RRSet of type CNAME", 0),
            0u);
  EXPECT_TRUE(apply({{Action::kDelete, rrset("www.example.com", "A", 60, {"192.0.2.1"})},
                     {Action::kCreate, rrset("www.example.com", "CNAME", 60, {"x.example.net"})}})
                  .ok());
}

TEST_F(StoreTest, BatchIsAtomic) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("keep.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  auto before = all();
  auto r = apply({{Action::kCreate, rrset("new1.example.com", "A", 60, {"192.0.2.1"})},
                  {Action::kUpsert, rrset("keep.example.com", "A", 99, {"192.0.2.7"})},
                  {Action::kDelete, rrset("example.com", "SOA", 900, soa().values)},
                  {Action::kCreate, rrset("new2.example.com", "TXT", 60, {"unquoted"})}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidChangeBatch");
  EXPECT_EQ(all(), before);
  EXPECT_EQ(store_.stats().changes_rejected, 1);
}

TEST_F(StoreTest, ReportsEveryErrorInOneBracketedList) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("a.example.com", "TXT", 60, {"\"1\""})},
                     {Action::kCreate, rrset("b.example.com", "TXT", 60, {"\"1\""})}}).ok());
  EXPECT_EQ(rejected({{Action::kCreate, rrset("a.example.com", "TXT", 60, {"\"2\""})},
                      {Action::kCreate, rrset("b.example.com", "TXT", 60, {"\"2\""})}}),
            "InvalidChangeBatch: [Tried to create resource record set [name='a.example.com.', "
            "type='TXT'] but it already exists, Tried to create resource record set "
            "[name='b.example.com.', type='TXT'] but it already exists]");
}

TEST_F(StoreTest, SoaDeleteAndCreateInOneBatchIsAccepted) {
  RecordSet old_soa = soa();
  RecordSet new_soa = old_soa;
  std::string v = old_soa.values[0];
  new_soa.values[0] = v.substr(0, v.find(" 1 7200")) + " 2 7200 900 1209600 86400";
  auto r = apply({{Action::kDelete, old_soa}, {Action::kCreate, new_soa}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(soa().values, new_soa.values);
  // A stale DELETE (the old serial) now fails as a compare-and-swap should.
  // Every problem is listed: the DELETE did not apply, so the CREATE finds the SOA in place.
  EXPECT_EQ(rejected({{Action::kDelete, old_soa}, {Action::kCreate, new_soa}}),
            "InvalidChangeBatch: [Tried to delete resource record set [name='example.com.', "
            "type='SOA'] but the values provided do not match the current values, Tried to "
            "create resource record set [name='example.com.', type='SOA'] but it already "
            "exists]");
}

TEST_F(StoreTest, ApexSoaAndNsRulesOnFinalState) {
  EXPECT_EQ(rejected({{Action::kDelete, soa()}}),
            "InvalidChangeBatch: [A HostedZone must contain exactly one SOA record.]");
  EXPECT_EQ(rejected({{Action::kDelete, ns()}}),
            "InvalidChangeBatch: [A HostedZone must contain at least one NS record for the zone "
            "itself.]");
  EXPECT_EQ(rejected({{Action::kCreate, soa()}}),
            "InvalidChangeBatch: [Tried to create resource record set [name='example.com.', "
            "type='SOA'] but it already exists]");
  RecordSet ns2 = ns();
  ns2.values.resize(2);
  EXPECT_TRUE(apply({{Action::kUpsert, ns2}}).ok());
  EXPECT_EQ(ns().values.size(), 2u);
}

TEST_F(StoreTest, InvalidSetOfChangesForOneKey) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("r.example.com", "CNAME", 60, {"a.example.net"})}}).ok());
  EXPECT_EQ(rejected({{Action::kCreate, rrset("r.example.com", "CNAME", 60, {"b.example.net"})},
                      {Action::kDelete, rrset("r.example.com", "CNAME", 60, {"a.example.net"})}}),
            "InvalidChangeBatch: [The request contains an invalid set of changes for a resource "
            "record set 'CNAME r.example.com.']");
  EXPECT_EQ(rejected({{Action::kDelete, rrset("r.example.com", "CNAME", 60, {"a.example.net"})},
                      {Action::kDelete, rrset("r.example.com", "CNAME", 60, {"a.example.net"})}}),
            "InvalidChangeBatch: [The request contains an invalid set of changes for a resource "
            "record set 'CNAME r.example.com.']");
  EXPECT_TRUE(apply({{Action::kDelete, rrset("r.example.com", "CNAME", 60, {"a.example.net"})},
                     {Action::kUpsert, rrset("r.example.com", "CNAME", 60, {"b.example.net"})}})
                  .ok());
}

TEST_F(StoreTest, ValueErrorsAndDuplicates) {
  EXPECT_EQ(rejected({{Action::kCreate, rrset("t.example.com", "TXT", 60, {"v=spf1 -all"})}}),
            "InvalidChangeBatch: [Invalid Resource Record: FATAL problem: InvalidCharacterString "
            "(Value should be enclosed in quotation marks) encountered with 'v=spf1 -all']");
  EXPECT_EQ(rejected({{Action::kCreate, rrset("d.example.com", "A", 60, {"192.0.2.1", "192.0.2.1"})}}),
            "InvalidChangeBatch: [Duplicate Resource Record: '192.0.2.1']");
  auto out = store_.change_rrsets(
      zone_, batch({{Action::kCreate, rrset("website.example.com.br", "A", 60, {"192.0.2.1"})}}), kNow);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message,
            "[RRSet with DNS name website.example.com.br. is not permitted in zone example.com.]");
  EXPECT_EQ(rejected({{Action::kCreate, rrset("c2.example.com", "CNAME", 60, {"a.net", "b.net"})}})
                .rfind("InvalidChangeBatch: [RRSet of type CNAME", 0),
            0u);
}

TEST_F(StoreTest, ExactlyOneOfIsInvalidInput) {
  RecordSet none;
  none.name = "portal.example.com";
  none.type = "A";
  auto r = apply({{Action::kCreate, none}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            (ApiError{400, "InvalidInput",
                      "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and "
                      "ResourceRecords], or TrafficPolicyInstanceId], but found none in Change "
                      "with [Action=CREATE, Name=portal.example.com, Type=A, SetIdentifier=null]"}));
  RecordSet both = rrset("a.example.com", "A", 60, {"192.0.2.1"}, "");
  both.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d1.cloudfront.net", false};
  r = apply({{Action::kUpsert, both}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("but found more than one in Change with [Action=UPSERT"),
            std::string::npos);
  RecordSet alias_ttl;
  alias_ttl.name = "b.example.com";
  alias_ttl.type = "A";
  alias_ttl.ttl_s = 60;
  alias_ttl.alias_target = both.alias_target;
  EXPECT_EQ(apply({{Action::kCreate, alias_ttl}}).error().code, "InvalidInput");
  RecordSet bad_type = rrset("a.example.com", "AXFR", 60, {"x"});
  EXPECT_EQ(apply({{Action::kCreate, bad_type}}).error().code, "InvalidInput");
  RecordSet bad_ttl = rrset("a.example.com", "A", -1, {"192.0.2.1"});
  EXPECT_EQ(apply({{Action::kCreate, bad_ttl}}).error().code, "InvalidInput");
}

TEST_F(StoreTest, RequestLimits) {
  auto many = [](int n, Action a, const std::string& prefix) {
    std::vector<r53::Change> cs;
    for (int i = 0; i < n; ++i)
      cs.push_back({a, rrset(prefix + std::to_string(i) + ".example.com", "A", 60, {"192.0.2.1"})});
    return cs;
  };
  EXPECT_TRUE(apply(many(1000, Action::kCreate, "c")).ok());
  EXPECT_EQ(rejected(many(1001, Action::kCreate, "d")),
            "InvalidChangeBatch: [Number of records limit of 1000 exceeded.]");
  EXPECT_TRUE(apply(many(500, Action::kUpsert, "u")).ok());
  EXPECT_EQ(rejected(many(501, Action::kUpsert, "v")),
            "InvalidChangeBatch: [Number of records limit of 1000 exceeded.]");

  // 32,000 value characters: 8 TXT values of 4,000 characters = 32,000 (ok), one more char fails.
  std::string chunk = "\"" + std::string(250, 'x') + "\"";  // 252 chars per string
  auto txt_of_len = [&](size_t len) {
    std::string v;
    while (v.size() + chunk.size() + 1 <= len) v += (v.empty() ? "" : " ") + chunk;
    v += (v.empty() ? "\"" : " \"") + std::string(len - v.size() - (v.empty() ? 2 : 3), 'y') + "\"";
    EXPECT_EQ(v.size(), len);
    return v;
  };
  std::vector<r53::Change> big;
  for (int i = 0; i < 8; ++i)
    big.push_back({Action::kCreate, rrset("t" + std::to_string(i) + ".example.com", "TXT", 60, {txt_of_len(4000)})});
  EXPECT_TRUE(apply(big).ok());
  std::vector<r53::Change> over = big;
  for (auto& c : over) c.rrset.name = "o" + c.rrset.name;
  over.push_back({Action::kCreate, rrset("extra.example.com", "TXT", 60, {"\"\""})});
  over[0].rrset.values[0] = txt_of_len(4000);
  over.back().rrset.values[0] = "\"\"";  // 2 chars: 32,002 in all
  EXPECT_EQ(rejected(over), "InvalidChangeBatch: [RDATA character limit of 32000 exceeded.]");
  // UPSERT counts characters twice: 4 x 4,000 = 16,000 -> 32,000 ok; 5 -> 40,000 refused.
  std::vector<r53::Change> ups;
  for (int i = 0; i < 5; ++i)
    ups.push_back({Action::kUpsert, rrset("p" + std::to_string(i) + ".example.com", "TXT", 60, {txt_of_len(4000)})});
  EXPECT_EQ(rejected(ups), "InvalidChangeBatch: [RDATA character limit of 32000 exceeded.]");
  ups.pop_back();
  EXPECT_TRUE(apply(ups).ok());

  // 4,000 characters per value (schema: InvalidInput).
  auto r = apply({{Action::kCreate, rrset("long.example.com", "TXT", 60, {txt_of_len(4001)})}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidInput");
  EXPECT_NE(r.error().message.find("maxLength '4000'"), std::string::npos);

  // 400 values per set.
  std::vector<std::string> vals;
  for (int i = 0; i < 401; ++i) vals.push_back("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  EXPECT_EQ(rejected({{Action::kCreate, rrset("many.example.com", "A", 60, vals)}}),
            "InvalidChangeBatch: [Cannot have more than 400 records in a RRSet.]");
  vals.pop_back();
  EXPECT_TRUE(apply({{Action::kCreate, rrset("many.example.com", "A", 60, vals)}}).ok());
}

TEST_F(StoreTest, AliasTargetsMustExistInTheSameZone) {
  RecordSet alias;
  alias.name = "www.example.com";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{zone_, "Target.Example.com", false};
  auto r = apply({{Action::kCreate, alias}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "[Tried to create an alias that targets target.example.com., type A in zone " +
                                   zone_ + ", but that target was not found]");
  // Target created earlier in the same batch: fine.
  ASSERT_TRUE(apply({{Action::kCreate, rrset("target.example.com", "A", 60, {"192.0.2.1"})},
                     {Action::kCreate, alias}}).ok());
  auto rs = find("www.example.com.", "A");
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->alias_target->dns_name, "target.example.com.");
  EXPECT_FALSE(rs->ttl_s.has_value());
  // Another zone's alias (CloudFront) is not checked; exact DELETE of an alias works.
  RecordSet cf;
  cf.name = "example.com";
  cf.type = "AAAA";
  cf.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net", false};
  ASSERT_TRUE(apply({{Action::kCreate, cf}}).ok());
  RecordSet wrong = cf;
  wrong.alias_target->evaluate_target_health = true;
  EXPECT_NE(rejected({{Action::kDelete, wrong}}).find("do not match"), std::string::npos);
  EXPECT_TRUE(apply({{Action::kDelete, cf}}).ok());
  RecordSet empty = cf;
  empty.alias_target->dns_name = "";
  EXPECT_EQ(rejected({{Action::kCreate, empty}}),
            "InvalidChangeBatch: [FATAL problem: DomainNameEmpty (Domain name is empty) "
            "encountered with '']");
}

TEST_F(StoreTest, RoutingPolicySetsAreStoredAndListed) {
  RecordSet blue = rrset("w.example.com", "A", 60, {"192.0.2.1"}, "blue");
  blue.weight = 10;
  RecordSet green = rrset("w.example.com", "A", 60, {"192.0.2.2"}, "green");
  green.weight = 20;
  green.health_check_id = "abcdef01-2345-6789-abcd-ef0123456789";
  RecordSet lat = rrset("l.example.com", "A", 60, {"192.0.2.3"}, "use1");
  lat.region = "us-east-1";
  RecordSet geo = rrset("g.example.com", "A", 60, {"192.0.2.4"}, "Default");
  geo.geo_location = r53::GeoLocation{"", "*", ""};
  RecordSet fo = rrset("f.example.com", "A", 60, {"192.0.2.5"}, "p");
  fo.failover = "PRIMARY";
  RecordSet mv = rrset("m.example.com", "A", 60, {"192.0.2.6"}, "m1");
  mv.multi_value_answer = true;
  ASSERT_TRUE(apply({{Action::kCreate, blue}, {Action::kCreate, green}, {Action::kCreate, lat},
                     {Action::kCreate, geo}, {Action::kCreate, fo}, {Action::kCreate, mv}}).ok());
  auto g = find("w.example.com.", "A", "green");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->weight, 20);
  EXPECT_EQ(g->health_check_id, green.health_check_id);
  EXPECT_EQ(find("g.example.com.", "A", "Default")->geo_location->country_code, "*");
  // Simple set next to a weighted group: refused. Latency set next to weighted: refused.
  EXPECT_NE(rejected({{Action::kCreate, rrset("w.example.com", "A", 60, {"192.0.2.9"})}}).find("cannot be created"),
            std::string::npos);
  RecordSet lat2 = rrset("w.example.com", "A", 60, {"192.0.2.9"}, "x");
  lat2.region = "us-east-1";
  EXPECT_EQ(rejected({{Action::kUpsert, lat2}}),
            "InvalidChangeBatch: [RRSet with DNS name w.example.com., type A, SetIdentifier x, and "
            "Region Name=us-east-1 cannot be created because a non-latency RRSet with the same name "
            "and type already exists.]");
  // Delete error bracket carries the set identifier.
  RecordSet gone = blue;
  gone.set_identifier = "red";
  EXPECT_EQ(rejected({{Action::kDelete, gone}}),
            "InvalidChangeBatch: [Tried to delete resource record set [name='w.example.com.', "
            "type='A', set-identifier='red'] but it was not found]");
  // Policy sets of type NS are refused.
  RecordSet wns = rrset("sub.example.com", "NS", 60, {"ns1.example.net"}, "w");
  wns.weight = 1;
  EXPECT_EQ(rejected({{Action::kCreate, wns}}),
            "InvalidChangeBatch: [RRSet with DNS name sub.example.com., type NS cannot use a "
            "weighted routing policy]");
  // SetIdentifier without a policy: InvalidInput.
  EXPECT_EQ(apply({{Action::kCreate, rrset("n.example.com", "A", 60, {"192.0.2.1"}, "s")}}).error().code,
            "InvalidInput");
}

TEST_F(StoreTest, PaginationWalksEverythingOnceWithGroups) {
  // ~3,000 sets: simple sets plus weighted groups that straddle page boundaries.
  for (int chunk = 0; chunk < 3; ++chunk) {
    std::vector<r53::Change> cs;
    for (int i = chunk * 333; i < (chunk + 1) * 333; ++i) {
      std::string n = "h" + std::to_string(i) + ".example.com";
      cs.push_back({Action::kCreate, rrset(n, "A", 60, {"192.0.2.1"})});
      cs.push_back({Action::kCreate, rrset(n, "TXT", 60, {"\"t\""})});
      if (i % 10 == 0) {
        for (int w = 0; w < 7; ++w) {
          RecordSet rs = rrset("g" + std::to_string(i) + ".example.com", "A", 60, {"192.0.2.1"},
                               "id" + std::to_string(w));
          rs.weight = w;
          cs.push_back({Action::kCreate, rs});
        }
      }
    }
    ASSERT_TRUE(apply(cs).ok());
  }
  const size_t total = 2 + 999 * 2 + 100 * 7;
  for (const char* page_size : {"300", "7", "1"}) {
    std::vector<RecordSet> seen;
    RrsetQuery q{.max_items = page_size};
    int pages = 0;
    while (true) {
      auto p = store_.list_rrsets(zone_, q);
      ASSERT_TRUE(p.ok());
      ++pages;
      EXPECT_LE(p->rrsets.size(), static_cast<size_t>(std::stoi(page_size)));
      seen.insert(seen.end(), p->rrsets.begin(), p->rrsets.end());
      if (!p->is_truncated) break;
      q.name = p->next_record_name;
      q.type = p->next_record_type;
      q.identifier.reset();
      if (!p->next_record_identifier.empty()) q.identifier = p->next_record_identifier;
    }
    ASSERT_EQ(seen.size(), total) << page_size;
    for (size_t i = 1; i < seen.size(); ++i) {
      ASSERT_LT(r53::compare_rrset_order(seen[i - 1].name, seen[i - 1].type, seen[i - 1].set_identifier,
                                         seen[i].name, seen[i].type, seen[i].set_identifier),
                0)
          << i;
    }
  }
}

TEST_F(StoreTest, ListParameters) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("b.example.com", "A", 60, {"192.0.2.1"})},
                     {Action::kCreate, rrset("b.example.com", "MX", 60, {"10 mx.example.com"})},
                     {Action::kCreate, rrset("c.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  auto p = store_.list_rrsets(zone_, {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->max_items, "100");
  EXPECT_EQ(p->rrsets.size(), 5u);
  EXPECT_FALSE(p->is_truncated);
  p = store_.list_rrsets(zone_, {.name = "B.example.com", .type = "CNAME", .max_items = "1"});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->rrsets.size(), 1u);
  EXPECT_EQ(p->rrsets[0].type, "MX");  // first (name, type) >= (b, CNAME)
  EXPECT_TRUE(p->is_truncated);
  EXPECT_EQ(p->next_record_name, "c.example.com.");
  EXPECT_EQ(p->next_record_type, "A");
  EXPECT_EQ(p->next_record_identifier, "");
  p = store_.list_rrsets(zone_, {.name = "nonexistent.example.com"});  // non-existent is fine
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->rrsets.empty());
  p = store_.list_rrsets(zone_, {.max_items = "1000"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rrsets.size(), 5u);
  EXPECT_EQ(store_.list_rrsets(zone_, {.type = "A"}).error().code, "InvalidInput");
  EXPECT_EQ(store_.list_rrsets(zone_, {.max_items = "0"}).error().code, "InvalidInput");
  EXPECT_EQ(store_.list_rrsets(zone_, {.name = "a.example.com", .type = "BOGUS"}).error().code,
            "InvalidInput");
}

TEST_F(StoreTest, GetChangeGoesInsync) {
  StoreOptions o = store_.options();
  o.insync_after_ms = 5000;
  store_.set_options(o);
  auto c = apply({{Action::kCreate, rrset("x.example.com", "A", 60, {"192.0.2.1"})}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(store_.get_change(c->id, kNow + 4999)->status, "PENDING");
  EXPECT_EQ(store_.get_change(r53::bare_id(c->id), kNow + 5000)->status, "INSYNC");
  auto none = store_.get_change("CNOSUCH", kNow);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "NoSuchChange");
  EXPECT_EQ(none.error().http_status, 404);
  // Comment is echoed.
  auto cc = store_.change_rrsets(
      zone_, batch({{Action::kCreate, rrset("y.example.com", "A", 60, {"192.0.2.1"})}}, "hi"), kNow);
  EXPECT_EQ(cc->comment, "hi");
  EXPECT_EQ(store_.get_change(cc->id, kNow)->comment, "hi");
}

TEST_F(StoreTest, PriorRequestNotComplete) {
  StoreOptions o = store_.options();
  o.apply_time_ms = 100;
  store_.set_options(o);
  ASSERT_TRUE(apply({{Action::kCreate, rrset("x.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  EXPECT_EQ(store_.busy_until_ms(zone_), kNow + 100);
  auto r = store_.change_rrsets(
      zone_, batch({{Action::kCreate, rrset("y.example.com", "A", 60, {"192.0.2.1"})}}), kNow + 99);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), (ApiError{400, "PriorRequestNotComplete",
                                 "The request was rejected because Route 53 was still processing a "
                                 "prior request."}));
  EXPECT_TRUE(store_.change_rrsets(
      zone_, batch({{Action::kCreate, rrset("y.example.com", "A", 60, {"192.0.2.1"})}}), kNow + 100).ok());
}

TEST_F(StoreTest, Stats) {
  ASSERT_TRUE(apply({{Action::kCreate, rrset("x.example.com", "A", 60, {"192.0.2.1", "192.0.2.2"})},
                     {Action::kUpsert, rrset("y.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  EXPECT_FALSE(apply({{Action::kCreate, rrset("x.example.com", "A", 60, {"192.0.2.1"})}}).ok());
  StoreStats s = store_.stats();
  EXPECT_EQ(s.changes_accepted, 1);
  EXPECT_EQ(s.changes_rejected, 1);
  EXPECT_EQ(s.records_changed, 3);
  EXPECT_EQ(s.zones, 1);
  EXPECT_EQ(s.rrsets, 4);
}

TEST_F(StoreTest, JsonStateRoundTrips) {
  RecordSet w = rrset("w.example.com", "A", 60, {"192.0.2.1"}, "blue");
  w.weight = 5;
  w.geo_proximity_location = std::nullopt;
  RecordSet alias;
  alias.name = "a.example.com";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d1.cloudfront.net", true};
  auto c = store_.change_rrsets(
      zone_, batch({{Action::kCreate, w}, {Action::kCreate, alias},
                    {Action::kCreate, rrset("t.example.com", "TXT", 60, {"\"quote \\\" \xc3\xa9\""})}},
                   "c1"),
      kNow);
  ASSERT_TRUE(c.ok());
  std::string json = store_.to_json();

  Store copy(StoreOptions{.seed = 7});
  ASSERT_TRUE(copy.load_json(json).ok());
  EXPECT_EQ(copy.to_json(), json);
  EXPECT_EQ(copy.list_rrsets(zone_, {})->rrsets, store_.list_rrsets(zone_, {})->rrsets);
  EXPECT_EQ(copy.get_hosted_zone(zone_)->name_servers, store_.get_hosted_zone(zone_)->name_servers);
  EXPECT_EQ(copy.get_change(c->id, kNow)->comment, "c1");
  EXPECT_EQ(copy.stats().changes_accepted, 1);

  // A bad document leaves the store as it was.
  EXPECT_FALSE(copy.load_json("{\"version\":1,\"zones\":[{\"id\":\"Z\"}]}").ok());
  EXPECT_FALSE(copy.load_json("not json").ok());
  EXPECT_FALSE(copy.load_json("{\"version\":2}").ok());
  EXPECT_EQ(copy.to_json(), json);
}

}  // namespace
}  // namespace r53d::sim

namespace r53d::sim {
namespace {

TEST(StoreQuotas, ZoneAndRrsetQuotas) {
  Store store(StoreOptions{.max_rrsets_per_zone = 3, .max_hosted_zones = 2, .seed = 9});
  auto z = store.create_hosted_zone({.name = "q.example", .caller_reference = "a"}, kNow);
  ASSERT_TRUE(z.ok());
  ASSERT_TRUE(store.create_hosted_zone({.name = "r.example", .caller_reference = "b"}, kNow).ok());
  auto third = store.create_hosted_zone({.name = "s.example", .caller_reference = "c"}, kNow);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "TooManyHostedZones");
  std::string id = r53::bare_id(z->view.zone.id);
  ASSERT_TRUE(store.change_rrsets(id, batch({{Action::kCreate, rrset("a.q.example", "A", 1, {"192.0.2.1"})}}), kNow).ok());
  auto over = store.change_rrsets(id, batch({{Action::kCreate, rrset("b.q.example", "A", 1, {"192.0.2.1"})}}), kNow);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message, "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: " + id + "]");
  EXPECT_EQ(store.get_hosted_zone(id)->zone.record_set_count, 3);
}

// Route 53's MAX_RRSETS_BY_ZONE: 10,000 record sets per zone unless raised, the apex SOA and NS
// included (a zone of 2 takes 9,998 more), refused with InvalidChangeBatch and the zone ID.
TEST(StoreQuotas, TenThousandRecordSetsPerZoneByDefaultSoaAndNsIncluded) {
  Store store(StoreOptions{.seed = 11});
  EXPECT_EQ(store.options().max_rrsets_per_zone, 10000);
  auto z = store.create_hosted_zone({.name = "big.example", .caller_reference = "a"}, kNow);
  ASSERT_TRUE(z.ok());
  std::string id = r53::bare_id(z->view.zone.id);
  ASSERT_EQ(store.get_hosted_zone(id)->zone.record_set_count, 2);
  for (int b = 0; b < 10; ++b) {
    std::vector<r53::Change> changes;
    for (int i = b * 1000; i < std::min(9998, (b + 1) * 1000); ++i) {
      changes.push_back({Action::kCreate, rrset("h" + std::to_string(i) + ".big.example", "A", 60, {"192.0.2.1"})});
    }
    ASSERT_TRUE(store.change_rrsets(id, batch(changes), kNow).ok()) << "batch " << b;
  }
  EXPECT_EQ(store.get_hosted_zone(id)->zone.record_set_count, 10000);
  auto over = store.change_rrsets(
      id, batch({{Action::kCreate, rrset("one-more.big.example", "A", 60, {"192.0.2.1"})}}), kNow);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().http_status, 400);
  EXPECT_EQ(over.error().code, "InvalidChangeBatch");
  EXPECT_EQ(over.error().message, "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: " + id + "]");
  EXPECT_EQ(store.get_hosted_zone(id)->zone.record_set_count, 10000) << "nothing applied";
  // Another type at an existing name is another record set; a new value in a set is not.
  auto txt = store.change_rrsets(
      id, batch({{Action::kCreate, rrset("h0.big.example", "TXT", 60, {"\"t\""})}}), kNow);
  EXPECT_FALSE(txt.ok());
  EXPECT_TRUE(store.change_rrsets(
      id, batch({{Action::kUpsert, rrset("h0.big.example", "A", 60, {"192.0.2.1", "192.0.2.2"})}}), kNow).ok());
  // Raised, as AWS support raises it: the same change passes.
  StoreOptions raised = store.options();
  raised.max_rrsets_per_zone = 10001;
  store.set_options(raised);
  EXPECT_TRUE(store.change_rrsets(
      id, batch({{Action::kCreate, rrset("one-more.big.example", "A", 60, {"192.0.2.1"})}}), kNow).ok());
}

TEST(StoreQuotas, RecordSetQuotaCountsSetIdentifiersAndLetsAFullZoneShrink) {
  Store store(StoreOptions{.max_rrsets_per_zone = 4, .seed = 12});
  auto z = store.create_hosted_zone({.name = "q.example", .caller_reference = "a"}, kNow);
  ASSERT_TRUE(z.ok());
  std::string id = r53::bare_id(z->view.zone.id);
  RecordSet blue = rrset("w.q.example", "A", 60, {"192.0.2.1"}, "blue");
  blue.weight = 10;
  RecordSet green = rrset("w.q.example", "A", 60, {"192.0.2.2"}, "green");
  green.weight = 20;
  ASSERT_TRUE(store.change_rrsets(id, batch({{Action::kCreate, blue}, {Action::kCreate, green}}), kNow).ok());
  EXPECT_EQ(store.get_hosted_zone(id)->zone.record_set_count, 4) << "one set per identifier";
  RecordSet red = rrset("w.q.example", "A", 60, {"192.0.2.3"}, "red");
  red.weight = 30;
  auto over = store.change_rrsets(id, batch({{Action::kCreate, red}}), kNow);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message, "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: " + id + "]");
  // Full: a replacement (DELETE + CREATE of another set) keeps the count and passes.
  EXPECT_TRUE(store.change_rrsets(id, batch({{Action::kDelete, blue}, {Action::kCreate, red}}), kNow).ok());
  // The quota lowered below what the zone holds: it may still shrink, not grow back.
  StoreOptions lowered = store.options();
  lowered.max_rrsets_per_zone = 2;
  store.set_options(lowered);
  EXPECT_TRUE(store.change_rrsets(id, batch({{Action::kDelete, red}}), kNow).ok());
  EXPECT_FALSE(store.change_rrsets(id, batch({{Action::kCreate, red}}), kNow).ok());
  lowered.max_rrsets_per_zone = 0;  // unlimited
  store.set_options(lowered);
  EXPECT_TRUE(store.change_rrsets(id, batch({{Action::kCreate, red}, {Action::kCreate, blue}}), kNow).ok());
}

TEST(StoreQuotas, CommentLimit) {
  Store store(StoreOptions{.seed = 3});
  auto z = store.create_hosted_zone({.name = "q.example", .caller_reference = "a"}, kNow);
  std::string id = r53::bare_id(z->view.zone.id);
  auto r = store.change_rrsets(
      id, batch({{Action::kCreate, rrset("a.q.example", "A", 1, {"192.0.2.1"})}}, std::string(257, 'c')), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidInput");
  EXPECT_TRUE(store.change_rrsets(
      id, batch({{Action::kCreate, rrset("a.q.example", "A", 1, {"192.0.2.1"})}}, std::string(256, 'c')), kNow).ok());
  auto long_comment = store.create_hosted_zone(
      {.name = "x.example", .caller_reference = "b", .comment = std::string(257, 'c')}, kNow);
  EXPECT_EQ(long_comment.error().code, "InvalidInput");
}

}  // namespace
}  // namespace r53d::sim
