// Tests for --export formatting: SOA first, $ORIGIN, one RR per line, read-only sets as comments.
#include "daemon/zone_export.h"

#include <gtest/gtest.h>

#include <stdbool.h>  // before ldns: see zone/r53_convert.h
#include <ldns/ldns.h>

#include <sstream>

namespace r53d::daemon {
namespace {

r53::RecordSet simple(std::string name, std::string type, int64_t ttl, std::vector<std::string> values) {
  r53::RecordSet s;
  s.name = std::move(name);
  s.type = std::move(type);
  s.ttl_s = ttl;
  s.values = std::move(values);
  return s;
}

r53::HostedZone zone() {
  r53::HostedZone z;
  z.id = "/hostedzone/ZEXAMPLE";
  z.name = "example.com.";
  return z;
}

std::vector<r53::RecordSet> sample_sets() {
  std::vector<r53::RecordSet> v;
  v.push_back(simple("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.net."}));
  v.push_back(simple("example.com.", "SOA", 900,
                     {"ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}));
  v.push_back(simple("example.com.", "TXT", 300, {"\"v=spf1 -all\"", "\"caf\\303\\251\""}));
  r53::RecordSet w1 = simple("api.example.com.", "A", 60, {"192.0.2.1"});
  w1.set_identifier = "blue";
  w1.weight = 10;
  v.push_back(w1);
  v.push_back(simple("\\052.example.com.", "A", 300, {"192.0.2.9"}));
  r53::RecordSet alias;
  alias.name = "www.example.com.";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net.", false};
  v.push_back(alias);
  return v;
}

TEST(ZoneExport, SoaFirstOriginAndOneRecordPerLine) {
  ExportStats st;
  auto text = format_zone_file(zone(), sample_sets(), &st);
  ASSERT_TRUE(text.ok()) << text.status().to_string();
  EXPECT_EQ(*text,
            "; Route 53 hosted zone example.com. (ZEXAMPLE), 6 record sets, exported by route53d\n"
            "; 2 alias or routing-policy sets are shown as comments: DNS cannot express them\n"
            "$ORIGIN example.com.\n"
            "example.com.\t900\tIN\tSOA\tns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400\n"
            "example.com.\t172800\tIN\tNS\tns-1.awsdns-01.org.\n"
            "example.com.\t172800\tIN\tNS\tns-2.awsdns-02.net.\n"
            "example.com.\t300\tIN\tTXT\t\"v=spf1 -all\"\n"
            "example.com.\t300\tIN\tTXT\t\"caf\\195\\169\"\n"
            "; api.example.com. A: weighted routing, weight 10, set identifier \"blue\", TTL 60: 192.0.2.1\n"
            ";   not exported: Route 53 chooses among the sets of this name and type for each query; "
            "a zone file holds one fixed RRset per name and type\n"
            "*.example.com.\t300\tIN\tA\t192.0.2.9\n"
            "; www.example.com. A: alias to d111111abcdef8.cloudfront.net. (hosted zone "
            "Z2FDTNDATAQYW2, evaluate target health: no)\n"
            ";   not exported: an alias is answered with its target's records, looked up by Route 53 "
            "at query time; DNS has no record type for it\n");
  EXPECT_EQ(st.record_sets, 6u);
  EXPECT_EQ(st.records, 6u);
  EXPECT_EQ(st.comments, 2u);
}

TEST(ZoneExport, OutputParsesAsAZoneFile) {
  auto text = format_zone_file(zone(), sample_sets());
  ASSERT_TRUE(text.ok());
  FILE* f = fmemopen(text->data(), text->size(), "r");
  ASSERT_NE(f, nullptr);
  ldns_zone* z = nullptr;
  int line = 0;
  ldns_status s = ldns_zone_new_frm_fp_l(&z, f, nullptr, 3600, LDNS_RR_CLASS_IN, &line);
  std::fclose(f);
  ASSERT_EQ(s, LDNS_STATUS_OK) << ldns_get_errorstr_by_id(s) << " at line " << line;
  EXPECT_EQ(ldns_rr_get_type(ldns_zone_soa(z)), LDNS_RR_TYPE_SOA);
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_zone_rrs(z)), 5u);
  ldns_zone_deep_free(z);
}

TEST(ZoneExport, RoutingPoliciesAndTrafficPoliciesAreDescribed) {
  r53::RecordSet s = simple("geo.example.com.", "A", 60, {"192.0.2.1"});
  s.set_identifier = "eu";
  s.geo_location = r53::GeoLocation{"EU", "", ""};
  s.health_check_id = "hc-1";
  std::string d = describe_read_only_set(s);
  EXPECT_NE(d.find("geolocation routing, continent EU, set identifier \"eu\", health check hc-1"),
            std::string::npos) << d;
  r53::RecordSet f = simple("f.example.com.", "A", 60, {"192.0.2.1"});
  f.set_identifier = "p";
  f.failover = "PRIMARY";
  EXPECT_NE(describe_read_only_set(f).find("failover routing, PRIMARY"), std::string::npos);
  r53::RecordSet l = simple("l.example.com.", "A", 60, {"192.0.2.1"});
  l.set_identifier = "x";
  l.region = "eu-west-1";
  EXPECT_NE(describe_read_only_set(l).find("latency routing, region eu-west-1"), std::string::npos);
  r53::RecordSet t = simple("t.example.com.", "A", 60, {"192.0.2.1"});
  t.traffic_policy_instance_id = "tp-1";
  EXPECT_NE(describe_read_only_set(t).find("traffic policy instance tp-1"), std::string::npos);
  // Every line of a description is a comment.
  std::istringstream lines(describe_read_only_set(s) + describe_read_only_set(t));
  for (std::string ln; std::getline(lines, ln);) EXPECT_EQ(ln.rfind("; ", 0), 0u) << ln;
}

TEST(ZoneExport, ErrorsNameTheSet) {
  auto sets = sample_sets();
  sets.push_back(simple("bad.example.com.", "A", 60, {"not-an-address"}));
  auto text = format_zone_file(zone(), sets);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("bad.example.com. A"), std::string::npos);
  std::vector<r53::RecordSet> no_soa = {simple("example.com.", "NS", 60, {"ns.example.net."})};
  EXPECT_FALSE(format_zone_file(zone(), no_soa).ok());
}

TEST(ZoneExport, SameInputSameBytes) {
  EXPECT_EQ(*format_zone_file(zone(), sample_sets()), *format_zone_file(zone(), sample_sets()));
}

}  // namespace
}  // namespace r53d::daemon
