// Tests for the Route 53 <-> DNS conversion: every type Route 53 supports, round trips, nasty cases.
#include "zone/r53_convert.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace r53d::zone {
namespace {

RrPtr must_rr(std::string_view owner, std::string_view type, uint32_t ttl, std::string_view value) {
  auto rr = rr_from_r53(owner, type, ttl, value);
  EXPECT_TRUE(rr.ok()) << type << " " << value << ": " << rr.status().to_string();
  if (!rr.ok()) return nullptr;
  return std::move(*rr);
}

RrPtr from_zone_text(const std::string& line) {
  ldns_rr* rr = nullptr;
  ldns_status s = ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr);
  EXPECT_EQ(s, LDNS_STATUS_OK) << line << ": " << ldns_get_errorstr_by_id(s);
  return RrPtr(rr);
}

std::string value_of(const ldns_rr* rr) {
  auto v = r53_value_from_rr(rr);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? *v : "";
}

std::string line_of(const ldns_rr* rr) {
  auto v = zone_file_line(rr);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? *v : "";
}

struct Case {
  const char* owner;
  const char* type;
  const char* value;     // as sent to Route 53
  const char* expected;  // what r53_value_from_rr gives back (nullptr: same as value)
  const char* zone;      // the equivalent zone-file rdata (ldns reads it)
};

// Every type, in its usual and its awkward spellings.
const Case kCases[] = {
    {"www.example.com.", "A", "192.0.2.1", nullptr, "192.0.2.1"},
    {"www.example.com.", "AAAA", "2001:0db8:85a3:0:0:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334",
     "2001:db8:85a3::8a2e:370:7334"},
    {"example.com.", "CAA", "0 issue \"ca.example.net; account=123456\"", nullptr,
     "0 issue \"ca.example.net; account=123456\""},
    {"example.com.", "CAA", "128 iodef \"mailto:a\\\"b\\\\c@example.com\"", nullptr,
     "128 iodef \"mailto:a\\\"b\\\\c@example.com\""},
    {"example.com.", "CAA", "0 issue \"\"", nullptr, "0 issue \"\""},
    {"www.example.com.", "CNAME", "hostname.example.com", "hostname.example.com.",
     "hostname.example.com."},
    {"www.example.com.", "CNAME", "Target.Example.COM.", nullptr, "Target.Example.COM."},
    {"sub.example.com.", "DS", "123 8 2 1234567890ABCDEF1234567890abcdef1234567890abcdef1234567890abcdef",
     "123 8 2 1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
     "123 8 2 1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"},
    {"example.com.", "HTTPS", "1 . alpn=\"h2,h3\" port=8443", "1 . alpn=h2,h3 port=8443",
     "1 . alpn=h2,h3 port=8443"},
    {"example.com.", "HTTPS", "0 www.example.com.", nullptr, "0 www.example.com."},
    {"_svc.example.com.", "SVCB", "1 svc.example.net. port=8443 ipv4hint=192.0.2.7", nullptr,
     "1 svc.example.net. port=8443 ipv4hint=192.0.2.7"},
    {"example.com.", "MX", "10 mail.example.com", "10 mail.example.com.", "10 mail.example.com."},
    {"example.com.", "MX", "0 .", nullptr, "0 ."},
    {"4.3.2.1.5.5.5.0.0.8.1.e164.arpa.", "NAPTR",
     "100 50 \"u\" \"E2U+sip\" \"!^(\\\\+441632960083)$!sip:\\\\1@example.com!\" .", nullptr,
     "100 50 \"u\" \"E2U+sip\" \"!^(\\\\+441632960083)$!sip:\\\\1@example.com!\" ."},
    {"example.com.", "NAPTR", "10 100 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.", nullptr,
     "10 100 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com."},
    {"example.com.", "NS", "ns-1.awsdns-01.org", "ns-1.awsdns-01.org.", "ns-1.awsdns-01.org."},
    {"1.2.0.192.in-addr.arpa.", "PTR", "hostname.example.com.", nullptr, "hostname.example.com."},
    {"example.com.", "SOA",
     "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400", nullptr,
     "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400"},
    {"example.com.", "SOA", "ns.example.com. host\\.master.example.com. 4294967295 1 2 3 4",
     "ns.example.com. host\\056master.example.com. 4294967295 1 2 3 4",
     "ns.example.com. host\\.master.example.com. 4294967295 1 2 3 4"},
    {"example.com.", "SPF", "\"v=spf1 ip4:192.168.0.1/16 -all\"", nullptr,
     "\"v=spf1 ip4:192.168.0.1/16 -all\""},
    {"_sip._tcp.example.com.", "SRV", "10 5 5060 sip.example.com", "10 5 5060 sip.example.com.",
     "10 5 5060 sip.example.com."},
    {"host.example.com.", "SSHFP", "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789ab",
     nullptr, "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789ab"},
    {"_443._tcp.www.example.com.", "TLSA",
     "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", nullptr,
     "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    {"example.com.", "TXT", "\"v=spf1 -all\"", nullptr, "\"v=spf1 -all\""},
    {"example.com.", "TXT", "\"\"", nullptr, "\"\""},
    {"example.com.", "TXT", "\"a\" \"\" \"b\"", nullptr, "\"a\" \"\" \"b\""},
    {"example.com.", "TXT", "\"first\"\"second\"", "\"first\" \"second\"", "\"first\" \"second\""},
    {"example.com.", "TXT", "\"say \\\"hi\\\" \\\\o/\"", nullptr, "\"say \\\"hi\\\" \\\\o/\""},
    {"example.com.", "TXT", "\"ex\\344mple \\303\\251 tab\\011;semi\"", nullptr,
     "\"ex\\228mple \\195\\169 tab\\009;semi\""},
    {"example.com.", "TXT", "\"a;b\" \"(c)\" \"$d\" \"@\"", nullptr, "\"a;b\" \"(c)\" \"$d\" \"@\""},
    {"example.com.", "TXT", "\"\\q\"", "\"q\"", "\"q\""},
};

