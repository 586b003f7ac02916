// RFC 1982 serial number arithmetic for SOA serials (SERIAL_BITS = 32), and the RFC 2136 §7.11 increment.
//
//   if (dns::serial_gt(new_serial, old_serial)) ...   // "new is newer"
//   uint32_t next = dns::serial_next(old_serial);      // +1, never 0
//
// Pairs exactly 2^31 apart compare as kUndefined: neither less nor greater (RFC 1982 §3.2). Every
// predicate below treats that case as "not newer", as BIND's DNS_SERIAL_GT does.
#pragma once

#include <cstdint>

namespace r53d::dns {

enum class SerialOrder { kLess, kEqual, kGreater, kUndefined };

// Compares s1 with s2 (RFC 1982 §3.2): kGreater means s1 is newer than s2.
SerialOrder serial_compare(uint32_t s1, uint32_t s2);

// s1 is newer than s2 (strictly). False for equal and for undefined pairs.
inline bool serial_gt(uint32_t s1, uint32_t s2) {
  uint32_t d = s1 - s2;  // unsigned: wraps, no overflow
  return d != 0 && d < 0x80000000u;
}
// s1 is older than s2 (strictly). False for equal and for undefined pairs.
inline bool serial_lt(uint32_t s1, uint32_t s2) { return serial_gt(s2, s1); }

// RFC 1982 §3.1 addition: (s + n) mod 2^32. n must be at most 2^31 - 1 (asserted).
uint32_t serial_add(uint32_t s, uint32_t n);

// The serial after an update: s + 1, skipping 0 (RFC 2136 §7.11: a serial of zero must not be
// produced by an increment). serial_next(0xFFFFFFFF) == 1.
uint32_t serial_next(uint32_t s);

}  // namespace r53d::dns
