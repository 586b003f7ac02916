// Building new apex SOA RRsets: the serial bump of every batch and an SOA replaced by an UPDATE.
//
// Route 53 owns the SOA's MNAME and RNAME (DESIGN.md): both functions keep them, and their Route
// 53 text, from the current SOA; only SERIAL (and, for an UPDATE, the timers and TTL) change.
//
//   RRset::Ptr next = zone::soa_with_serial(*mirror.soa(), dns::serial_next(mirror.serial()));
#pragma once

#include <cstdint>

#include "util/status.h"
#include "zone/rrset.h"

namespace r53d::zone {

// cur with SERIAL replaced; TTL, timers, MNAME/RNAME and their text unchanged.
// kInvalidArgument if cur is not a simple SOA RRset whose value has the 7 SOA fields.
Result<RRset::Ptr> soa_with_serial(const RRset& cur, uint32_t serial);

// The SOA an UPDATE "add SOA" produces (RFC 2136 §3.4.2.2): SERIAL, REFRESH, RETRY, EXPIRE,
// MINIMUM and the TTL from update_rr (borrowed), MNAME and RNAME from cur.
Result<RRset::Ptr> soa_from_update(const RRset& cur, const ldns_rr* update_rr);

}  // namespace r53d::zone
