// Building new apex SOA RRsets: the serial bump of every batch, an SOA replaced by an UPDATE or
// set by a zone transfer, and the zone-wide lock of a push that takes several requests.
//
// Route 53 owns the SOA's MNAME and RNAME (DESIGN.md): every function keeps them, and their Route
// 53 text, from the current SOA; only SERIAL (and, for an UPDATE or a transfer, the timers and
// TTL) change.
//
//   RRset::Ptr next = zone::soa_with_serial(*mirror.soa(), dns::serial_next(mirror.serial()));
//
// The push lock (DESIGN.md "One commit pipeline, two sources", "The push lock"): while a push
// that needs several ChangeResourceRecordSets requests runs, Route 53's SOA is a marked copy of
// the SOA with the same SERIAL and EXPIRE = kSoaLockTag | token (0x5Dxxxxxx, about 49 years: no
// real zone uses it; REFRESH/RETRY/EXPIRE mean nothing to Route 53, which has no secondaries).
// Every request of the push DELETEs the exact marked SOA it wrote last and CREATEs the next mark
// (a new token), so a request lands only while the lock is still the holder's, and others see it
// progress. The last request swaps the mark for the new SOA.
//
//   auto locked = zone::soa_locked(*mirror.soa(), token);      // same serial, EXPIRE 0x5D......
//   zone::soa_is_locked(**locked) == true
#pragma once

#include <cstdint>

#include "util/status.h"
#include "zone/rrset.h"

namespace r53d::zone {

// The five numbers of an SOA value after MNAME and RNAME.
struct SoaFields {
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
  bool operator==(const SoaFields&) const = default;
};
// kInvalidArgument if soa is not a simple SOA RRset with 7 fields.
Result<SoaFields> soa_fields(const RRset& soa);

// cur with SERIAL replaced; TTL, timers, MNAME/RNAME and their text unchanged.
// kInvalidArgument if cur is not a simple SOA RRset whose value has the 7 SOA fields.
Result<RRset::Ptr> soa_with_serial(const RRset& cur, uint32_t serial);

// The SOA an UPDATE "add SOA" produces (RFC 2136 §3.4.2.2): SERIAL, REFRESH, RETRY, EXPIRE,
// MINIMUM and the TTL from update_rr (borrowed), MNAME and RNAME from cur.
Result<RRset::Ptr> soa_from_update(const RRset& cur, const ldns_rr* update_rr);

// cur with every number and the TTL replaced; MNAME and RNAME (and their text) kept.
Result<RRset::Ptr> soa_with_fields(const RRset& cur, const SoaFields& f, uint32_t ttl_s);

// The push lock (see the top of this file).
inline constexpr uint32_t kSoaLockTag = 0x5D000000u;
inline constexpr uint32_t kSoaLockMask = 0xFF000000u;
// EXPIRE carries the lock tag. False for anything that is not a simple SOA.
bool soa_is_locked(const RRset& soa);
// cur marked as locked with `token` (its low 24 bits): same serial, TTL and other fields.
Result<RRset::Ptr> soa_locked(const RRset& cur, uint32_t token);

}  // namespace r53d::zone
