// Tests for Status and Result<T>.
#include "util/status.h"

#include <gtest/gtest.h>

namespace r53d {
namespace {

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.to_string(), "OK");
}

TEST(Status, CarriesCodeAndMessage) {
  Status s = Status::unavailable("Throttling: Rate exceeded");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.to_string(), "UNAVAILABLE: Throttling: Rate exceeded");
}

Result<int> half(int x) {
  if (x % 2) return Status::invalid_argument("odd");
  return x / 2;
}

TEST(Result, HoldsValueOrStatus) {
  auto a = half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kInvalidArgument);
}

Status chain(int x) {
  R53D_RETURN_IF_ERROR(half(x).status());
  return Status();
}

TEST(Status, ReturnIfErrorPropagates) {
  EXPECT_TRUE(chain(2).ok());
  EXPECT_EQ(chain(1).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace r53d
