// The primary's zone exactly as last transferred: the copy a secondary keeps so that each IXFR
// difference sequence (RFC 1995) can be applied exactly and checked, and so that the Route 53
// content it asks for (zone/desired.h) is the same whether the zone arrived by AXFR or IXFR.
//
//   auto pz = zone::PrimaryZone::from_full(apex, soa, records);        // AXFR (or IXFR in full form)
//   if (!pz.ok()) ...                                                   // kInvalidArgument: bad data
//   for (const auto& d : deltas) {                                      // IXFR: one call per sequence
//     auto changed = pz->apply_delta(d.old_soa, d.deleted, d.new_soa, d.added);
//     if (!changed.ok()) ...   // kFailedPrecondition: our copy diverged; zone unchanged -> AXFR
//   }
//   for (const auto& set : pz->at_name(owner)) ...                      // sorted by type
//
// Storage is compact (no ldns object per record): per owner name (canonical wire form) a vector of
// RRsets, each a vector of (TTL, RDATA wire). Records keep the case the primary sent (names inside
// values are written to Route 53 as sent, as r53_convert does for UPDATEs); their identity is the
// canonical RDATA (RFC 4034 §6.2), TTL ignored (RFC 1995, RFC 2136 §1.1.1). Within an RRset the
// records are sorted by canonical RDATA, so the content does not depend on the order of the
// transfer. A 100,000-record mixed zone takes about 19 MiB, 200 bytes a record (primary_zone_test.cc
// measures it).
//
// The SOA is kept apart (soa()); at_name(), owners() and the counts never include it. Records of
// every type are kept (RRSIG, NSEC, types Route 53 cannot hold): IXFR deltas delete them too.
// Nothing here logs, calls back or blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/status.h"
#include "zone/name.h"

namespace r53d::zone {

class PrimaryZone {
 public:
  struct Record {
    uint32_t ttl_s = 0;
    std::string rdata;  // uncompressed RDATA wire as the primary sent it
    std::string canon;  // canonical RDATA when it differs from rdata (names with upper case), else ""
    const std::string& canonical() const { return canon.empty() ? rdata : canon; }
    bool operator==(const Record&) const = default;
  };
  struct Set {
    uint16_t type = 0;
    std::vector<Record> records;  // non-empty, sorted by canonical(), no two alike
    bool operator==(const Set&) const = default;
  };

  // The zone from a full transfer: soa (the zone's SOA, owner == apex) and every other record
  // (both borrowed). Exact duplicates collapse; the same record twice with different TTLs is kept
  // once with the lower TTL. kInvalidArgument: an SOA that is not at the apex, not class IN or
  // without 7 fields; a record outside the zone, of a class other than IN, of a meta type (OPT,
  // TSIG, AXFR, ...), or a second SOA.
  static Result<PrimaryZone> from_full(const Name& apex, const ldns_rr* soa, const ldns_rr_list* records);

  // Applies one IXFR difference sequence (RFC 1995 §4: the deletions, then the additions), all or
  // nothing. old_soa's serial must be serial(); new_soa becomes the SOA. A record deleted and
  // added again with another TTL changes its TTL. Returns the owner names whose records (SOA
  // aside) changed, TTLs included. Every argument is borrowed; a null list is empty.
  // kFailedPrecondition, zone unchanged, when the delta does not fit this copy: another old
  // serial, the delete of a record that is not here, the add of one that is (same owner, type and
  // canonical RDATA), e.g. "delta 101->102: delete of absent record www.example.com. A 192.0.2.1".
  // kInvalidArgument, zone unchanged, for data from_full would refuse (an SOA inside a list, ...).
  Result<std::set<Name>> apply_delta(const ldns_rr* old_soa, const ldns_rr_list* deleted, const ldns_rr* new_soa,
                                     const ldns_rr_list* added);

  const Name& apex() const { return apex_; }
  // The SOA (owned by the zone, valid until the next apply_delta), its serial and TTL.
  const ldns_rr* soa() const { return soa_.get(); }
  uint32_t serial() const;
  uint32_t soa_ttl_s() const { return ldns_rr_ttl(soa_.get()); }

  // The RRsets at owner, sorted by type; empty if the name owns none.
  const std::vector<Set>& at_name(const Name& owner) const;
  // The RRset at (owner, type), or nullptr.
  const Set* find(const Name& owner, uint16_t type) const;
  // One record as an ldns RR (class IN, its own TTL); the caller owns it. nullptr only if out of
  // memory.
  static RrPtr to_rr(const Name& owner, uint16_t type, const Record& record);
  // Every owner name (SOA aside), in Name order, each once.
  std::vector<Name> owners() const;
  size_t owner_count() const { return names_.size(); }
  size_t rrset_count() const { return rrset_count_; }
  size_t record_count() const { return record_count_; }

  // The same zone: apex, SOA (RDATA and TTL) and every record with its RDATA as sent and its TTL.
  bool operator==(const PrimaryZone& o) const;

 private:
  PrimaryZone() = default;
  // Adds or removes the counts of one owner's sets.
  void count(const std::vector<Set>& sets, int sign);

  Name apex_;
  RrPtr soa_;
  std::map<Name, std::vector<Set>> names_;
  size_t rrset_count_ = 0;
  size_t record_count_ = 0;
};

}  // namespace r53d::zone
