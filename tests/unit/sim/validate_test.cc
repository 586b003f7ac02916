// Tests for route53-sim's per-type value checks.
#include "sim/validate.h"

#include <gtest/gtest.h>

namespace r53d::sim {
namespace {

struct Case {
  const char* type;
  const char* value;
};

TEST(Validate, AcceptsGoodValues) {
  const Case good[] = {
      {"A", "192.0.2.1"},
      {"AAAA", "2001:0db8:85a3:0:0:8a2e:0370:7334"},
      {"AAAA", "::1"},
      {"CAA", "0 issue \"ca.example.net; account=123456\""},
      {"CAA", "128 iodef \"mailto:security@example.com\""},
      {"CNAME", "hostname.example.com"},
      {"CNAME", "hostname.example.com."},
      {"DS", "123 4 5 1234567890abcdef1234567890abcdef"},
      {"HTTPS", "1 . alpn=\"h2,h3\""},
      {"HTTPS", "0 svc.example.net."},
      {"MX", "10 mail.example.com"},
      {"NAPTR", "100 50 \"u\" \"E2U+sip\" \"!^(\\\\+441632960083)$!sip:\\\\1@example.com!\" ."},
      {"NAPTR", "100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.com."},
      {"NS", "ns-1.example.com"},
      {"PTR", "hostname.example.com"},
      {"SOA", "ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400"},
      {"SPF", "\"v=spf1 ip4:192.168.0.1/16 -all\""},
      {"SRV", "10 5 80 hostname.example.com"},
      {"SSHFP", "4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789"},
      {"SVCB", "1 svc.example.net. port=8443"},
      {"TLSA", "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
      {"TXT", "\"v=spf1 -all\""},
      {"TXT", "\"first\" \"second\""},
      {"TXT", "\"first\"\"second\""},
      {"TXT", "\"\""},
      {"TXT", "\"with \\\"escaped\\\" quotes and \\344 octal; semicolon\""},
  };
  for (const auto& c : good) {
    auto m = check_value(c.type, c.value);
    EXPECT_FALSE(m.has_value()) << c.type << " " << c.value << ": " << m.value_or("");
  }
  // A 255-character string is fine; two of them in one value too.
  std::string s255 = "\"" + std::string(255, 'x') + "\"";
  EXPECT_FALSE(check_value("TXT", s255).has_value());
  EXPECT_FALSE(check_value("TXT", s255 + " " + s255).has_value());
  // Escapes count once: 255 characters written as 127 "\\" pairs + 1.
  std::string escaped = "\"";
  for (int i = 0; i < 127; ++i) escaped += "\\\\";
  escaped += "x\"";
  EXPECT_FALSE(check_value("TXT", escaped).has_value());
}

TEST(Validate, RefusesBadValuesWithRoute53Texts) {
  EXPECT_EQ(check_value("A", "1.2.3.4, 1.2.3.4").value_or(""),
            "Invalid Resource Record: FATAL problem: ARRDATANotSingleField (Value contains "
            "spaces) encountered with '1.2.3.4, 1.2.3.4'");
  EXPECT_EQ(check_value("TXT", "v=spf1 -all").value_or(""),
            "Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be "
            "enclosed in quotation marks) encountered with 'v=spf1 -all'");
  std::string s256 = "\"" + std::string(256, 'x') + "\"";
  EXPECT_EQ(check_value("TXT", s256).value_or(""),
            "Invalid Resource Record: FATAL problem: CharacterStringTooLong (Value is too long) "
            "encountered with '" + s256 + "'");

  const Case bad[] = {
      {"A", "256.1.1.1"},
      {"A", "192.0.2"},
      {"A", "::1"},
      {"A", ""},
      {"AAAA", "192.0.2.1"},
      {"AAAA", "2001:db8::1 ::2"},
      {"CAA", "0 issue ca.example.net"},
      {"CAA", "256 issue \"x\""},
      {"CAA", "0 is-sue \"x\""},
      {"CNAME", "a b.example.com"},
      {"CNAME", ""},
      {"CNAME", "a..example.com"},
      {"DS", "123 4 5 xyz"},
      {"DS", "123 4 5"},
      {"DS", "70000 4 5 abcd"},
      {"HTTPS", "1"},
      {"HTTPS", "x svc.example.com"},
      {"HTTPS", "1 svc.example.com bogus=1"},
      {"MX", "mail.example.com"},
      {"MX", "70000 mail.example.com"},
      {"MX", "10 mail.example.com extra"},
      {"NAPTR", "100 50 u E2U+sip \"\" ."},
      {"NAPTR", "100 50 \"u\" \"E2U+sip\" \"!x!y!\" example.com."},
      {"NS", "ns 1.example.com"},
      {"PTR", "a..b"},
      {"SOA", "ns. host. 1 2 3 4"},
      {"SOA", "ns. host. 1 2 3 4 x"},
      {"SPF", "v=spf1 -all"},
      {"SRV", "10 5 80"},
      {"SRV", "10 5 99999 host.example.com"},
      {"SSHFP", "4 2 xyz"},
      {"SVCB", "1 svc.example.net. port=x"},
      {"TLSA", "3 1 1 abc"},
      {"TXT", "\"unterminated"},
      {"TXT", "\"a\" b"},
      {"TXT", "b\"a\""},
      {"TXT", ""},
  };
  for (const auto& c : bad) {
    auto m = check_value(c.type, c.value);
    ASSERT_TRUE(m.has_value()) << c.type << " '" << c.value << "' was accepted";
    EXPECT_EQ(m->rfind("Invalid Resource Record: FATAL problem: ", 0), 0u) << *m;
    EXPECT_NE(m->find(std::string("encountered with '") + c.value + "'"), std::string::npos) << *m;
  }
}

TEST(Validate, KnownTypes) {
  for (const char* t : {"SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF",
                        "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"})
    EXPECT_TRUE(is_known_type(t)) << t;
  EXPECT_FALSE(is_known_type("ANY"));
  EXPECT_FALSE(is_known_type("a"));
  EXPECT_FALSE(is_known_type("DNSKEY"));
}

TEST(Validate, CanonicalValueMakesEquivalentSpellingsEqual) {
  EXPECT_EQ(canonical_value("CNAME", "Host.Example.com"), canonical_value("CNAME", "host.example.com."));
  EXPECT_EQ(canonical_value("MX", "10 Mail.example.com"), canonical_value("MX", "10  mail.example.com."));
  EXPECT_EQ(canonical_value("AAAA", "2001:db8:0:0::1"), canonical_value("AAAA", "2001:DB8::1"));
  EXPECT_NE(canonical_value("TXT", "\"Ab\""), canonical_value("TXT", "\"aB\""));
  EXPECT_NE(canonical_value("A", "192.0.2.1"), canonical_value("A", "192.0.2.2"));
}

TEST(Validate, DomainNameChecks) {
  EXPECT_FALSE(check_domain_name("target.example.com").has_value());
  EXPECT_EQ(check_domain_name("").value_or(""),
            "FATAL problem: DomainNameEmpty (Domain name is empty) encountered with ''");
  EXPECT_TRUE(check_domain_name(std::string(64, 'a') + ".com").has_value());
}

TEST(Validate, ValueCharsCountsCodePoints) {
  EXPECT_EQ(value_chars("abc"), 3u);
  EXPECT_EQ(value_chars("\xc3\xa9"), 1u);  // é
  EXPECT_EQ(value_chars(""), 0u);
}

}  // namespace
}  // namespace r53d::sim
