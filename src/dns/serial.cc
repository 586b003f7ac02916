// RFC 1982 serial number arithmetic.
#include "dns/serial.h"

#include <cassert>

namespace r53d::dns {

SerialOrder serial_compare(uint32_t s1, uint32_t s2) {
  if (s1 == s2) return SerialOrder::kEqual;
  uint32_t d = s1 - s2;
  if (d == 0x80000000u) return SerialOrder::kUndefined;
  return d < 0x80000000u ? SerialOrder::kGreater : SerialOrder::kLess;
}

uint32_t serial_add(uint32_t s, uint32_t n) {
  assert(n <= 0x7FFFFFFFu && "RFC 1982 §3.1: addition of more than 2^31-1 is undefined");
  return s + n;  // unsigned arithmetic is modulo 2^32
}

uint32_t serial_next(uint32_t s) {
  uint32_t n = s + 1;
  return n == 0 ? 1 : n;
}

}  // namespace r53d::dns
