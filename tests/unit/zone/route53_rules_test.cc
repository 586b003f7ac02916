// Tests for Route 53's per-RRset and per-name rules (src/zone/route53_rules.cc).
#include "zone/route53_rules.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/unit/zone/fixture.h"

namespace r53d::zone {
namespace {

using testing::N;
using testing::T;

// The rule a check found, or "ok".
std::string rule_of(const Check& c) { return c ? std::string(rule_name(c->rule)) : "ok"; }

TEST(Route53Rules, EveryRuleHasItsOwnStableName) {
  std::set<std::string> names;
  for (size_t i = 0; i < kRuleCount; ++i) {
    std::string n(rule_name(static_cast<Rule>(i)));
    EXPECT_FALSE(n.empty() || n == "unknown") << i;
    EXPECT_TRUE(names.insert(n).second) << n;
  }
  // Metrics depend on these spellings.
  EXPECT_EQ(rule_name(Rule::kDnssecType), "dnssec-type");
  EXPECT_EQ(rule_name(Rule::kLargerThanRequest), "larger-than-request");
  EXPECT_EQ(rule_name(Rule::kCount), "unknown");
}

TEST(Route53Rules, Types) {
  struct C {
    const char* type;
    const char* rule;
  } cases[] = {
      {"A", "ok"},          {"TXT", "ok"},           {"DS", "ok"},          {"HTTPS", "ok"},
      {"SOA", "ok"},        {"RRSIG", "dnssec-type"}, {"NSEC", "dnssec-type"}, {"NSEC3", "dnssec-type"},
      {"NSEC3PARAM", "dnssec-type"}, {"DNSKEY", "dnssec-type"}, {"CDS", "dnssec-type"}, {"CDNSKEY", "dnssec-type"},
      {"DNAME", "unsupported-type"}, {"LOC", "unsupported-type"}, {"HINFO", "unsupported-type"},
      {"TYPE65534", "unsupported-type"},
  };
  for (const auto& c : cases) EXPECT_EQ(rule_of(check_type(T(c.type))), c.rule) << c.type;
  EXPECT_EQ(check_type(T("NSEC3"))->text, "DNSSEC type NSEC3: Route 53 signs zones itself and cannot hold it");
  EXPECT_EQ(check_type(T("LOC"))->text, "Route 53 cannot hold type LOC");
  EXPECT_TRUE(is_dnssec_type(T("RRSIG")));
  EXPECT_FALSE(is_dnssec_type(T("DS")));
  EXPECT_TRUE(is_meta_type(LDNS_RR_TYPE_OPT));
  EXPECT_TRUE(is_meta_type(LDNS_RR_TYPE_TSIG));
  EXPECT_TRUE(is_meta_type(LDNS_RR_TYPE_ANY));
  EXPECT_FALSE(is_meta_type(LDNS_RR_TYPE_TXT));
}

TEST(Route53Rules, Names) {
  Name apex = N("example.com");
  EXPECT_EQ(rule_of(check_wildcard_ns(N("*.example.com"), T("NS"))), "wildcard-ns");
  EXPECT_EQ(rule_of(check_wildcard_ns(N("*.example.com"), T("A"))), "ok");
  EXPECT_EQ(rule_of(check_wildcard_ns(N("a.*.example.com"), T("NS"))), "ok");  // '*' not first: literal
  EXPECT_EQ(rule_of(check_cname_at_apex(apex, N("EXAMPLE.com"), T("CNAME"))), "cname-at-apex");
  EXPECT_EQ(rule_of(check_cname_at_apex(apex, N("www.example.com"), T("CNAME"))), "ok");
  EXPECT_EQ(rule_of(check_apex_ns(apex, apex, T("NS"))), "apex-ns");
  EXPECT_EQ(rule_of(check_apex_ns(apex, N("sub.example.com"), T("NS"))), "ok");
  EXPECT_EQ(rule_of(check_cname_alone({T("CNAME")})), "ok");
  EXPECT_EQ(rule_of(check_cname_alone({T("A"), T("MX")})), "ok");
  Check beside = check_cname_alone({T("A"), T("CNAME"), T("TXT")});
  EXPECT_EQ(rule_of(beside), "cname-beside-data");
  EXPECT_EQ(beside->text, "CNAME beside other data (A): Route 53 refuses it, RFC 2136 ignores it");
}

TEST(Route53Rules, Limits) {
  EXPECT_EQ(rule_of(check_ttl(0)), "ok");
  EXPECT_EQ(rule_of(check_ttl(2147483647u)), "ok");
  EXPECT_EQ(rule_of(check_ttl(2147483648u)), "ttl-out-of-range");
  EXPECT_EQ(rule_of(check_value_count(400)), "ok");
  EXPECT_EQ(rule_of(check_value_count(401)), "too-many-values");
  EXPECT_EQ(check_value_count(401)->text, "401 records; Route 53 allows 400 per RRset");
  EXPECT_EQ(rule_of(check_value_length(4000)), "ok");
  EXPECT_EQ(rule_of(check_value_length(4001)), "value-too-long");

  // DELETE + CREATE both count: 16,000 characters is the most one RRset can have with no reserve.
  EXPECT_EQ(rule_of(check_request_size({400, 16000}, {})), "ok");
  EXPECT_EQ(rule_of(check_request_size({400, 16001}, {})), "larger-than-request");
  EXPECT_EQ(rule_of(check_request_size({400, 15950}, {2, 100})), "ok");
  EXPECT_EQ(rule_of(check_request_size({400, 15951}, {2, 100})), "larger-than-request");
  EXPECT_EQ(rule_of(check_request_size({499, 10}, {2, 0})), "ok");
  EXPECT_EQ(rule_of(check_request_size({500, 10}, {2, 0})), "larger-than-request");
  EXPECT_EQ(check_request_size({400, 16001}, {})->text,
            "replacing it takes 800 records and 32002 characters; one Route 53 request holds 1000 and 32000");
}

TEST(Route53Rules, ReadOnlySets) {
  struct C {
    const char* what;
    std::set<uint16_t> ro;
    const char* type;
    const char* rule;
  } cases[] = {
      {"nothing read-only", {}, "CNAME", "ok"},
      {"alias A, plain A", {T("A")}, "A", "read-only-same-type"},
      {"alias A, plain AAAA", {T("A")}, "AAAA", "ok"},
      {"alias A, plain CNAME", {T("A")}, "CNAME", "cname-beside-read-only"},
      {"alias CNAME, plain TXT", {T("CNAME")}, "TXT", "read-only-cname"},
      {"alias CNAME, plain CNAME", {T("CNAME")}, "CNAME", "read-only-same-type"},
      {"weighted TXT and alias A, plain MX", {T("A"), T("TXT")}, "MX", "ok"},
  };
  for (const auto& c : cases) EXPECT_EQ(rule_of(check_read_only(T(c.type), ReadOnlyAt{c.ro})), c.rule) << c.what;
}

TEST(Route53Rules, ReadOnlyAtFromTheMirror) {
  Mirror m = testing::load_example();
  ReadOnlyAt geo = ReadOnlyAt::from_sets(m.at_name(N("geo.example.com")));
  EXPECT_EQ(geo.types, std::set<uint16_t>{T("A")});
  EXPECT_FALSE(geo.has_cname());
  EXPECT_TRUE(ReadOnlyAt::from_sets(m.at_name(N("www.example.com"))).empty());  // plain sets only

  // An alias CNAME blocks every other type at its name.
  auto z = testing::example_zone();
  r53::RecordSet alias;
  alias.name = "cdn.example.com.";
  alias.type = "CNAME";
  alias.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net.", false};
  z.push_back(alias);
  auto m2 = Mirror::load(N("example.com"), z);
  ASSERT_TRUE(m2.ok());
  ReadOnlyAt cdn = ReadOnlyAt::from_sets(m2->at_name(N("cdn.example.com")));
  EXPECT_TRUE(cdn.has_cname());
  EXPECT_EQ(rule_of(check_read_only(T("TXT"), cdn)), "read-only-cname");
}

}  // namespace
}  // namespace r53d::zone
