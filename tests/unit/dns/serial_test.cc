// Tests for RFC 1982 serial arithmetic (src/dns/serial.cc), at the boundaries dnsjava and
// twisted got wrong (dns-protocol.md §8 item 17).
#include "dns/serial.h"

#include <gtest/gtest.h>

namespace r53d::dns {
namespace {

TEST(Serial, CompareTable) {
  struct C {
    uint32_t a, b;
    SerialOrder want;
  };
  const C cases[] = {
      {0, 0, SerialOrder::kEqual},
      {1, 0, SerialOrder::kGreater},
      {0, 1, SerialOrder::kLess},
      {0, 0xFFFFFFFFu, SerialOrder::kGreater},           // wrapped: 0 follows 2^32-1
      {0xFFFFFFFFu, 0, SerialOrder::kLess},
      {0x7FFFFFFFu, 0, SerialOrder::kGreater},           // 2^31-1 ahead: still greater
      {0x80000000u, 0, SerialOrder::kUndefined},          // exactly 2^31 apart
      {0, 0x80000000u, SerialOrder::kUndefined},
      {0x80000001u, 0, SerialOrder::kLess},               // more than 2^31 ahead: behind
      {0x80000001u, 1, SerialOrder::kUndefined},
      {100, 5000, SerialOrder::kLess},
      {5000, 100, SerialOrder::kGreater},
      {2147483747u, 100, SerialOrder::kGreater},
      {2147483748u, 100, SerialOrder::kUndefined},
      {2147483749u, 100, SerialOrder::kLess},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.a) + " vs " + std::to_string(c.b));
    EXPECT_EQ(serial_compare(c.a, c.b), c.want);
    EXPECT_EQ(serial_gt(c.a, c.b), c.want == SerialOrder::kGreater);
    EXPECT_EQ(serial_lt(c.a, c.b), c.want == SerialOrder::kLess);
  }
}

TEST(Serial, AddWrapsModulo2To32) {
  EXPECT_EQ(serial_add(0xFFFFFFFFu, 1), 0u);
  EXPECT_EQ(serial_add(10, 0x7FFFFFFFu), 0x80000009u);
  EXPECT_EQ(serial_add(5, 0), 5u);
  EXPECT_TRUE(serial_gt(serial_add(0xFFFFFFF0u, 0x20), 0xFFFFFFF0u));
}

TEST(Serial, NextNeverProducesZero) {
  EXPECT_EQ(serial_next(0), 1u);
  EXPECT_EQ(serial_next(1), 2u);
  EXPECT_EQ(serial_next(0x7FFFFFFFu), 0x80000000u);
  EXPECT_EQ(serial_next(0xFFFFFFFEu), 0xFFFFFFFFu);
  EXPECT_EQ(serial_next(0xFFFFFFFFu), 1u);  // RFC 2136 §7.11: skip 0
  for (uint32_t s : {0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu}) EXPECT_TRUE(serial_gt(serial_next(s), s));
}

}  // namespace
}  // namespace r53d::dns
