// Tests for RFC 2136 UPDATE processing (src/update/update.cc): every prerequisite form, every
// update form, the special rules, every rcode, and the order of processing.
#include "update/update.h"

#include <gtest/gtest.h>

#include "tests/unit/zone/fixture.h"
#include "zone/route53_rules.h"

namespace r53d::update {
namespace {

using testing::dump;
using testing::make_update;
using testing::N;
using testing::T;

struct Expect {
  std::string owner;
  std::string type;
  std::string state;  // testing::dump() form
};

struct Case {
  const char* what;
  std::vector<std::string> prereqs;
  std::vector<std::string> updates;
  ldns_pkt_rcode rcode;
  std::vector<Expect> expect = {};
  bool changed = true;  // for NOERROR cases: the working copy differs from the mirror afterwards
};

void run(const std::vector<Case>& cases, const Grant& grant) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    zone::Mirror m = testing::load_example();
    zone::WorkingCopy wc(m);
    auto pkt = make_update(c.prereqs, c.updates);
    Outcome o = apply(pkt.get(), grant, wc);
    EXPECT_EQ(rcode_name(o.rcode), std::string(rcode_name(c.rcode))) << o.reason();
    EXPECT_EQ(o.ok(), o.status.ok());
    if (!o.ok()) {
      EXPECT_FALSE(o.reason().empty());
      EXPECT_FALSE(wc.changed()) << "a failed UPDATE left changes behind";
    } else {
      EXPECT_EQ(wc.changed(), c.changed);
    }
    for (const auto& e : c.expect)
      EXPECT_EQ(dump(wc.find(N(e.owner), T(e.type))), e.state) << e.owner << " " << e.type;
  }
}

const AllowAll kAll;

// ---- zone section (RFC 2136 §3.1) ---------------------------------------------------------

TEST(UpdateZoneSection, RcodesForBadZoneSections) {
  zone::Mirror m = testing::load_example();
  struct Z {
    const char* what;
    std::string zone;
    ldns_rr_class cls;
    ldns_pkt_rcode rcode;
  };
  std::vector<Z> cases = {
      {"exact zone", "example.com.", LDNS_RR_CLASS_IN, LDNS_RCODE_NOERROR},
      {"zone name in another case", "EXAMPLE.Com", LDNS_RR_CLASS_IN, LDNS_RCODE_NOERROR},
      {"a name inside the zone is not the zone", "sub.example.com.", LDNS_RR_CLASS_IN, LDNS_RCODE_NOTAUTH},
      {"another zone", "example.org.", LDNS_RR_CLASS_IN, LDNS_RCODE_NOTAUTH},
      {"the parent", "com.", LDNS_RR_CLASS_IN, LDNS_RCODE_NOTAUTH},
      {"class CH", "example.com.", LDNS_RR_CLASS_CH, LDNS_RCODE_NOTAUTH},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    zone::WorkingCopy wc(m);
    auto pkt = make_update({}, {"www.example.com. 300 IN A 192.0.2.3"}, c.zone, c.cls);
    Outcome o = apply(pkt.get(), kAll, wc);
    EXPECT_STREQ(rcode_name(o.rcode), rcode_name(c.rcode)) << o.reason();
  }
}

TEST(UpdateZoneSection, FormerrForCountAndType) {
  zone::Mirror m = testing::load_example();
  auto base = make_update({}, {});
  {
    SCOPED_TRACE("two zone entries");
    zone::PktPtr p(ldns_pkt_clone(base.get()));
    ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, testing::rr_from_text("example.com. 0 IN SOA").release());
    zone::WorkingCopy wc(m);
    EXPECT_EQ(apply(p.get(), kAll, wc).rcode, LDNS_RCODE_FORMERR);
  }
  {
    SCOPED_TRACE("no zone entry");
    zone::PktPtr p(ldns_pkt_clone(base.get()));
    ldns_rr_list_deep_free(ldns_pkt_question(p.get()));
    ldns_pkt_set_question(p.get(), ldns_rr_list_new());
    ldns_pkt_set_qdcount(p.get(), 0);
    zone::WorkingCopy wc(m);
    EXPECT_EQ(apply(p.get(), kAll, wc).rcode, LDNS_RCODE_FORMERR);
  }
  {
    SCOPED_TRACE("zone type A");
    zone::PktPtr p(ldns_pkt_clone(base.get()));
    ldns_rr_set_type(ldns_rr_list_rr(ldns_pkt_question(p.get()), 0), LDNS_RR_TYPE_A);
    zone::WorkingCopy wc(m);
    EXPECT_EQ(apply(p.get(), kAll, wc).rcode, LDNS_RCODE_FORMERR);
  }
  zone::Name z;
  EXPECT_TRUE(read_zone_section(base.get(), &z).ok());
  EXPECT_EQ(z, N("example.com"));
}

// ---- prerequisites (RFC 2136 §2.4, §3.2) --------------------------------------------------