TEST(R53Convert, EveryTypeParsesToTheSameRdataAsTheZoneFileForm) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.type) + " " + c.value);
    RrPtr rr = must_rr(c.owner, c.type, 300, c.value);
    ASSERT_TRUE(rr);
    RrPtr ref = from_zone_text(std::string(c.owner) + " 300 IN " + c.type + " " + c.zone);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ldns_rr_compare(rr.get(), ref.get()), 0) << line_of(rr.get());
  }
}

TEST(R53Convert, EveryTypeRoundTripsThroughRoute53Text) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.type) + " " + c.value);
    RrPtr rr = must_rr(c.owner, c.type, 300, c.value);
    ASSERT_TRUE(rr);
    std::string v = value_of(rr.get());
    EXPECT_EQ(v, c.expected ? c.expected : c.value);
    RrPtr again = must_rr(c.owner, c.type, 300, v);
    ASSERT_TRUE(again);
    EXPECT_EQ(ldns_rr_compare(rr.get(), again.get()), 0);
    EXPECT_EQ(value_of(again.get()), v);  // a fixed point after one pass
  }
}

TEST(R53Convert, EveryTypeRoundTripsThroughZoneFileText) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.type) + " " + c.value);
    RrPtr rr = must_rr(c.owner, c.type, 300, c.value);
    ASSERT_TRUE(rr);
    std::string line = line_of(rr.get());
    RrPtr back = from_zone_text(line);
    ASSERT_TRUE(back) << line;
    EXPECT_EQ(ldns_rr_compare(rr.get(), back.get()), 0) << line;
    EXPECT_EQ(ldns_rr_ttl(back.get()), 300u);
  }
}

TEST(R53Convert, CoversEveryRoute53Type) {
  std::set<std::string> seen;
  for (const Case& c : kCases) seen.insert(c.type);
  for (const std::string& t : r53_types()) EXPECT_TRUE(seen.count(t)) << t;
  EXPECT_EQ(r53_types().size(), 17u);
}

