// Tests for Route 53 name normalisation, validation and ListResourceRecordSets order.
#include "r53/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace r53d::r53 {
namespace {

std::string norm(std::string_view in) {
  auto r = normalize_name(in);
  EXPECT_TRUE(r.ok()) << in << ": " << r.status().to_string();
  return r.ok() ? *r : std::string("<error>");
}

TEST(Names, NormalisesToStoredForm) {
  struct Case { const char* in; const char* out; } cases[] = {
      {"www.example.com", "www.example.com."},
      {"www.example.com.", "www.example.com."},
      {"WWW.Example.COM", "www.example.com."},
      {"*.example.com", "\\052.example.com."},
      {"\\052.example.com.", "\\052.example.com."},
      {"\\052.EXAMPLE.com", "\\052.example.com."},
      {"0/26.2.0.192.in-addr.arpa", "0\\05726.2.0.192.in-addr.arpa."},
      {"a@b.example.com", "a\\100b.example.com."},
      {"_dmarc.example.com", "_dmarc.example.com."},
      {"a-b.example.com", "a-b.example.com."},
      {"\\101bc.example.com", "abc.example.com."},   // escaped upper-case letter folds
      {"a\\.b.example.com", "a\\056b.example.com."},  // dot inside a label
      {"a\\ b.example.com", "a\\040b.example.com."},
      {"ex\xe4mple.com", "ex\\344mple.com."},
      {"ex\\344mple.com", "ex\\344mple.com."},
      {".", "."},
  };
  for (const auto& c : cases) EXPECT_EQ(norm(c.in), c.out) << c.in;
}

TEST(Names, RefusesBadNames) {
  const std::string label63(63, 'a');
  const std::string label64(64, 'a');
  EXPECT_EQ(normalize_name("").status().message(), "DomainNameEmpty (Domain name is empty)");
  EXPECT_EQ(normalize_name("a..example.com").status().message(),
            "DomainLabelEmpty (Domain label is empty)");
  EXPECT_EQ(normalize_name(".example.com").status().message(),
            "DomainLabelEmpty (Domain label is empty)");
  EXPECT_TRUE(normalize_name(label63 + ".example.com").ok());
  EXPECT_EQ(normalize_name(label64 + ".example.com").status().message(),
            "DomainLabelTooLong (Domain label is too long)");
  EXPECT_FALSE(normalize_name("abc\\").ok());
  EXPECT_FALSE(normalize_name("a\\9b.com").ok());
}

TEST(Names, WireLengthLimitIs255) {
  // 4 labels of 63 + 1 label of 1 ... wire = 4*64 + 1 = 257 > 255.
  std::string l63(63, 'a');
  std::string ok_name = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');  // wire 255
  EXPECT_TRUE(normalize_name(ok_name).ok());
  EXPECT_EQ(normalize_name(ok_name + "b").status().message(),
            "DomainNameTooLong (Domain name is too long)");
  // Escapes count as one byte each.
  std::string escaped = l63 + "." + l63 + "." + l63 + ".";
  for (int i = 0; i < 61; ++i) escaped += "\\052";
  EXPECT_TRUE(normalize_name(escaped).ok());
  EXPECT_TRUE(validate_name(*normalize_name(escaped)).ok());
}

TEST(Names, ReverseKey) {
  EXPECT_EQ(reverse_name_key("www.example.com."), "com.example.www.");
  EXPECT_EQ(reverse_name_key("example.com."), "com.example.");
  EXPECT_EQ(reverse_name_key("\\052.example.com."), "com.example.\\052.");
  EXPECT_EQ(reverse_name_key("."), "");
}

TEST(Names, ListOrderFollowsReversedLabels) {
  // Expected ListResourceRecordSets order (route53-api.md §4.6): apex first; digits, then
  // '\\' (escapes such as \052), then letters; '-' sorts before '.' so a-b precedes a and x.a.
  std::vector<std::string> expected = {
      "example.com.",       "0\\05726.example.com.", "\\052.example.com.", "a-b.example.com.",
      "a.example.com.",     "x.a.example.com.",      "b.example.com.",     "www.example.com.",
  };
  std::vector<std::string> names(expected.rbegin(), expected.rend());
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return compare_rrset_order(a, "A", "", b, "A", "") < 0;
  });
  EXPECT_EQ(names, expected);
}

