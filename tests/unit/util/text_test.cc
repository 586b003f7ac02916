// Tests for the ASCII trimming and case-folding helpers.
#include "util/text.h"

#include <gtest/gtest.h>

namespace r53d {
namespace {

TEST(Text, TrimStripsAsciiSpaceAtBothEnds) {
  EXPECT_EQ(trim("  us-east-1 \r\n"), "us-east-1");
  EXPECT_EQ(trim("\t\v\fa b\f"), "a b");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\xa0x\xa0"), "\xa0x\xa0");  // not ASCII space
}

TEST(Text, AsciiLowerFoldsOnlyAToZ) {
  EXPECT_EQ(ascii_lower("Route53.AmazonAWS.COM"), "route53.amazonaws.com");
  EXPECT_EQ(ascii_lower("@[`{\xc4"), "@[`{\xc4");
}

}  // namespace
}  // namespace r53d