TEST(R53Convert, TxtLongerThan255MustBeSplit) {
  std::string s(256, 'x');
  auto rr = rr_from_r53("example.com.", "TXT", 60, "\"" + s + "\"");
  ASSERT_FALSE(rr.ok());
  EXPECT_EQ(rr.status().code(), Code::kInvalidArgument);
  EXPECT_NE(rr.status().message().find("longer than 255"), std::string::npos);
  // 255 bytes after unescaping is fine even if the text is longer.
  std::string esc;
  for (int i = 0; i < 255; ++i) esc += "\\351";
  EXPECT_TRUE(rr_from_r53("example.com.", "TXT", 60, "\"" + esc + "\"").ok());
}

TEST(R53Convert, TxtValueFromTextSplitsAt255WithoutCuttingEscapes) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += (i % 7 == 0) ? '"' : (i % 11 == 0 ? '\xe9' : 'a');
  std::string v = txt_value_from_text(text);
  auto rr = rr_from_r53("example.com.", "TXT", 60, v);
  ASSERT_TRUE(rr.ok()) << rr.status().to_string();
  ASSERT_EQ(ldns_rr_rd_count(rr->get()), 3u);
  EXPECT_EQ(ldns_rdf_size(ldns_rr_rdf(rr->get(), 0)), 256u);  // length byte + 255
  EXPECT_EQ(ldns_rdf_size(ldns_rr_rdf(rr->get(), 2)), 91u);
  auto back = text_from_txt_value(v);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, text);
  EXPECT_EQ(txt_value_from_text(""), "\"\"");
  EXPECT_EQ(*text_from_txt_value("\"ab\"\"cd\" \"e\""), "abcde");
}

TEST(R53Convert, TxtMustBeQuoted) {
  auto rr = rr_from_r53("example.com.", "TXT", 60, "v=spf1 -all");
  ASSERT_FALSE(rr.ok());
  EXPECT_NE(rr.status().message().find("quotation marks"), std::string::npos);
  EXPECT_FALSE(rr_from_r53("example.com.", "TXT", 60, "\"unterminated").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "TXT", 60, "").ok());
  EXPECT_FALSE(text_from_txt_value("abc").ok());
}

TEST(R53Convert, RejectsBadEscapesAndFields) {
  EXPECT_FALSE(rr_from_r53("example.com.", "TXT", 60, "\"\\19\"").ok());    // not three digits
  EXPECT_FALSE(rr_from_r53("example.com.", "TXT", 60, "\"\\189\"").ok());   // 8 is not octal
  EXPECT_FALSE(rr_from_r53("example.com.", "TXT", 60, "\"\\400\"").ok());   // above \377
  EXPECT_FALSE(rr_from_r53("example.com.", "A", 60, "192.0.2.300").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "A", 60, "192.0.2.1 192.0.2.2").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "MX", 60, "10").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "MX", 60, "x mail.example.com").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "AAAA", 60, "192.0.2.1").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "DS", 60, "1 8 2 xyz").ok());
  EXPECT_FALSE(rr_from_r53("example.com.", "CNAME", 60, "\"quoted.example.com\"").ok());
  auto bad = rr_from_r53("example.com.", "DNSKEY", 60, "256 3 8 AwEAAQ==");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not supported by Route 53"), std::string::npos);
}

TEST(R53Convert, NamesUseOctalEscapesAndLowerCase) {
  auto d = dname_from_r53("*.Example.COM");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(ldns_dname_is_wildcard(d->get()));
  EXPECT_EQ(r53_name(d->get()), "\\052.example.com.");
  EXPECT_EQ(r53_name_keep_case(d->get()), "\\052.Example.COM.");
  EXPECT_EQ(zone_file_name(d->get()), "*.Example.COM.");

  auto w = dname_from_r53("\\052.example.com.");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(ldns_dname_compare(d->get(), w->get()), 0);
  // Stored-form normalisation itself is r53::normalize_name's (tests/unit/r53/names_test.cc).
}

