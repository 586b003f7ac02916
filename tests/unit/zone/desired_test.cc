// Tests for what Route 53 should hold for a secondary zone (src/zone/desired.cc).
#include "zone/desired.h"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/zone/fixture.h"
#include "zone/r53_convert.h"

namespace r53d::zone {
namespace {

using testing::N;
using testing::primary;
using testing::primary_soa;
using testing::rr_from_text;
using testing::rr_list;
using testing::T;

// "A 300 [192.0.2.1] [192.0.2.2]" per RRset, values in the order they would be sent.
std::vector<std::string> held(const DesiredName& d) {
  std::vector<std::string> out;
  for (const auto& s : d.rrsets) {
    EXPECT_EQ(s->stored().size(), 1u);
    const r53::RecordSet rs = s->stored()[0];
    std::string line = rs.type + " " + std::to_string(rs.ttl_s.value_or(-1));
    for (const auto& v : rs.values) line += " [" + v + "]";
    out.push_back(line);
  }
  return out;
}

// "NSEC dnssec-type 1" per skipped RRset.
std::vector<std::string> skips(const DesiredName& d) {
  std::vector<std::string> out;
  for (const auto& s : d.skipped)
    out.push_back(type_to_r53(s.type) + " " + std::string(rule_name(s.reason)) + " " + std::to_string(s.records));
  return out;
}

std::vector<std::string> types(const std::vector<uint16_t>& ts) {
  std::vector<std::string> out;
  for (uint16_t t : ts) out.push_back(type_to_r53(t));
  return out;
}

std::string blob(size_t n, char c) { return std::string(n, c); }

struct Case {
  const char* what;
  std::vector<std::string> records;  // the primary's, besides its SOA
  const char* owner;
  std::set<uint16_t> read_only;
  SyncPolicy policy;
  std::vector<std::string> held;
  std::vector<std::string> skipped;
  std::vector<std::string> left_alone;
};

void run(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    PrimaryZone p = primary(7, c.records);
    DesiredName d = desired_at(p, N(c.owner), ReadOnlyAt{c.read_only}, c.policy);
    EXPECT_EQ(d.owner, N(c.owner)) << c.what;
    EXPECT_EQ(held(d), c.held) << c.what;
    EXPECT_EQ(skips(d), c.skipped) << c.what;
    EXPECT_EQ(types(d.left_alone), c.left_alone) << c.what;
    for (const auto& s : d.skipped) {
      EXPECT_EQ(s.owner, N(c.owner)) << c.what;
      EXPECT_FALSE(s.text.empty()) << c.what;
    }
  }
}

const std::vector<std::string> kApexNs = {"example.com. 3600 IN NS ns1.example.net.", "example.com. 3600 IN NS ns2.example.net."};

TEST(Desired, TypesRoute53CannotHoldAreSkipped) {
  run({
      {"plain data kept", {"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN AAAA 2001:db8::1"},
       "www.example.com.", {}, {}, {"A 300 [192.0.2.1]", "AAAA 300 [2001:db8::1]"}, {}, {}},
      {"DNSSEC records skipped",
       {"www.example.com. 300 IN A 192.0.2.1",
        "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
        "www.example.com. 300 IN RRSIG NSEC 13 3 300 20300101000000 20200101000000 12345 example.com. AAAB",
        "www.example.com. 300 IN NSEC z.example.com. A RRSIG NSEC"},
       "www.example.com.", {}, {}, {"A 300 [192.0.2.1]"}, {"RRSIG dnssec-type 2", "NSEC dnssec-type 1"}, {}},
      {"apex DNSKEY, NSEC3PARAM, CDS, CDNSKEY skipped; apex SOA and NS left alone",
       {"example.com. 300 IN DNSKEY 257 3 13 AAAA", "example.com. 300 IN NSEC3PARAM 1 0 0 -",
        "example.com. 300 IN CDS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "example.com. 300 IN CDNSKEY 257 3 13 AAAA"},
       "example.com.", {}, {}, {},
       {"DNSKEY dnssec-type 1", "NSEC3PARAM dnssec-type 1", "CDS dnssec-type 1", "CDNSKEY dnssec-type 1"},
       {"NS", "SOA"}},
      {"NSEC3 at its hashed owner", {"abcdefgh.example.com. 300 IN NSEC3 1 0 0 - ABCDEFGH A RRSIG"}, "abcdefgh.example.com.",
       {}, {}, {}, {"NSEC3 dnssec-type 1"}, {}},
      {"types Route 53 cannot hold",
       {"x.example.com. 300 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
        "x.example.com. 300 IN HINFO \"PC\" \"Linux\"", "x.example.com. 300 IN TXT \"kept\""},
       "x.example.com.", {}, {}, {"TXT 300 [\"kept\"]"}, {"HINFO unsupported-type 1", "LOC unsupported-type 1"}, {}},
      {"DS at a delegation and its glue kept",
       {"sub.example.com. 86400 IN NS ns.sub.example.com.",
        "sub.example.com. 86400 IN DS 12345 13 2 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"},
       "sub.example.com.", {}, {},
       {"NS 86400 [ns.sub.example.com.]",
        "DS 86400 [12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef]"},
       {}, {}},
      {"glue below a delegation kept", {"sub.example.com. 86400 IN NS ns.sub.example.com.", "ns.sub.example.com. 86400 IN A 192.0.2.53"},
       "ns.sub.example.com.", {}, {}, {"A 86400 [192.0.2.53]"}, {}, {}},
      {"a name the primary does not have", {"www.example.com. 300 IN A 192.0.2.1"}, "gone.example.com.", {}, {}, {}, {}, {}},
  });
}

TEST(Desired, ApexNsFollowsThePolicy) {
  SyncPolicy from_primary;
  from_primary.apex_ns_from_primary = true;
  run({
      {"apex NS stays Route 53's", kApexNs, "example.com.", {}, {}, {}, {"NS apex-ns 2"}, {"NS", "SOA"}},
      {"apex NS from the primary", kApexNs, "example.com.", {}, from_primary,
       {"NS 3600 [ns1.example.net.] [ns2.example.net.]"}, {}, {"SOA"}},
      {"apex NS from the primary, but it cannot be written: Route 53's stays",
       {"example.com. 2147483648 IN NS ns1.example.net."}, "example.com.", {}, from_primary, {}, {"NS ttl-out-of-range 1"},
       {"NS", "SOA"}},
      {"NS below the apex is delegation data", {"sub.example.com. 300 IN NS ns1.example.net."}, "sub.example.com.", {}, {},
       {"NS 300 [ns1.example.net.]"}, {}, {}},
      {"wildcard NS", {"*.example.com. 300 IN NS ns1.example.net.", "*.example.com. 300 IN A 192.0.2.1"}, "*.example.com.",
       {}, {}, {"A 300 [192.0.2.1]"}, {"NS wildcard-ns 1"}, {}},
  });
}

TEST(Desired, CnameRules) {
  run({
      {"CNAME alone kept", {"c.example.com. 300 IN CNAME www.example.com."}, "c.example.com.", {}, {},
       {"CNAME 300 [www.example.com.]"}, {}, {}},
      {"CNAME at the apex", {"example.com. 300 IN CNAME www.example.com."}, "example.com.", {}, {}, {},
       {"CNAME cname-at-apex 1"}, {"NS", "SOA"}},
      {"CNAME beside other data: the CNAME goes, the rest stays",
       {"c.example.com. 300 IN CNAME www.example.com.", "c.example.com. 300 IN A 192.0.2.1",
        "c.example.com. 300 IN TXT \"t\""},
       "c.example.com.", {}, {}, {"A 300 [192.0.2.1]", "TXT 300 [\"t\"]"}, {"CNAME cname-beside-data 1"}, {}},
      {"CNAME beside DNSSEC records only: kept (RFC 4035 allows RRSIG and NSEC there)",
       {"c.example.com. 300 IN CNAME www.example.com.",
        "c.example.com. 300 IN RRSIG CNAME 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
        "c.example.com. 300 IN NSEC d.example.com. CNAME RRSIG NSEC"},
       "c.example.com.", {}, {}, {"CNAME 300 [www.example.com.]"}, {"RRSIG dnssec-type 1", "NSEC dnssec-type 1"}, {}},
      {"CNAME beside data that is skipped anyway: kept",
       {"c.example.com. 300 IN CNAME www.example.com.", "c.example.com. 300 IN LOC 52 22 23.000 N 4 53 32.000 E 0m"},
       "c.example.com.", {}, {}, {"CNAME 300 [www.example.com.]"}, {"LOC unsupported-type 1"}, {}},
  });
}

TEST(Desired, ReadOnlySetsInRoute53Win) {
  run({
      {"same name and type as an alias: skipped, the rest kept",
       {"a.example.com. 300 IN A 192.0.2.1", "a.example.com. 300 IN AAAA 2001:db8::1"}, "a.example.com.", {T("A")}, {},
       {"AAAA 300 [2001:db8::1]"}, {"A read-only-same-type 1"}, {"A"}},
      {"alias CNAME: everything at the name skipped",
       {"c.example.com. 300 IN A 192.0.2.1", "c.example.com. 300 IN TXT \"t\"", "c.example.com. 300 IN CNAME x.example.com."},
       "c.example.com.", {T("CNAME")}, {}, {},
       {"A read-only-cname 1", "CNAME read-only-same-type 1", "TXT read-only-cname 1"}, {"CNAME"}},
      {"primary CNAME where Route 53 has a weighted A", {"w.example.com. 300 IN CNAME x.example.com."}, "w.example.com.",
       {T("A")}, {}, {}, {"CNAME cname-beside-read-only 1"}, {"A"}},
      {"read-only sets at a name the primary does not have are left alone", {}, "geo.example.com.", {T("A"), T("TXT")}, {},
       {}, {}, {"A", "TXT"}},
      {"read-only apex MX (alias) beside the apex sets", {"example.com. 300 IN MX 10 mx.example.com."}, "example.com.",
       {T("MX")}, {}, {}, {"MX read-only-same-type 1"}, {"NS", "SOA", "MX"}},
  });
}

TEST(Desired, Route53LimitsSkipTheRRset) {
  std::vector<std::string> many_a;
  for (int i = 0; i < 401; ++i)
    many_a.push_back("big.example.com. 60 IN A 10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  std::vector<std::string> max_a(many_a.begin(), many_a.begin() + 400);
  // TXT values of 170 characters ("\"" + 4 digits + 164 + "\""): 100 of them are 17,000 characters,
  // 34,000 for DELETE + CREATE; 94 are 15,980 (31,960).
  std::vector<std::string> wide_txt;
  for (int i = 0; i < 100; ++i)
    wide_txt.push_back("wide.example.com. 300 IN TXT \"" + std::to_string(1000 + i) + blob(164, 'w') + "\"");
  std::vector<std::string> near_txt(wide_txt.begin(), wide_txt.begin() + 94);
  SyncPolicy reserve;
  reserve.request_reserve = BatchSize{2, 200};
  // 16 strings: 15 of 247 bytes and one of 248 make a 4,000-character value, of 249 a 4,001 one.
  auto txt16 = [](size_t last) {
    std::string line = "t.example.com. 300 IN TXT";
    for (int i = 0; i < 16; ++i) line += " \"" + blob(i == 15 ? last : 247, static_cast<char>('a' + i)) + "\"";
    return line;
  };
  run({
      {"401 values", many_a, "big.example.com.", {}, {}, {}, {"A too-many-values 401"}, {}},
      {"a value of 4,001 characters", {txt16(249)}, "t.example.com.", {}, {}, {}, {"TXT value-too-long 1"}, {}},
      {"TTL above 2^31-1", {"t.example.com. 2147483648 IN A 192.0.2.1"}, "t.example.com.", {}, {}, {},
       {"A ttl-out-of-range 1"}, {}},
      {"larger than one request (DELETE + CREATE)", wide_txt, "wide.example.com.", {}, {}, {},
       {"TXT larger-than-request 100"}, {}},
      {"fits, but not beside the reserve", near_txt, "wide.example.com.", {}, reserve, {}, {"TXT larger-than-request 94"},
       {}},
  });
  // At the limits: kept.
  PrimaryZone p = primary(7, max_a);
  DesiredName d = desired_at(p, N("big.example.com"), {}, {});
  ASSERT_EQ(d.rrsets.size(), 1u);
  EXPECT_EQ(d.rrsets[0]->rdata().size(), 400u);
  p = primary(7, {txt16(248)});
  d = desired_at(p, N("t.example.com"), {}, {});
  ASSERT_EQ(d.rrsets.size(), 1u);
  EXPECT_EQ(d.rrsets[0]->stored()[0].values[0].size(), 4000u);
  p = primary(7, near_txt);
  d = desired_at(p, N("wide.example.com"), {}, {});
  ASSERT_EQ(d.rrsets.size(), 1u);
  EXPECT_EQ(d.rrsets[0]->size(), (BatchSize{94, 15980}));
  EXPECT_TRUE(d.skipped.empty());
}

TEST(Desired, DifferentTtlsGiveTheLowest) {
  PrimaryZone p = primary(7, {"www.example.com. 600 IN A 192.0.2.1", "www.example.com. 60 IN A 192.0.2.2",
                              "www.example.com. 300 IN A 192.0.2.3", "www.example.com. 300 IN AAAA 2001:db8::1"});
  DesiredName d = desired_at(p, N("www.example.com"), {}, {});
  EXPECT_EQ(held(d), (std::vector<std::string>{"A 60 [192.0.2.1] [192.0.2.2] [192.0.2.3]", "AAAA 300 [2001:db8::1]"}));
  ASSERT_EQ(d.ttl_lowered.size(), 1u);
  EXPECT_EQ(d.ttl_lowered[0], (TtlLowered{T("A"), 60, 600}));
  // A skipped RRset is not reported as lowered.
  d = desired_at(p, N("www.example.com"), ReadOnlyAt{{T("A")}}, {});
  EXPECT_TRUE(d.ttl_lowered.empty());
}

TEST(Desired, ValuesAreWhatUpdateWouldWrite) {
  // Escaped owner names, names with case and escapes inside values, quoted and long TXT: the
  // Value text is exactly r53_value_from_rr of the record the primary sent, the name
  // name_to_r53 of its owner.
  const std::vector<std::string> lines = {
      "a\\.b.example.com. 300 IN TXT \"a \\\"quoted\\\" \\\\ string\" \"caf\\195\\169\" \"\"",
      "*.wild.example.com. 300 IN MX 10 Mail\\032Host.Example.com.",
      "x\\@y.example.com. 300 IN CNAME Target.Example.COM.",
      "long.example.com. 300 IN TXT \"" + blob(255, 'x') + "\" \"" + blob(255, 'y') + "\" \"tail;with\\\"q\"",
      "caa.example.com. 300 IN CAA 0 issue \"ca.example.net; account=\\\"1\\\"\"",
      "naptr.example.com. 300 IN NAPTR 100 50 \"u\" \"E2U+sip\" \"!^\\\\+(.*)$!sip:\\\\1@example.com!\" .",
      "_svc.example.com. 300 IN HTTPS 1 . alpn=h2,h3 port=8443",
  };
  PrimaryZone p = primary(7, lines);
  for (const auto& line : lines) {
    RrPtr rr = rr_from_text(line);
    Name owner = Name::from_rdf(ldns_rr_owner(rr.get()));
    DesiredName d = desired_at(p, owner, {}, {});
    ASSERT_EQ(d.rrsets.size(), 1u) << line;
    const r53::RecordSet rs = d.rrsets[0]->stored()[0];
    EXPECT_EQ(rs.name, r53_name(ldns_rr_owner(rr.get()))) << line;
    auto want = r53_value_from_rr(rr.get());
    ASSERT_TRUE(want.ok()) << line;
    ASSERT_EQ(rs.values.size(), 1u) << line;
    EXPECT_EQ(rs.values[0], *want) << line;
    auto update_rd = Rdata::from_rr(rr.get());  // what UPDATE would hold for the same record
    ASSERT_TRUE(update_rd.ok()) << line;
    EXPECT_EQ(d.rrsets[0]->rdata()[0].value, update_rd->value) << line;
    EXPECT_EQ(d.rrsets[0]->rdata()[0].canon, update_rd->canon) << line;
  }
  // Spot checks of the conversions themselves.
  EXPECT_EQ(desired_at(p, N("a\\.b.example.com"), {}, {}).rrsets[0]->stored()[0].name, "a\\056b.example.com.");
  EXPECT_EQ(desired_at(p, N("a\\.b.example.com"), {}, {}).rrsets[0]->stored()[0].values[0],
            "\"a \\\"quoted\\\" \\\\ string\" \"caf\\303\\251\" \"\"");
  EXPECT_EQ(desired_at(p, N("*.wild.example.com"), {}, {}).rrsets[0]->stored()[0].name, "\\052.wild.example.com.");
  EXPECT_EQ(desired_at(p, N("*.wild.example.com"), {}, {}).rrsets[0]->stored()[0].values[0],
            "10 Mail\\040Host.Example.com.");
}

TEST(Desired, SoaKeepsRoute53sNamesAndTakesThePrimarysSerial) {
  Mirror m = testing::load_example();  // SOA: ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 ..., TTL 900
  RrPtr soa = primary_soa(4242);        // TTL 3600, 7200 900 1209600 300
  auto kept = desired_soa(m.soa(), soa.get(), {});
  ASSERT_TRUE(kept.ok()) << kept.status().to_string();
  EXPECT_EQ(testing::dump(*kept), "900 ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 4242 7200 900 1209600 86400");
  EXPECT_EQ((*kept)->soa_serial(), 4242u);
  SyncPolicy timers;
  timers.soa_timers_from_primary = true;
  auto taken = desired_soa(m.soa(), soa.get(), timers);
  ASSERT_TRUE(taken.ok()) << taken.status().to_string();
  EXPECT_EQ(testing::dump(*taken), "3600 ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 4242 7200 900 1209600 300");
  RrPtr a = rr_from_text("example.com. 300 IN A 192.0.2.1");
  EXPECT_EQ(desired_soa(m.soa(), a.get(), {}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(desired_soa(*m.find(N("www.example.com"), T("A")), soa.get(), {}).status().code(), Code::kInvalidArgument);
}

TEST(Desired, WholeZoneCoversPrimaryAndRoute53NamesAndCountsSkips) {
  PrimaryZone p = primary(7, {"example.com. 3600 IN NS ns1.example.net.", "example.com. 3600 IN NS ns2.example.net.",
                              "www.example.com. 300 IN A 192.0.2.1", "www.example.com. 60 IN A 192.0.2.2",
                              "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 example.com. AAAA",
                              "geo.example.com. 300 IN A 192.0.2.9", "c.example.com. 300 IN CNAME www.example.com.",
                              "c.example.com. 300 IN TXT \"t\""});
  Mirror m = testing::load_example();
  std::map<Name, ReadOnlyAt> ro;
  for (const auto& n : m.names()) {
    ReadOnlyAt r = ReadOnlyAt::from_sets(m.at_name(n));
    if (!r.empty()) ro.emplace(n, r);
  }
  DesiredZone z = desired_zone(p, m.names(), ro, {});
  std::vector<std::string> names;
  for (const auto& d : z.names) names.push_back(d.owner.to_text() + (d.rrsets.empty() ? " (none)" : ""));
  EXPECT_EQ(names, (std::vector<std::string>{  // Name (wire byte) order
                       "*.wild.example.com. (none)", "a.b.example.com. (none)", "c.example.com.", "hc.example.com. (none)",
                       "geo.example.com. (none)", "txt.example.com. (none)", "www.example.com.", "mail.example.com. (none)",
                       "alias.example.com. (none)", "cname.example.com. (none)", "example.com. (none)"}));
  EXPECT_EQ(z.skips.to_string(), "dnssec-type=1/1 apex-ns=2/1 cname-beside-data=1/1 read-only-same-type=1/1");
  EXPECT_EQ(z.skips.total_records(), 5u);
  EXPECT_EQ(z.skips.total_rrsets(), 4u);
  EXPECT_EQ(z.ttl_lowered, 1u);
  SkipCounts twice = z.skips;
  twice += z.skips;
  EXPECT_EQ(twice.total_records(), 10u);
  // Every name's result is desired_at's.
  for (const auto& d : z.names) {
    auto it = ro.find(d.owner);
    EXPECT_TRUE(d == desired_at(p, d.owner, it == ro.end() ? ReadOnlyAt{} : it->second, {})) << d.owner.to_text();
  }
  EXPECT_EQ(z.names[2].skipped[0].to_string(),
            "c.example.com. CNAME (1 record): cname-beside-data: CNAME beside other data (TXT): Route 53 refuses it, "
            "RFC 2136 ignores it");
}

// A random zone (fixed seed) changed by random IXFR deltas (deletes, adds, TTL changes) gives, for
// every name, the same desired state as the full transfer of the final version.
TEST(Desired, IxfrAndAxfrOfTheSameVersionGiveTheSameDesiredState) {
  std::mt19937 rng(1995);
  const char* kTypes[] = {"A", "AAAA", "TXT", "MX", "CNAME", "NSEC", "LOC", "NS", "DS"};
  auto random_record = [&]() {
    std::string owner = (rng() % 10 == 0 ? std::string("example.com.") : "h" + std::to_string(rng() % 150) + ".example.com.");
    std::string type = kTypes[rng() % 9];
    std::string ttl = std::to_string(60 * (1 + rng() % 3));
    std::string rdata;
    if (type == "A") rdata = "192.0.2." + std::to_string(rng() % 8);
    if (type == "AAAA") rdata = "2001:db8::" + std::to_string(rng() % 8);
    if (type == "TXT") rdata = "\"v" + std::to_string(rng() % 8) + "\"";
    if (type == "MX") rdata = std::to_string(rng() % 3) + " mx.example.com.";
    if (type == "CNAME") rdata = "t" + std::to_string(rng() % 2) + ".example.net.";
    if (type == "NSEC") rdata = "z.example.com. A RRSIG NSEC";
    if (type == "LOC") rdata = "52 22 23.000 N 4 53 32.000 E " + std::to_string(rng() % 3) + "m";
    if (type == "NS") rdata = "ns" + std::to_string(rng() % 3) + ".example.net.";
    if (type == "DS") rdata = std::to_string(rng() % 4) + " 13 2 " + std::string(64, 'a');
    std::string key = owner + " " + type + " " + rdata;  // identity: TTL aside
    return std::make_pair(key, owner + " " + ttl + " IN " + type + " " + rdata);
  };
  auto lines_of = [](const std::map<std::string, std::string>& z) {
    std::vector<std::string> out;
    for (const auto& [k, line] : z) out.push_back(line);
    return out;
  };
  std::map<std::string, std::string> truth;  // key -> line
  while (truth.size() < 400) truth.insert(random_record());
  PrimaryZone ixfr = primary(1, lines_of(truth));
  for (uint32_t serial = 1; serial < 30; ++serial) {
    std::vector<std::string> del, add;
    std::set<std::string> deleted;
    for (int i = 0; i < 10 && !truth.empty(); ++i) {  // deletes, some added back with another TTL
      auto it = std::next(truth.begin(), static_cast<long>(rng() % truth.size()));
      if (!deleted.insert(it->first).second) continue;
      del.push_back(it->second);
      if (rng() % 3 == 0) {
        std::string line = it->second;
        line.replace(line.find(' ') + 1, line.find(' ', line.find(' ') + 1) - line.find(' ') - 1, "3600");
        add.push_back(line);
        it->second = line;
      } else {
        truth.erase(it);
      }
    }
    for (int i = 0; i < 10; ++i) {
      auto r = random_record();
      if (truth.count(r.first) || deleted.count(r.first)) continue;
      truth.insert(r);
      add.push_back(r.second);
    }
    auto old_soa = primary_soa(serial), new_soa = primary_soa(serial + 1);
    auto d = rr_list(del), a = rr_list(add);
    auto changed = ixfr.apply_delta(old_soa.get(), d.get(), new_soa.get(), a.get());
    ASSERT_TRUE(changed.ok()) << "serial " << serial << ": " << changed.status().to_string();
  }
  PrimaryZone axfr = primary(30, lines_of(truth));
  EXPECT_TRUE(ixfr == axfr);
  std::map<Name, ReadOnlyAt> ro = {{N("h1.example.com"), ReadOnlyAt{{T("A")}}}, {N("h2.example.com"), ReadOnlyAt{{T("CNAME")}}}};
  SyncPolicy policy;
  for (bool apex_ns : {false, true}) {
    policy.apex_ns_from_primary = apex_ns;
    DesiredZone from_ixfr = desired_zone(ixfr, {}, ro, policy);
    DesiredZone from_axfr = desired_zone(axfr, {}, ro, policy);
    ASSERT_EQ(from_ixfr.names.size(), from_axfr.names.size());
    for (size_t i = 0; i < from_ixfr.names.size(); ++i)
      EXPECT_TRUE(from_ixfr.names[i] == from_axfr.names[i]) << from_ixfr.names[i].owner.to_text();
    EXPECT_EQ(from_ixfr.skips, from_axfr.skips);
    EXPECT_GT(from_ixfr.skips.total_rrsets(), 0u);  // the zone does exercise the skips
  }
}

}  // namespace
}  // namespace r53d::zone
