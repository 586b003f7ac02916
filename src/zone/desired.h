// What Route 53 should hold for a secondary zone: the primary's records (zone/primary_zone.h)
// filtered by Route 53's rules (zone/route53_rules.h) and by what route53d must leave alone there
// (alias and routing-policy sets, the apex NS set, the SOA). The commit pipeline diffs this
// against the mirror; nothing here reads Route 53, logs or calls back.
//
//   zone::SyncPolicy policy{.apex_ns_from_primary = cfg.apex_ns_from_primary};
//   zone::DesiredName d = zone::desired_at(primary, owner, zone::ReadOnlyAt::from_sets(mirror.at_name(owner)),
//                                          policy);
//   for (const auto& set : d.rrsets) ...      // hold exactly these (RRset::make, Route 53 Value text)
//   for (uint16_t t : d.left_alone) ...       // Route 53's sets of these types stay as they are
//   for (const auto& s : d.skipped) log("skipped %s", s.to_string().c_str());
//   // every other Route 53 set at owner goes away
//   auto soa = zone::desired_soa(mirror.soa(), primary.soa(), policy);   // serial = the primary's
//
// Rules, in the order they are applied to each of the primary's RRsets at a name (the first that
// applies is the reason reported):
//   - the SOA is not part of the result (desired_soa; the caller writes it last);
//   - DNSSEC types (Route 53 signs zones itself) and every type Route 53 cannot hold: skipped;
//     DS (at delegations), glue and every other Route 53 type are kept;
//   - the apex NS set: Route 53's (left alone; the primary's is skipped as kApexNs) unless
//     policy.apex_ns_from_primary; NS at a wildcard name and a CNAME at the apex: skipped;
//   - a set of the same name and type as a read-only set, any set at a name whose read-only set is
//     a CNAME (alias or routing policy), and a CNAME at a name with read-only sets: skipped;
//   - more than 400 records, a value Route 53 cannot take (over 4,000 characters, no Value text),
//     a TTL above 2^31-1, an RRset whose DELETE + CREATE cannot fit in one request beside
//     policy.request_reserve: skipped;
//   - records with different TTLs: the RRset gets the lowest (reported in ttl_lowered);
//   - finally, a CNAME that would still stand beside other kept data at its name is skipped and the
//     other data kept: Route 53 refuses the pair, and RFC 2136 §3.4.2.2 ignores a CNAME added
//     beside other data (the choice UPDATE makes too, update.h step 6); keeping the other data
//     keeps the most records.
// Deterministic: RRsets, records and skips come out sorted (type, canonical RDATA), so a zone that
// arrived by IXFR and the same zone by AXFR give identical results.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/status.h"
#include "zone/name.h"
#include "zone/primary_zone.h"
#include "zone/route53_rules.h"
#include "zone/rrset.h"

namespace r53d::zone {

struct SyncPolicy {
  // Write the primary's apex NS set to Route 53 (default: Route 53 keeps its own).
  bool apex_ns_from_primary = false;
  // Take the SOA TTL and REFRESH/RETRY/EXPIRE/MINIMUM from the primary (default: Route 53's).
  bool soa_timers_from_primary = false;
  // What every change request carries besides the data (the SOA DELETE + CREATE pair, a lock
  // record): an RRset whose replacement does not fit beside it is skipped (kLargerThanRequest).
  // Pass a fixed upper bound for the zone, not the size of one serial's SOA, so that the result
  // does not depend on the serial.
  BatchSize request_reserve;
};

// One of the primary's RRsets that Route 53 will not hold.
struct Skipped {
  Name owner;
  uint16_t type = 0;
  Rule reason = Rule::kUnsupportedType;
  std::string text;    // one line, without owner and type
  size_t records = 0;  // how many of the primary's records
  // "www.example.com. NSEC (1 record): dnssec-type: DNSSEC type NSEC: ..."
  std::string to_string() const;
  bool operator==(const Skipped&) const = default;
};

// An RRset of the result whose records carried different TTLs at the primary: it holds the lowest.
struct TtlLowered {
  uint16_t type = 0;
  uint32_t ttl_s = 0;      // the lowest, the one Route 53 gets
  uint32_t max_ttl_s = 0;  // the highest the primary had
  bool operator==(const TtlLowered&) const = default;
};

// What Route 53 should hold at one owner name.
struct DesiredName {
  Name owner;
  // Simple RRsets made with RRset::make (name_to_r53(owner), values as Rdata::from_rr writes
  // them), sorted by type, values in canonical RDATA order.
  std::vector<RRset::Ptr> rrsets;
  // The primary's RRsets left out, sorted by type.
  std::vector<Skipped> skipped;
  // RRsets of `rrsets` whose TTL was lowered, sorted by type.
  std::vector<TtlLowered> ttl_lowered;
  // Types whose Route 53 sets at this name route53d keeps as they are, sorted: the read-only
  // types, and at the apex SOA and (unless the primary's set is in `rrsets`) NS.
  std::vector<uint16_t> left_alone;

  // Same owner, the same RecordSets exactly as they would be sent, same skips and notes.
  bool operator==(const DesiredName& o) const;
};

// What Route 53 should hold at `owner` (at or below p.apex()), given the read-only sets Route 53
// holds there. An owner the primary does not have gives no RRsets (Route 53's plain sets there
// go away).
DesiredName desired_at(const PrimaryZone& p, const Name& owner, const ReadOnlyAt& ro, const SyncPolicy& policy);

// Skipped RRsets and records per rule, for metrics and one summary log line.
struct SkipCounts {
  std::array<size_t, kRuleCount> rrsets{};
  std::array<size_t, kRuleCount> records{};

  void add(const Skipped& s);
  void add(const DesiredName& d);
  SkipCounts& operator+=(const SkipCounts& o);
  size_t total_rrsets() const;
  size_t total_records() const;
  // "dnssec-type=120/40 apex-ns=4/1" (records/RRsets per rule with any, in Rule order); "" if none.
  std::string to_string() const;
  bool operator==(const SkipCounts&) const = default;
};

struct DesiredZone {
  std::vector<DesiredName> names;  // in Name order, one per owner
  SkipCounts skips;
  size_t ttl_lowered = 0;  // RRsets whose TTL was lowered
};

// desired_at for every owner of p, the apex, every name of `also` at or below the apex (e.g.
// Mirror::names(), so that what only Route 53 has is seen) and every name of `read_only` (names
// without read-only sets may be absent from it).
DesiredZone desired_zone(const PrimaryZone& p, const std::vector<Name>& also, const std::map<Name, ReadOnlyAt>& read_only,
                         const SyncPolicy& policy);

// The SOA Route 53 should hold for the primary's SOA: Route 53's MNAME and RNAME (and their text,
// from route53_soa), the primary's serial; TTL and REFRESH/RETRY/EXPIRE/MINIMUM Route 53's, or
// the primary's with policy.soa_timers_from_primary. primary_soa is borrowed.
// kInvalidArgument if route53_soa is not a simple SOA RRset or primary_soa not an SOA record.
Result<RRset::Ptr> desired_soa(const RRset& route53_soa, const ldns_rr* primary_soa, const SyncPolicy& policy);

}  // namespace r53d::zone
