// Tests for the strict base64 codec used for TSIG secrets.
#include "util/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace r53d {
namespace {

std::string dec(std::string_view s) {
  auto r = base64_decode(s);
  return r.ok() ? std::string(r->begin(), r->end()) : "<error>";
}

TEST(Base64, RoundTripsRfc4648Vectors) {
  const char* const kPlain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* const kCoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    std::string p = kPlain[i];
    EXPECT_EQ(base64_encode({reinterpret_cast<const uint8_t*>(p.data()), p.size()}), kCoded[i]);
    EXPECT_EQ(dec(kCoded[i]), p);
  }
}

TEST(Base64, IgnoresWhitespaceLikeKeyFiles) { EXPECT_EQ(dec(" Zm9v\n YmFy\t"), "foobar"); }

TEST(Base64, RejectsInvalidInput) {
  for (const char* bad : {"Zm9", "Zm9v!", "Z===", "Zg==Zg==", "=Zg=", "Zm=v", "Zm9vYmFy="}) {
    EXPECT_FALSE(base64_decode(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace r53d