TEST(Names, RecordKeyOrdersTypeThenSetIdentifier) {
  std::map<RecordKey, int> m;
  m[RecordKey::make("example.com.", "SOA", "")] = 1;
  m[RecordKey::make("example.com.", "NS", "")] = 2;
  m[RecordKey::make("www.example.com.", "A", "blue")] = 3;
  m[RecordKey::make("www.example.com.", "A", "")] = 4;
  m[RecordKey::make("www.example.com.", "AAAA", "")] = 5;
  m[RecordKey::make("www.example.com.", "A", "green")] = 6;
  m[RecordKey::make("mail.example.com.", "MX", "")] = 7;
  std::vector<int> order;
  for (const auto& [k, v] : m) order.push_back(v);
  EXPECT_EQ(order, (std::vector<int>{2, 1, 7, 4, 3, 6, 5}));
  EXPECT_EQ(m.begin()->first.name, "example.com.");
}

TEST(Names, IsInZone) {
  EXPECT_TRUE(is_in_zone("www.example.com.", "example.com."));
  EXPECT_TRUE(is_in_zone("example.com.", "example.com."));
  EXPECT_TRUE(is_in_zone("a.b.example.com.", "example.com."));
  EXPECT_FALSE(is_in_zone("wwwexample.com.", "example.com."));
  EXPECT_FALSE(is_in_zone("com.", "example.com."));
  EXPECT_FALSE(is_in_zone("website.example.com.", "example.com.br."));
  EXPECT_TRUE(is_in_zone("anything.", "."));
}

TEST(Names, SameNameIgnoresCaseDotAndEscapes) {
  EXPECT_TRUE(same_name("*.Example.com", "\\052.example.com."));
  EXPECT_FALSE(same_name("a.example.com", "b.example.com"));
  EXPECT_FALSE(same_name("", ""));
}

TEST(Names, DecodeForPresentation) {
  EXPECT_EQ(decode_name("\\052.example.com."), "*.example.com.");
  EXPECT_EQ(decode_name("0\\05726.example.com."), "0/26.example.com.");
  EXPECT_EQ(decode_name("a\\056b.example.com."), "a\\046b.example.com.");
  EXPECT_EQ(decode_name("a\\056b.example.com.", false), "a\\056b.example.com.");
  EXPECT_EQ(decode_name("a\\040b.com."), "a\\032b.com.");
}

TEST(Names, SplitKeepsRawBytes) {
  auto r = split_name("A\\.b.Example.com.");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<std::string>{"A.b", "Example", "com"}));
  EXPECT_EQ(join_labels(*r), "a\\056b.example.com.");
  auto root = split_name(".");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->empty());
}

TEST(Names, ReadEscapeIsOctalOrLiteral) {
  struct Case { const char* text; bool ok; char byte; size_t next; } cases[] = {
      {"\\052x", true, '*', 4},   {"\\377", true, '\xff', 4}, {"\\000", true, '\0', 4},
      {"\\.", true, '.', 2},      {"\\\"", true, '"', 2},     {"\\\\", true, '\\', 2},
      {"\\", false, 0, 0},        {"\\9", false, 0, 0},        {"\\12x", false, 0, 0},
      {"\\089", false, 0, 0},     {"\\400", false, 0, 0},      {"\\05", false, 0, 0},
  };
  for (const auto& c : cases) {
    size_t i = 0;
    char b = 0;
    EXPECT_EQ(read_escape(c.text, i, b), c.ok) << c.text;
    EXPECT_EQ(i, c.next) << c.text;  // unchanged on failure
    if (c.ok) {
      EXPECT_EQ(b, c.byte) << c.text;
    }
  }
}

TEST(Names, AppendLabelEscapesAndFoldsCase) {
  std::string out;
  append_label(out, "Mail*A b.\xe4_-9");
  EXPECT_EQ(out, "mail\\052a\\040b\\056\\344_-9");
  out.clear();
  append_label(out, "Mail*", true);  // names inside values keep their case
  EXPECT_EQ(out, "Mail\\052");
  out.clear();
  append_octal_escape(out, 0x0a);
  EXPECT_EQ(out, "\\012");
}

}  // namespace
}  // namespace r53d::r53
