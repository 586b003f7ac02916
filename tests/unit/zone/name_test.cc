// Tests for zone::Name (src/zone/name.cc) and the Route 53 name/type seam (src/zone/codec.cc).
#include "zone/name.h"

#include <gtest/gtest.h>

#include "zone/codec.h"

namespace r53d::zone {
namespace {

Name N(const char* t) {
  auto n = Name::from_text(t);
  EXPECT_TRUE(n.ok()) << t;
  return *n;
}

TEST(Name, CaseInsensitiveAndDotOptional) {
  EXPECT_EQ(N("WWW.Example.COM"), N("www.example.com."));
  EXPECT_EQ(N("www.example.com").to_text(), "www.example.com.");
  EXPECT_EQ(N("WWW.Example.COM").to_text(), "www.example.com.");
  EXPECT_EQ(N(".").to_text(), ".");
  EXPECT_EQ(Name(), N("."));
  EXPECT_FALSE(N("www.example.com") == N("www.example.org"));
}

TEST(Name, FromRdfCopiesAndLowerCases) {
  RdfPtr rdf(ldns_dname_new_frm_str("Mail.EXAMPLE.com"));
  Name n = Name::from_rdf(rdf.get());
  EXPECT_EQ(n.wire(), std::string("\4mail\7example\3com\0", 18));
  RdfPtr back = n.to_rdf();
  EXPECT_EQ(ldns_dname_compare(back.get(), rdf.get()), 0);
}

TEST(Name, AtOrBelow) {
  struct C {
    const char* name;
    const char* zone;
    bool want;
  };
  const C cases[] = {
      {"example.com", "example.com", true},
      {"EXAMPLE.com", "example.com", true},
      {"www.example.com", "example.com", true},
      {"a.b.c.example.com", "example.com", true},
      {"com", "example.com", false},
      {"example.org", "example.com", false},
      {"badexample.com", "example.com", false},  // suffix, but not at a label boundary
      {"xexample.com", "example.com", false},
      {"example.com", ".", true},
      {"www.example.com", "www.example.com.", true},
  };
  for (const auto& c : cases) EXPECT_EQ(N(c.name).is_at_or_below(N(c.zone)), c.want) << c.name << " in " << c.zone;
}

TEST(Name, LabelsAndWildcards) {
  EXPECT_EQ(N(".").label_count(), 0u);
  EXPECT_EQ(N("example.com").label_count(), 2u);
  EXPECT_TRUE(N("*.example.com").is_wildcard());
  EXPECT_FALSE(N("a*.example.com").is_wildcard());
  EXPECT_FALSE(N("www.*.example.com").is_wildcard());
}

TEST(Codec, Route53NamesRoundTrip) {
  struct C {
    const char* r53;
    const char* canonical_r53;
    const char* dns_text;
  };
  const C cases[] = {
      {"www.example.com.", "www.example.com.", "www.example.com."},
      {"WWW.Example.com", "www.example.com.", "www.example.com."},
      {"\\052.example.com.", "\\052.example.com.", "*.example.com."},
      {"*.example.com", "\\052.example.com.", "*.example.com."},
      {"_acme-challenge.example.com.", "_acme-challenge.example.com.", "_acme-challenge.example.com."},
      {"0\\05726.2.0.192.in-addr.arpa.", "0\\05726.2.0.192.in-addr.arpa.", "0/26.2.0.192.in-addr.arpa."},
      {"a\\056b.example.com.", "a\\056b.example.com.", "a\\.b.example.com."},
      {".", ".", "."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.r53);
    auto n = name_from_r53(c.r53);
    ASSERT_TRUE(n.ok()) << n.status().to_string();
    EXPECT_EQ(name_to_r53(*n), c.canonical_r53);
    EXPECT_EQ(n->to_text(), c.dns_text);
  }
  EXPECT_FALSE(name_from_r53("").ok());
  EXPECT_FALSE(name_from_r53("a..b.").ok());
  EXPECT_FALSE(name_from_r53(std::string(64, 'a') + ".com.").ok());
}

TEST(Codec, TypesAndValues) {
  EXPECT_EQ(type_to_r53(LDNS_RR_TYPE_AAAA), "AAAA");
  EXPECT_EQ(*type_from_r53("TXT"), LDNS_RR_TYPE_TXT);
  EXPECT_FALSE(type_from_r53("BOGUS").ok());
  auto rr = rr_from_value(N("example.com"), LDNS_RR_TYPE_MX, 300, "10 mail.example.com");
  ASSERT_TRUE(rr.ok()) << rr.status().to_string();
  EXPECT_EQ(ldns_rr_ttl(rr->get()), 300u);
  EXPECT_EQ(*value_from_rr(rr->get()), "10 mail.example.com.");
  auto txt = rr_from_value(N("t.example.com"), LDNS_RR_TYPE_TXT, 60, "\"caf\\303\\251\" \"b c\"");
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(*value_from_rr(txt->get()), "\"caf\\303\\251\" \"b c\"");  // octal escapes survive
  EXPECT_FALSE(rr_from_value(N("x.example.com"), LDNS_RR_TYPE_A, 60, "not-an-address").ok());
}

}  // namespace
}  // namespace r53d::zone