TEST(R53Convert, ZoneFileNamesEscapeEverythingAParserCouldMisread) {
  auto d = dname_from_r53("\\100.$x.(a);b.\\042q\\042.a\\040b.w*.\\052.ex\\344mple.a\\.b.com.");
  ASSERT_TRUE(d.ok());
  std::string z = zone_file_name(d->get());
  EXPECT_EQ(z,
            "\\064.\\036x.\\040a\\041\\059b.\\034q\\034.a\\032b.w\\042.*.ex\\228mple.a\\046b.com.");
  // ldns reads it back to the same name.
  RdfPtr back(ldns_dname_new_frm_str(z.c_str()));
  ASSERT_TRUE(back);
  EXPECT_EQ(ldns_rdf_compare(back.get(), d->get()), 0);
}

TEST(R53Convert, NameErrors) {
  EXPECT_FALSE(dname_from_r53("").ok());
  EXPECT_FALSE(dname_from_r53("a..example.com").ok());
  EXPECT_FALSE(dname_from_r53(std::string(64, 'a') + ".com").ok());
  EXPECT_TRUE(dname_from_r53(std::string(63, 'a') + ".com").ok());
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(50, 'a') + ".";
  EXPECT_FALSE(dname_from_r53(long_name + "com").ok());  // 5*51 + 4 + 1 > 255
  EXPECT_FALSE(dname_from_r53("a\\9.com").ok());
}

TEST(R53Convert, OwnerCaseAndTrailingDotDoNotMatter) {
  RrPtr a = must_rr("WWW.Example.com", "A", 60, "192.0.2.1");
  RrPtr b = must_rr("www.example.com.", "A", 60, "192.0.2.1");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(ldns_rr_compare(a.get(), b.get()), 0);
  EXPECT_EQ(r53_name(ldns_rr_owner(a.get())), "www.example.com.");
}

TEST(R53Convert, ZoneFileLineShape) {
  RrPtr rr = must_rr("\\052.example.com.", "TXT", 300, "\"caf\\303\\251\" \"x\\\"y\"");
  ASSERT_TRUE(rr);
  EXPECT_EQ(line_of(rr.get()), "*.example.com.\t300\tIN\tTXT\t\"caf\\195\\169\" \"x\\\"y\"");
  RrPtr ds = must_rr("sub.example.com.", "DS", 60, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
  ASSERT_TRUE(ds);
  // No ldns ";{id = ...}" comments in a zone file.
  EXPECT_EQ(line_of(ds.get()),
            "sub.example.com.\t60\tIN\tDS\t60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118");
}

TEST(R53Convert, RecordSetToRrs) {
  r53::RecordSet set;
  set.name = "\\052.example.com.";
  set.type = "A";
  set.ttl_s = 60;
  set.values = {"192.0.2.1", "192.0.2.2"};
  auto rrs = rrs_from_record_set(set);
  ASSERT_TRUE(rrs.ok());
  ASSERT_EQ(rrs->size(), 2u);
  EXPECT_EQ(ldns_rr_ttl((*rrs)[1].get()), 60u);

  set.values.push_back("nonsense");
  auto bad = rrs_from_record_set(set);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nonsense"), std::string::npos);

  r53::RecordSet alias;
  alias.name = "example.com.";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net.", false};
  EXPECT_FALSE(rrs_from_record_set(alias).ok());
}

TEST(R53Convert, TypeNames) {
  EXPECT_EQ(*r53_type_from_name("txt"), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(*r53_type_from_name("HTTPS"), LDNS_RR_TYPE_HTTPS);
  EXPECT_FALSE(r53_type_from_name("NSEC").ok());
  EXPECT_TRUE(r53_supports_type(LDNS_RR_TYPE_SVCB));
  EXPECT_FALSE(r53_supports_type(LDNS_RR_TYPE_DNSKEY));
  EXPECT_EQ(type_name(LDNS_RR_TYPE_SPF), "SPF");
}

}  // namespace
}  // namespace r53d::zone
