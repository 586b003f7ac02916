// Tests for the BIND key-file parser (tsig-keygen / ddns-confgen output and its variations).
#include "config/bind_keys.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace r53d::config {
namespace {

TEST(BindKeys, TsigKeygenOutput) {
  auto k = parse_bind_keys(
      "key \"ddns-key.example.com\" {\n"
      "\talgorithm hmac-sha256;\n"
      "\tsecret \"bWFkZS11cC1leGFtcGxlLXNlY3JldC0zMi1ieXRlcyE=\";\n"
      "};\n",
      "k.conf");
  ASSERT_TRUE(k.ok()) << k.status().message();
  ASSERT_EQ(k->size(), 1u);
  EXPECT_EQ((*k)[0].name, "ddns-key.example.com.");
  EXPECT_EQ((*k)[0].algorithm, "hmac-sha256");
  EXPECT_EQ((*k)[0].secret.size(), 32u);
  EXPECT_EQ(std::string((*k)[0].secret.begin(), (*k)[0].secret.end()),
            "made-up-example-secret-32-bytes!");
  EXPECT_EQ((*k)[0].where.str(), "k.conf:1");
}

TEST(BindKeys, DdnsConfgenOutputWithCommentsAndOtherStatements) {
  auto k = parse_bind_keys(
      "# To activate this key, place the following in named.conf\n"
      "// a C++ comment\n"
      "/* a C comment\n   over two lines */\n"
      "options { directory \"/var/cache/bind\"; };\n"
      "key ddns-key.Example.COM. { secret \"bWFkZQ==\"; algorithm HMAC-SHA512; };\n"
      "update-policy {\n\t  grant ddns-key.example.com zonesub ANY;\n};\n"
      "key \"second\" {\n algorithm hmac-md5; # trailing\n secret \"c2Vjb25k\";\n};\n",
      "k.conf");
  ASSERT_TRUE(k.ok()) << k.status().message();
  ASSERT_EQ(k->size(), 2u);
  EXPECT_EQ((*k)[0].name, "ddns-key.example.com.");
  EXPECT_EQ((*k)[0].algorithm, "hmac-sha512");
  EXPECT_EQ((*k)[0].where.line, 6);
  EXPECT_EQ((*k)[1].name, "second.");
  EXPECT_EQ((*k)[1].algorithm, "hmac-md5");
  EXPECT_EQ((*k)[1].where.line, 10);
}

TEST(BindKeys, TruncatedAlgorithm) {
  auto k = parse_bind_keys("key k { algorithm hmac-sha256-128; secret \"bWFkZQ==\"; };", "k.conf");
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ((*k)[0].mac_bits, 128);
}

struct Bad {
  const char* text;
  const char* error;
};

TEST(BindKeys, ErrorsSayFileLineReason) {
  const Bad kBad[] = {
      {"key \"k\" {\n algorithm hmac-sha256;\n};\n", "k.conf:1: key \"k\": no secret"},
      {"key \"k\" {\n secret \"bWFkZQ==\";\n};\n", "k.conf:1: key \"k\": no algorithm"},
      {"key \"k\" {\n algorithm hmac-foo;\n secret \"bWFkZQ==\";\n};\n",
       "k.conf:2: key \"k\": unknown algorithm \"hmac-foo\" (hmac-md5, hmac-sha1, hmac-sha224, "
       "hmac-sha256, hmac-sha384, hmac-sha512)"},
      {"key \"k\" {\n algorithm hmac-sha256;\n secret \"bWFk!Q==\";\n};\n",
       "k.conf:3: key \"k\": secret is not valid base64 (invalid character)"},
      {"key \"k\" {\n algorithm hmac-sha256\n secret \"bWFkZQ==\";\n};\n",
       "k.conf:3: key \"k\": expected ';' after algorithm"},
      {"key \"k\" {\n algorithm hmac-sha256;\n secret \"bWFkZQ==\";\n}\n",
       "k.conf:4: key \"k\": expected ';' after '}'"},
      {"key \"k\" {\n algorithm hmac-sha256;\n", "k.conf:3: key \"k\": missing '};'"},
      {"key \"k\" {\n algorithm hmac-sha256;\n color blue;\n};\n",
       "k.conf:3: key \"k\": unknown clause \"color\""},
      {"key \"k\" {\n secret \"bWFkZQ==\n", "k.conf:2: unterminated quoted string"},
      {"/* open\n\n", "k.conf:1: unterminated /* comment"},
      {"key \"a..b\" { };", "k.conf:1: key name: empty label in \"a..b\""},
      {"key \"k\" { algorithm hmac-md5; secret \"bWFkZQ==\"; };\n"
       "key \"K.\" { algorithm hmac-md5; secret \"bWFkZQ==\"; };\n",
       "k.conf:2: key \"K.\": defined twice (first at line 1)"},
      {"options { x;\n", "k.conf:1: unbalanced '{' in statement"},
  };
  for (const Bad& b : kBad) {
    auto k = parse_bind_keys(b.text, "k.conf");
    ASSERT_FALSE(k.ok()) << b.text;
    EXPECT_EQ(k.status().message(), b.error) << b.text;
  }
}

// Found by tests/fuzz/bind_keys: a NUL byte outside a quoted string (a corrupt key file) made the
// lexer return an empty word without moving, and the parser looped forever. Run in a child with an
// alarm so that the bug fails the test instead of hanging it.
TEST(BindKeysDeathTest, NulByteInFileIsAnErrorNotAHang) {
  struct Case {
    std::string text;
    bool ok;  // an unknown statement holding a NUL is skipped like any other
  };
  for (const Case& c : {Case{std::string("key k {\0 algorithm hmac-sha256; };", 34), false},
                        Case{std::string("options {\0};", 12), true}, Case{std::string("\0", 1), false}}) {
    EXPECT_EXIT(
        {
          alarm(5);
          auto k = parse_bind_keys(c.text, "nul.key");
          bool as_expected = c.ok ? k.ok() && k->empty() : !k.ok() && k.status().message().rfind("nul.key:1: ", 0) == 0;
          _exit(as_expected ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "")
        << "text of " << c.text.size() << " bytes";
  }
}

TEST(BindKeys, SecretDecoding) {
  EXPECT_EQ(decode_secret("bWFkZQ==")->size(), 4u);
  EXPECT_EQ(decode_secret("bWFk ZS11\ncA==")->size(), 7u);
  EXPECT_FALSE(decode_secret("").ok());
  EXPECT_FALSE(decode_secret("bWFkZQ=").ok());
  EXPECT_FALSE(decode_secret("bW=kZQ==").ok());
  auto e = decode_secret("SECRET!!");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message().find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace r53d::config