TEST(UpdatePrerequisites, EveryFormSucceedsAndFails) {
  run({
          // Name is in use (ANY ANY) -> NXDOMAIN
          {"yxdomain, name with data", {"www.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"yxdomain, absent name", {"nope.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NXDOMAIN},
          {"yxdomain, empty non-terminal is not in use", {"b.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NXDOMAIN},
          {"yxdomain, read-only alias counts as in use", {"alias.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"yxdomain, wildcard is literal", {"x.wild.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NXDOMAIN},
          {"yxdomain, the wildcard owner itself", {"*.wild.example.com. 0 ANY ANY"}, {}, LDNS_RCODE_NOERROR, {}, false},
          // Name is not in use (NONE ANY) -> YXDOMAIN
          {"nxdomain, absent name", {"nope.example.com. 0 NONE ANY"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"nxdomain, name with data", {"www.example.com. 0 NONE ANY"}, {}, LDNS_RCODE_YXDOMAIN},
          {"nxdomain, empty non-terminal", {"b.example.com. 0 NONE ANY"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"nxdomain, name case-insensitive", {"WWW.Example.COM. 0 NONE ANY"}, {}, LDNS_RCODE_YXDOMAIN},
          // RRset exists, value independent (ANY type) -> NXRRSET
          {"yxrrset, present", {"www.example.com. 0 ANY A"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"yxrrset, other type", {"www.example.com. 0 ANY AAAA"}, {}, LDNS_RCODE_NXRRSET},
          {"yxrrset, CNAME is not followed", {"cname.example.com. 0 ANY A"}, {}, LDNS_RCODE_NXRRSET},
          {"yxrrset, alias A exists", {"alias.example.com. 0 ANY A"}, {}, LDNS_RCODE_NOERROR, {}, false},
          // RRset does not exist (NONE type) -> YXRRSET
          {"nxrrset, absent", {"www.example.com. 0 NONE AAAA"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"nxrrset, present", {"www.example.com. 0 NONE A"}, {}, LDNS_RCODE_YXRRSET},
          {"nxrrset, routing group present", {"geo.example.com. 0 NONE A"}, {}, LDNS_RCODE_YXRRSET},
          // RRset exists, value dependent (IN) -> NXRRSET
          {"values equal", {"www.example.com. 0 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2"}, {},
           LDNS_RCODE_NOERROR, {}, false},
          {"values equal in another order", {"www.example.com. 0 IN A 192.0.2.2", "www.example.com. 0 IN A 192.0.2.1"}, {},
           LDNS_RCODE_NOERROR, {}, false},
          {"duplicates collapse", {"www.example.com. 0 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2",
                                   "www.example.com. 0 IN A 192.0.2.1"}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"strict subset fails", {"www.example.com. 0 IN A 192.0.2.1"}, {}, LDNS_RCODE_NXRRSET},
          {"superset fails", {"www.example.com. 0 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2",
                              "www.example.com. 0 IN A 192.0.2.3"}, {}, LDNS_RCODE_NXRRSET},
          {"other value fails", {"mail.example.com. 0 IN A 192.0.2.26"}, {}, LDNS_RCODE_NXRRSET},
          {"absent RRset fails", {"nope.example.com. 0 IN A 192.0.2.1"}, {}, LDNS_RCODE_NXRRSET},
          {"names in RDATA compare case-insensitively", {"example.com. 0 IN MX 10 MAIL.example.COM."}, {},
           LDNS_RCODE_NOERROR, {}, false},
          {"two RRsets, both equal", {"mail.example.com. 0 IN A 192.0.2.25", "cname.example.com. 0 IN CNAME www.example.com."},
           {}, LDNS_RCODE_NOERROR, {}, false},
          {"two RRsets, second differs", {"mail.example.com. 0 IN A 192.0.2.25", "cname.example.com. 0 IN CNAME mail.example.com."},
           {}, LDNS_RCODE_NXRRSET},
          {"value-dependent on an alias cannot be compared", {"alias.example.com. 0 IN A 192.0.2.1"}, {}, LDNS_RCODE_REFUSED},
      },
      kAll);
}

TEST(UpdatePrerequisites, FormatErrorsAndNotzone) {
  run({
          {"TTL not 0", {"www.example.com. 5 ANY A"}, {}, LDNS_RCODE_FORMERR},
          {"TTL not 0 on a value prerequisite", {"www.example.com. 300 IN A 192.0.2.1"}, {}, LDNS_RCODE_FORMERR},
          {"outside the zone", {"www.example.org. 0 ANY ANY"}, {}, LDNS_RCODE_NOTZONE},
          {"class ANY with RDATA", {"www.example.com. 0 ANY A 192.0.2.1"}, {}, LDNS_RCODE_FORMERR},
          {"class NONE with RDATA", {"www.example.com. 0 NONE A 192.0.2.1"}, {}, LDNS_RCODE_FORMERR},
          {"class CH", {"www.example.com. 0 CH A 192.0.2.1"}, {}, LDNS_RCODE_FORMERR},
          {"class ANY with AXFR", {"www.example.com. 0 ANY AXFR"}, {}, LDNS_RCODE_FORMERR},
          {"class IN with type ANY", {"www.example.com. 0 IN ANY \\# 0"}, {}, LDNS_RCODE_FORMERR},
          // RFC 2136 §3.2.5: the first failing prerequisite decides.
          {"YXDOMAIN before a later FORMERR", {"www.example.com. 0 NONE ANY", "www.example.com. 5 ANY A"}, {},
           LDNS_RCODE_YXDOMAIN},
          {"FORMERR before a later YXDOMAIN", {"www.example.com. 5 ANY A", "www.example.com. 0 NONE ANY"}, {},
           LDNS_RCODE_FORMERR},
          {"TTL checked before NOTZONE", {"www.example.org. 5 ANY ANY"}, {}, LDNS_RCODE_FORMERR},
          {"NOTZONE before a later NXRRSET", {"www.example.org. 0 ANY ANY", "nope.example.com. 0 ANY A"}, {},
           LDNS_RCODE_NOTZONE},
          // Value-dependent comparisons come after every other prerequisite (§3.2.5).
          {"value mismatch loses to a later NXDOMAIN", {"www.example.com. 0 IN A 192.0.2.9", "nope.example.com. 0 ANY ANY"},
           {}, LDNS_RCODE_NXDOMAIN},
      },
      kAll);
}

TEST(UpdatePrerequisites, GateTheUpdates) {
  run({
          {"prerequisite holds: update applied", {"new.example.com. 0 NONE ANY"}, {"new.example.com. 300 IN A 192.0.2.5"},
           LDNS_RCODE_NOERROR, {{"new.example.com.", "A", "300 192.0.2.5"}}},
          {"prerequisite fails: nothing applied", {"www.example.com. 0 NONE ANY"}, {"www.example.com. 300 IN A 192.0.2.5"},
           LDNS_RCODE_YXDOMAIN, {{"www.example.com.", "A", "300 192.0.2.1 192.0.2.2"}}},
          {"prerequisites see the zone before this message's updates", {"new.example.com. 0 ANY ANY"},
           {"new.example.com. 300 IN A 192.0.2.5"}, LDNS_RCODE_NXDOMAIN, {{"new.example.com.", "A", "-"}}},
      },
      kAll);
}

// ---- update prescan (RFC 2136 §3.4.1) -----------------------------------------------------

TEST(UpdatePrescan, FormerrAndNotzone) {
  run({
          {"owner outside the zone", {}, {"www.example.org. 300 IN A 192.0.2.1"}, LDNS_RCODE_NOTZONE},
          {"owner is the parent", {}, {"com. 300 IN A 192.0.2.1"}, LDNS_RCODE_NOTZONE},
          {"add of type ANY", {}, {"www.example.com. 300 IN ANY \\# 0"}, LDNS_RCODE_FORMERR},
          {"add of AXFR", {}, {"www.example.com. 300 IN AXFR \\# 0"}, LDNS_RCODE_FORMERR},
          {"add of MAILA", {}, {"www.example.com. 300 IN MAILA \\# 0"}, LDNS_RCODE_FORMERR},
          {"add of TSIG", {}, {"www.example.com. 300 IN TSIG \\# 0"}, LDNS_RCODE_FORMERR},
          {"add without RDATA", {}, {"www.example.com. 300 IN A \\# 0"}, LDNS_RCODE_FORMERR},
          {"class ANY with TTL", {}, {"www.example.com. 5 ANY A"}, LDNS_RCODE_FORMERR},
          {"class ANY with RDATA", {}, {"www.example.com. 0 ANY A 192.0.2.1"}, LDNS_RCODE_FORMERR},
          {"class ANY with AXFR", {}, {"www.example.com. 0 ANY AXFR"}, LDNS_RCODE_FORMERR},
          {"class NONE with type ANY", {}, {"www.example.com. 0 NONE ANY"}, LDNS_RCODE_FORMERR},
          {"class NONE with TTL", {}, {"www.example.com. 60 NONE A 192.0.2.1"}, LDNS_RCODE_FORMERR},
          {"class CH", {}, {"www.example.com. 300 CH A 192.0.2.1"}, LDNS_RCODE_FORMERR},
          {"first failing RR decides: NOTZONE", {}, {"www.example.org. 300 IN A 192.0.2.1", "www.example.com. 5 ANY A"},
           LDNS_RCODE_NOTZONE},
          {"first failing RR decides: FORMERR", {}, {"www.example.com. 5 ANY A", "www.example.org. 300 IN A 192.0.2.1"},
           LDNS_RCODE_FORMERR},
          {"a bad update RR is found before any prerequisite failure", {"www.example.com. 0 NONE ANY"},
           {"www.example.com. 5 ANY A"}, LDNS_RCODE_FORMERR},
          {"nothing of a message with a bad RR is applied", {},
           {"new.example.com. 300 IN A 192.0.2.5", "www.example.com. 0 NONE ANY"}, LDNS_RCODE_FORMERR,
           {{"new.example.com.", "A", "-"}}},
      },
      kAll);
}

// ---- permission (RFC 2136 §3.3) -----------------------------------------------------------

TEST(UpdatePermission, NamesAndTypesGrant) {
  auto acme = NamesTypesGrant::parse({"_acme-challenge.example.com"}, {"TXT"});
  ASSERT_TRUE(acme.ok());
  run({
          {"granted name and type", {}, {"_acme-challenge.example.com. 60 IN TXT \"token\""}, LDNS_RCODE_NOERROR,
           {{"_acme-challenge.example.com.", "TXT", "60 \"token\""}}},
          {"granted name, name case differs", {}, {"_ACME-Challenge.Example.com. 60 IN TXT \"token\""}, LDNS_RCODE_NOERROR},
          {"other type", {}, {"_acme-challenge.example.com. 60 IN A 192.0.2.1"}, LDNS_RCODE_REFUSED},
          {"other name", {}, {"www.example.com. 60 IN TXT \"token\""}, LDNS_RCODE_REFUSED},
          {"name below the granted one", {}, {"x._acme-challenge.example.com. 60 IN TXT \"t\""}, LDNS_RCODE_REFUSED},
          {"one forbidden RR refuses the whole message", {},
           {"_acme-challenge.example.com. 60 IN TXT \"token\"", "www.example.com. 60 IN TXT \"x\""}, LDNS_RCODE_REFUSED,
           {{"_acme-challenge.example.com.", "TXT", "-"}}},
          {"delete RRset of the granted type", {}, {"_acme-challenge.example.com. 0 ANY TXT"}, LDNS_RCODE_NOERROR, {}, false},
          {"delete one RR of the granted type", {}, {"_acme-challenge.example.com. 0 NONE TXT \"token\""}, LDNS_RCODE_NOERROR,
           {}, false},
          {"delete all at an empty granted name", {}, {"_acme-challenge.example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR, {}, false},
          {"delete all at a name holding a type not granted", {}, {"txt.example.com. 0 ANY ANY"}, LDNS_RCODE_REFUSED},
          // Permission is checked before prerequisites (BIND 9.18; dns-protocol.md §1.2): no probing.
          {"REFUSED wins over a failing prerequisite", {"www.example.com. 0 NONE ANY"},
           {"www.example.com. 60 IN TXT \"x\""}, LDNS_RCODE_REFUSED},
          {"prerequisites are not filtered by the grant", {"www.example.com. 0 ANY A"},
           {"_acme-challenge.example.com. 60 IN TXT \"token\""}, LDNS_RCODE_NOERROR},
          // The structural prescan comes first: malformed or out-of-zone RRs are not a permission matter.
          {"NOTZONE before REFUSED", {}, {"www.example.org. 60 IN TXT \"x\""}, LDNS_RCODE_NOTZONE},
          {"FORMERR before REFUSED", {}, {"www.example.com. 60 NONE TXT \"x\""}, LDNS_RCODE_FORMERR},
      },
      *acme);
}

TEST(UpdatePermission, WildcardPatternsAndUnion) {
  auto dyn = NamesTypesGrant::parse({"*.dyn.example.com"}, {"A", "aaaa"});
  ASSERT_TRUE(dyn.ok());
  auto txt = NamesTypesGrant::parse({"txt.example.com."}, {});
  ASSERT_TRUE(txt.ok());
  AnyOfGrant both({&*dyn, &*txt});
  run({
          {"one label below", {}, {"h1.dyn.example.com. 60 IN A 192.0.2.1"}, LDNS_RCODE_NOERROR},
          {"two labels below", {}, {"a.b.dyn.example.com. 60 IN AAAA 2001:db8::1"}, LDNS_RCODE_NOERROR},
          {"the suffix itself is not below", {}, {"dyn.example.com. 60 IN A 192.0.2.1"}, LDNS_RCODE_REFUSED},
          {"type outside the grant", {}, {"h1.dyn.example.com. 60 IN TXT \"x\""}, LDNS_RCODE_REFUSED},
          {"second grant, any type", {}, {"txt.example.com. 60 IN SPF \"v=spf1 -all\""}, LDNS_RCODE_NOERROR},
          {"second grant covers delete all", {}, {"txt.example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR,
           {{"txt.example.com.", "TXT", "-"}}},
          {"mixed message, each RR covered by one grant", {},
           {"h1.dyn.example.com. 60 IN A 192.0.2.1", "txt.example.com. 0 ANY TXT"}, LDNS_RCODE_NOERROR},
      },
      both);
  EXPECT_FALSE(NamesTypesGrant::parse({"a.*.example.com"}, {}).ok());
  EXPECT_FALSE(NamesTypesGrant::parse({"x.example.com"}, {"NOPE"}).ok());
  EXPECT_FALSE(NamesTypesGrant::parse({"x.example.com"}, {"ANY"}).ok());
  EXPECT_NE(dyn->describe().find("*.dyn.example.com."), std::string::npos);
  EXPECT_NE(dyn->describe().find("AAAA"), std::string::npos);
}

// ---- Route 53 policy (REFUSED) ------------------------------------------------------------

TEST(UpdatePolicy, TypesRoute53CannotHold) {
  run({
          {"DNSKEY", {}, {"example.com. 300 IN DNSKEY 256 3 8 AwEAAag="}, LDNS_RCODE_REFUSED},
          {"DHCID", {}, {"h.example.com. 300 IN DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="}, LDNS_RCODE_REFUSED},
          {"NSEC", {}, {"h.example.com. 300 IN NSEC www.example.com. A"}, LDNS_RCODE_REFUSED},
          {"unknown type", {}, {"h.example.com. 300 IN TYPE65534 \\# 3 010203"}, LDNS_RCODE_REFUSED},
          {"HINFO", {}, {"h.example.com. 300 IN HINFO \"cpu\" \"os\""}, LDNS_RCODE_REFUSED},
          {"delete RRset of RRSIG", {}, {"h.example.com. 0 ANY RRSIG"}, LDNS_RCODE_REFUSED},
          {"delete RR of DNSKEY", {}, {"example.com. 0 NONE DNSKEY 256 3 8 AwEAAag="}, LDNS_RCODE_REFUSED},
          {"every Route 53 type is accepted", {},
           {"t.example.com. 300 IN AAAA 2001:db8::1", "t.example.com. 300 IN CAA 0 issue \"letsencrypt.org\"",
            "t.example.com. 300 IN MX 10 mail.example.com.", "t.example.com. 300 IN TXT \"x\"",
            "t.example.com. 300 IN SPF \"v=spf1 -all\"", "t.example.com. 300 IN SRV 1 2 3 www.example.com.",
            "t.example.com. 300 IN NAPTR 100 50 \"u\" \"E2U+sip\" \"!^.*$!sip:x@example.com!\" .",
            "t.example.com. 300 IN PTR www.example.com.", "t.example.com. 300 IN SSHFP 4 2 0123456789abcdef",
            "t.example.com. 300 IN TLSA 3 1 1 0123456789abcdef", "t.example.com. 300 IN DS 123 8 2 0123456789abcdef",
            "t.example.com. 300 IN SVCB 1 svc.example.net. port=8443", "t.example.com. 300 IN HTTPS 1 . alpn=h2",
            "t.example.com. 300 IN A 192.0.2.1", "sub.example.com. 300 IN NS ns1.example.net.",
            "c.example.com. 300 IN CNAME www.example.com."},
           LDNS_RCODE_NOERROR, {{"t.example.com.", "SSHFP", "300 4 2 0123456789abcdef"}}},
      },
      kAll);
}

// UPDATE and zone transfers share one definition of Route 53's rules (zone/route53_rules.h): the
// REFUSED reason is the rule's text.
TEST(UpdatePolicy, ReasonsAreTheSharedRoute53Rules) {
  struct C {
    const char* update;
    zone::Check rule;
  } cases[] = {
      {"h.example.com. 300 IN NSEC www.example.com. A", zone::check_type(T("NSEC"))},
      {"h.example.com. 300 IN HINFO \"cpu\" \"os\"", zone::check_type(T("HINFO"))},
      {"www.example.com. 2147483648 IN A 192.0.2.1", zone::check_ttl(2147483648u)},
      {"*.wild.example.com. 300 IN NS ns.example.net.", zone::check_wildcard_ns(N("*.wild.example.com"), T("NS"))},
      {"example.com. 172800 IN NS ns.example.net.", zone::check_apex_ns(N("example.com"), N("example.com"), T("NS"))},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(c.rule) << c.update;
    zone::Mirror m = testing::load_example();
    zone::WorkingCopy wc(m);
    auto pkt = make_update({}, {c.update});
    Outcome o = apply(pkt.get(), kAll, wc);
    EXPECT_EQ(o.rcode, LDNS_RCODE_REFUSED) << c.update;
    const std::string& r = o.reason();
    EXPECT_TRUE(r.size() > c.rule->text.size() && r.compare(r.size() - c.rule->text.size(), std::string::npos, c.rule->text) == 0)
        << c.update << ": " << r;
  }
}

TEST(UpdatePolicy, ReadOnlySetsAreRefused) {
  run({
          {"add to an alias", {}, {"alias.example.com. 300 IN A 192.0.2.1"}, LDNS_RCODE_REFUSED},
          {"delete the alias RRset", {}, {"alias.example.com. 0 ANY A"}, LDNS_RCODE_REFUSED},
          {"delete one RR of a routing group", {}, {"geo.example.com. 0 NONE A 192.0.2.101"}, LDNS_RCODE_REFUSED},
          {"add to a routing group", {}, {"geo.example.com. 60 IN A 192.0.2.103"}, LDNS_RCODE_REFUSED},
          {"delete all at a name holding an alias", {}, {"alias.example.com. 0 ANY ANY"}, LDNS_RCODE_REFUSED},
          {"health-checked set", {}, {"hc.example.com. 0 ANY A"}, LDNS_RCODE_REFUSED},
          {"another type beside an alias is fine", {}, {"alias.example.com. 300 IN AAAA 2001:db8::5"}, LDNS_RCODE_NOERROR,
           {{"alias.example.com.", "AAAA", "300 2001:db8::5"}, {"alias.example.com.", "A", "read-only"}}},
          {"CNAME beside an alias is ignored (CNAME rule)", {}, {"alias.example.com. 300 IN CNAME www.example.com."},
           LDNS_RCODE_NOERROR, {{"alias.example.com.", "CNAME", "-"}}, false},
          {"policy is checked before prerequisites", {"www.example.com. 0 NONE ANY"},
           {"x.example.com. 300 IN DNSKEY 256 3 8 AwEAAag="}, LDNS_RCODE_REFUSED},
      },
      kAll);
}

TEST(UpdatePolicy, ApexNsBelongsToRoute53) {
  run({
          {"add a new apex NS", {}, {"example.com. 172800 IN NS ns.example.net."}, LDNS_RCODE_REFUSED},
          {"change the apex NS TTL", {}, {"example.com. 60 IN NS ns-1.awsdns-01.org."}, LDNS_RCODE_REFUSED},
          {"re-add an existing apex NS: duplicate", {}, {"example.com. 172800 IN NS NS-1.awsdns-01.org."},
           LDNS_RCODE_NOERROR, {{"example.com.", "NS", "172800 ns-1.awsdns-01.org. ns-2.awsdns-02.co.uk."}}, false},
          {"delete one apex NS: ignored", {}, {"example.com. 0 NONE NS ns-1.awsdns-01.org."}, LDNS_RCODE_NOERROR,
           {{"example.com.", "NS", "172800 ns-1.awsdns-01.org. ns-2.awsdns-02.co.uk."}}, false},
          {"delete the apex NS RRset: ignored", {}, {"example.com. 0 ANY NS"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "NS", "172800 ns-1.awsdns-01.org. ns-2.awsdns-02.co.uk."}}, false},
          {"NS at a wildcard", {}, {"*.wild.example.com. 300 IN NS ns.example.net."}, LDNS_RCODE_REFUSED},
          {"delegation below the apex is fine", {}, {"sub.example.com. 300 IN NS ns.example.net."}, LDNS_RCODE_NOERROR,
           {{"sub.example.com.", "NS", "300 ns.example.net."}}},
          {"TTL above 2^31-1", {}, {"www.example.com. 2147483648 IN A 192.0.2.1"}, LDNS_RCODE_REFUSED},
      },
      kAll);
}

// ---- update semantics (RFC 2136 §3.4.2) ---------------------------------------------------

TEST(UpdateApply, AddRules) {
  run({
          {"add to a new name", {}, {"new.example.com. 300 IN A 192.0.2.5"}, LDNS_RCODE_NOERROR,
           {{"new.example.com.", "A", "300 192.0.2.5"}}},
          {"add a member", {}, {"www.example.com. 300 IN A 192.0.2.3"}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "A", "300 192.0.2.1 192.0.2.2 192.0.2.3"}}},
          {"exact duplicate ignored", {}, {"www.example.com. 300 IN A 192.0.2.1"}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "A", "300 192.0.2.1 192.0.2.2"}}, false},
          {"duplicate within one message", {}, {"new.example.com. 300 IN A 192.0.2.5", "new.example.com. 300 IN A 192.0.2.5"},
           LDNS_RCODE_NOERROR, {{"new.example.com.", "A", "300 192.0.2.5"}}},
          {"duplicate with another TTL sets the RRset TTL", {}, {"www.example.com. 60 IN A 192.0.2.1"}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "A", "60 192.0.2.1 192.0.2.2"}}},
          {"new member with another TTL sets the RRset TTL (RFC 2181)", {}, {"www.example.com. 60 IN A 192.0.2.3"},
           LDNS_RCODE_NOERROR, {{"www.example.com.", "A", "60 192.0.2.1 192.0.2.2 192.0.2.3"}}},
          {"last TTL wins within a message", {}, {"n.example.com. 60 IN A 192.0.2.5", "n.example.com. 120 IN A 192.0.2.6"},
           LDNS_RCODE_NOERROR, {{"n.example.com.", "A", "120 192.0.2.5 192.0.2.6"}}},
          {"duplicate compares names case-insensitively", {}, {"example.com. 300 IN MX 10 MAIL.EXAMPLE.COM."},
           LDNS_RCODE_NOERROR, {{"example.com.", "MX", "300 10 Mail.Example.com"}}, false},
          {"TXT is case-sensitive", {}, {"txt.example.com. 300 IN TXT \"Hello world\""}, LDNS_RCODE_NOERROR,
           {{"txt.example.com.", "TXT", "300 \"Hello world\" \"hello world\""}}},
          {"TXT bytes become Route 53 octal escapes", {}, {"t2.example.com. 60 IN TXT \"caf\\195\\169\" \"b c\""},
           LDNS_RCODE_NOERROR, {{"t2.example.com.", "TXT", "60 \"caf\\303\\251\" \"b c\""}}},
          {"an empty UPDATE is a successful no-op", {}, {}, LDNS_RCODE_NOERROR, {}, false},
          {"wildcard owner is literal", {}, {"*.wild.example.com. 300 IN A 192.0.2.43"}, LDNS_RCODE_NOERROR,
           {{"*.wild.example.com.", "A", "300 192.0.2.42 192.0.2.43"}, {"x.wild.example.com.", "A", "-"}}},
      },
      kAll);
}

TEST(UpdateApply, CnameRules) {
  run({
          {"CNAME beside other data ignored", {}, {"www.example.com. 300 IN CNAME mail.example.com."}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "CNAME", "-"}, {"www.example.com.", "A", "300 192.0.2.1 192.0.2.2"}}, false},
          {"other data beside a CNAME ignored", {}, {"cname.example.com. 300 IN TXT \"x\""}, LDNS_RCODE_NOERROR,
           {{"cname.example.com.", "TXT", "-"}}, false},
          {"CNAME replaces CNAME", {}, {"cname.example.com. 60 IN CNAME mail.example.com."}, LDNS_RCODE_NOERROR,
           {{"cname.example.com.", "CNAME", "60 mail.example.com."}}},
          {"same CNAME again is a duplicate", {}, {"cname.example.com. 300 IN CNAME WWW.example.com."}, LDNS_RCODE_NOERROR,
           {{"cname.example.com.", "CNAME", "300 www.example.com"}}, false},
          {"CNAME at the apex ignored", {}, {"example.com. 300 IN CNAME www.example.com."}, LDNS_RCODE_NOERROR,
           {{"example.com.", "CNAME", "-"}}, false},
          {"delete CNAME then add A works", {}, {"cname.example.com. 0 ANY CNAME", "cname.example.com. 300 IN A 192.0.2.7"},
           LDNS_RCODE_NOERROR, {{"cname.example.com.", "CNAME", "-"}, {"cname.example.com.", "A", "300 192.0.2.7"}}},
          {"add A then delete CNAME drops the A", {}, {"cname.example.com. 300 IN A 192.0.2.7", "cname.example.com. 0 ANY CNAME"},
           LDNS_RCODE_NOERROR, {{"cname.example.com.", "CNAME", "-"}, {"cname.example.com.", "A", "-"}}},
          {"delete name then add CNAME", {}, {"www.example.com. 0 ANY ANY", "www.example.com. 300 IN CNAME mail.example.com."},
           LDNS_RCODE_NOERROR, {{"www.example.com.", "A", "-"}, {"www.example.com.", "CNAME", "300 mail.example.com."}}},
      },
      kAll);
}

TEST(UpdateApply, DeleteForms) {
  run({
          {"delete RRset", {}, {"www.example.com. 0 ANY A"}, LDNS_RCODE_NOERROR, {{"www.example.com.", "A", "-"}}},
          {"delete absent RRset is a no-op", {}, {"www.example.com. 0 ANY AAAA"}, LDNS_RCODE_NOERROR, {}, false},
          {"delete all at a name", {}, {"www.example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR, {{"www.example.com.", "A", "-"}}},
          {"delete all at an absent name is a no-op", {}, {"nope.example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR, {}, false},
          {"delete all at the apex keeps SOA and NS", {}, {"example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "MX", "-"},
            {"example.com.", "NS", "172800 ns-1.awsdns-01.org. ns-2.awsdns-02.co.uk."},
            {"example.com.", "SOA", std::string("900 ") + testing::kSoaValue}}},
          {"delete one RR (no TTL needed)", {}, {"www.example.com. 0 NONE A 192.0.2.1"}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "A", "300 192.0.2.2"}}},
          {"delete the last RR removes the RRset", {}, {"mail.example.com. 0 NONE A 192.0.2.25"}, LDNS_RCODE_NOERROR,
           {{"mail.example.com.", "A", "-"}}},
          {"delete an absent RR is a no-op", {}, {"www.example.com. 0 NONE A 192.0.2.99"}, LDNS_RCODE_NOERROR,
           {{"www.example.com.", "A", "300 192.0.2.1 192.0.2.2"}}, false},
          {"delete RR matches names case-insensitively", {}, {"example.com. 0 NONE MX 10 mail.EXAMPLE.com."},
           LDNS_RCODE_NOERROR, {{"example.com.", "MX", "-"}}},
          {"delete TXT RR is case-sensitive", {}, {"txt.example.com. 0 NONE TXT \"Hello world\""}, LDNS_RCODE_NOERROR,
           {{"txt.example.com.", "TXT", "300 \"hello world\""}}, false},
          {"delete the SOA RR: ignored", {}, {std::string("example.com. 0 NONE SOA ") + testing::kSoaValue},
           LDNS_RCODE_NOERROR, {{"example.com.", "SOA", std::string("900 ") + testing::kSoaValue}}, false},
          {"delete the SOA RRset: ignored", {}, {"example.com. 0 ANY SOA"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA", std::string("900 ") + testing::kSoaValue}}, false},
          {"delete the empty non-terminal: no-op", {}, {"b.example.com. 0 ANY ANY"}, LDNS_RCODE_NOERROR,
           {{"a.b.example.com.", "A", "300 192.0.2.9"}}, false},
          {"add then delete in one message nets out", {}, {"n.example.com. 300 IN A 192.0.2.5", "n.example.com. 0 ANY A"},
           LDNS_RCODE_NOERROR, {{"n.example.com.", "A", "-"}}, false},
          {"delete then re-add the same data nets out", {}, {"mail.example.com. 0 ANY A", "mail.example.com. 300 IN A 192.0.2.25"},
           LDNS_RCODE_NOERROR, {{"mail.example.com.", "A", "300 192.0.2.25"}}, false},
      },
      kAll);
}

TEST(UpdateApply, SoaRules) {
  const std::string soa = "example.com. 3600 IN SOA ns.other.net. admin.other.net. ";
  run({
          {"higher serial replaces, MNAME/RNAME stay Route 53's", {}, {soa + "5000 3600 600 86400 300"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA",
             "3600 ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 5000 3600 600 86400 300"}}},
          {"equal serial ignored", {}, {soa + "100 3600 600 86400 300"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA", std::string("900 ") + testing::kSoaValue}}, false},
          {"lower serial ignored", {}, {soa + "5 3600 600 86400 300"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA", std::string("900 ") + testing::kSoaValue}}, false},
          {"serial 2^31 away (undefined) ignored", {}, {soa + "2147483748 3600 600 86400 300"}, LDNS_RCODE_NOERROR, {}, false},
          {"serial that wrapped around is greater", {}, {soa + "2147483747 3600 600 86400 300"}, LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA",
             "3600 ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 2147483747 3600 600 86400 300"}}},
          {"SOA below the apex ignored", {}, {"www.example.com. 300 IN SOA a.example.com. b.example.com. 9999 1 1 1 1"},
           LDNS_RCODE_NOERROR, {{"www.example.com.", "SOA", "-"}}, false},
          {"two SOA adds: the second must beat the first", {}, {soa + "5000 3600 600 86400 300", soa + "4000 1 1 1 1"},
           LDNS_RCODE_NOERROR,
           {{"example.com.", "SOA", "3600 ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 5000 3600 600 86400 300"}}},
      },
      kAll);
}

TEST(UpdateApply, OutcomeReportsIgnoredRrs) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  auto pkt = make_update({}, {"www.example.com. 300 IN CNAME x.example.com.", "new.example.com. 300 IN A 192.0.2.5"});
  Outcome o = apply(pkt.get(), kAll, wc);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o.changed);
  ASSERT_EQ(o.ignored.size(), 1u);
  EXPECT_NE(o.ignored[0].find("update RR 1"), std::string::npos) << o.ignored[0];
  EXPECT_NE(o.ignored[0].find("CNAME"), std::string::npos) << o.ignored[0];
}

TEST(UpdateApply, ReasonNamesTheRr) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  auto pkt = make_update({}, {"ok.example.com. 300 IN A 192.0.2.5", "x.example.com. 300 IN DNSKEY 256 3 8 AwEAAag="});
  Outcome o = apply(pkt.get(), kAll, wc);
  EXPECT_EQ(o.rcode, LDNS_RCODE_REFUSED);
  EXPECT_EQ(o.status.code(), Code::kPermissionDenied);
  EXPECT_NE(o.reason().find("update RR 2 (x.example.com. IN DNSKEY)"), std::string::npos) << o.reason();
}

TEST(UpdateApply, RrsetOverFourHundredValuesIsRefusedAndRolledBack) {
  std::vector<std::string> ups = {"first.example.com. 300 IN A 192.0.2.5"};
  for (int i = 0; i < 401; ++i)
    ups.push_back("big.example.com. 300 IN A 10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  run({{"401 values", {}, ups, LDNS_RCODE_REFUSED, {{"first.example.com.", "A", "-"}, {"big.example.com.", "A", "-"}}}},
      kAll);
  ups.pop_back();
  run({{"400 values", {}, ups, LDNS_RCODE_NOERROR, {{"first.example.com.", "A", "300 192.0.2.5"}}}}, kAll);
}

TEST(UpdateApply, StatusCodesMatchRcodes) {
  struct C {
    std::vector<std::string> pre, up;
    Code code;
  };
  std::vector<C> cases = {
      {{}, {"www.example.org. 300 IN A 192.0.2.1"}, Code::kInvalidArgument},
      {{}, {"www.example.com. 5 ANY A"}, Code::kInvalidArgument},
      {{"www.example.com. 0 NONE ANY"}, {}, Code::kFailedPrecondition},
      {{}, {"alias.example.com. 0 ANY A"}, Code::kPermissionDenied},
      {{}, {"www.example.com. 300 IN A 192.0.2.9"}, Code::kOk},
  };
  for (const auto& c : cases) {
    zone::Mirror m = testing::load_example();
    zone::WorkingCopy wc(m);
    auto pkt = make_update(c.pre, c.up);
    EXPECT_EQ(apply(pkt.get(), kAll, wc).status.code(), c.code);
  }
}

// ---- working copy sequencing (group commit) -----------------------------------------------

TEST(UpdateSequence, LaterUpdatesSeeEarlierOnes) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  auto u1 = make_update({"x.example.com. 0 NONE ANY"}, {"x.example.com. 300 IN A 192.0.2.5"});
  auto u2 = make_update({"x.example.com. 0 IN A 192.0.2.5"}, {"x.example.com. 300 IN A 192.0.2.6"});
  auto u3 = make_update({"x.example.com. 0 NONE ANY"}, {"y.example.com. 300 IN A 192.0.2.7"});
  auto u4 = make_update({"x.example.com. 0 ANY A"}, {"x.example.com. 0 NONE A 192.0.2.5"});
  EXPECT_EQ(apply(u1.get(), kAll, wc).rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(apply(u2.get(), kAll, wc).rcode, LDNS_RCODE_NOERROR);
  Outcome o3 = apply(u3.get(), kAll, wc);
  EXPECT_EQ(o3.rcode, LDNS_RCODE_YXDOMAIN) << "u3 must see u1's name";
  EXPECT_EQ(dump(wc.find(N("y.example.com"), LDNS_RR_TYPE_A)), "-") << "u3 left nothing behind";
  EXPECT_EQ(apply(u4.get(), kAll, wc).rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(dump(wc.find(N("x.example.com"), LDNS_RR_TYPE_A)), "300 192.0.2.6");
  // The mirror itself is untouched until a batch is committed.
  EXPECT_EQ(m.find(N("x.example.com"), LDNS_RR_TYPE_A), nullptr);
}

TEST(UpdateSequence, RetransmittedUpdateFailsItsPrerequisiteTheSecondTime) {
  // RFC 2136 §7.8: why the group commit must detect retransmissions itself.
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  auto u = make_update({"x.example.com. 0 NONE ANY"}, {"x.example.com. 300 IN A 192.0.2.5"});
  EXPECT_EQ(apply(u.get(), kAll, wc).rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(apply(u.get(), kAll, wc).rcode, LDNS_RCODE_YXDOMAIN);
}

TEST(UpdateSequence, SoaSetByOneUpdateIsSeenByTheNext) {
  zone::Mirror m = testing::load_example();
  zone::WorkingCopy wc(m);
  const std::string soa = "example.com. 900 IN SOA a. b. ";
  auto u1 = make_update({}, {soa + "5000 7200 900 1209600 86400"});
  auto u2 = make_update({}, {soa + "4000 7200 900 1209600 86400"});  // lower than u1's: ignored
  EXPECT_TRUE(apply(u1.get(), kAll, wc).ok());
  Outcome o2 = apply(u2.get(), kAll, wc);
  EXPECT_TRUE(o2.ok());
  EXPECT_FALSE(o2.changed);
  EXPECT_EQ(wc.serial(), 5000u);
}

}  // namespace
}  // namespace r53d::update
