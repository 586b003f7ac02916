// The RRset model of the zone mirror: one (owner, type) of a hosted zone, kept both as Route 53
// stores it (the exact r53::RecordSet a compare-and-swap DELETE must repeat) and as DNS data (the
// canonical RDATA RFC 2136 compares).
//
// RRsets are immutable and shared (RRset::Ptr): the mirror and any number of working copies point
// at the same objects, and a change makes a new RRset (with_added, without, with_ttl, ...).
//
//   auto set = zone::RRset::from_stored({record_set});      // Result<RRset::Ptr>
//   if ((*set)->read_only()) ...                            // alias / routing policy: never touched
//   auto rd = zone::Rdata::from_rr(rr, 300);                // from an UPDATE RR
//   auto bigger = (*set)->with_added(*rd, 300);             // new RRset, TTL 300 for all members
//
// Two kinds of RRset:
//  - simple: one r53::RecordSet with a TTL and values; rdata() holds one Rdata per value.
//  - read-only: alias records, routing-policy groups (several RecordSets with a SetIdentifier for
//    one name and type), traffic-policy and health-checked sets, and any set whose values this
//    code cannot parse. DNS cannot express them; route53d never changes them (RFC 2136 edits of
//    their name and type are REFUSED). rdata() is empty; stored() holds every RecordSet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "r53/model.h"
#include "util/status.h"
#include "zone/name.h"

namespace r53d::zone {

// Route 53 limits (route53-api.md §3.6-§3.8).
inline constexpr size_t kMaxValuesPerRRset = 400;
inline constexpr size_t kMaxValueChars = 4000;
inline constexpr size_t kMaxBatchRecords = 1000;   // ResourceRecord elements per change request
inline constexpr size_t kMaxBatchChars = 32000;    // characters of all Value elements per request

// The cost of changes against the per-request limits: ResourceRecord elements (an alias counts
// one) and characters of Value text. A DELETE + CREATE pair costs both sides.
struct BatchSize {
  size_t records = 0;
  size_t chars = 0;
  bool fits() const { return records <= kMaxBatchRecords && chars <= kMaxBatchChars; }
  BatchSize& operator+=(const BatchSize& o) { records += o.records; chars += o.chars; return *this; }
  BatchSize& operator-=(const BatchSize& o) { records -= o.records; chars -= o.chars; return *this; }
  bool operator==(const BatchSize&) const = default;
};
BatchSize size_of(const r53::RecordSet& rs);

// Identity of an RRset in DNS terms.
struct Key {
  Name owner;
  uint16_t type = 0;
  bool operator==(const Key&) const = default;
  auto operator<=>(const Key&) const = default;
};

// Canonical RDATA of rr (RFC 4034 §6.2: embedded names of the listed types lower-cased,
// uncompressed): the identity of a record inside its RRset (RFC 2136 §1.1.1 ignores TTL).
std::string canonical_rdata(const ldns_rr* rr);

// One record of a simple RRset.
struct Rdata {
  std::shared_ptr<const ldns_rr> rr;  // class IN, no owner; its TTL is not authoritative (RRset's)
  std::string canon;                  // canonical_rdata(rr)
  std::string value;                  // the Route 53 Value text (verbatim when read from Route 53)

  // From an UPDATE RR (borrowed, cloned): value made with value_from_rr. kInvalidArgument if the
  // RDATA cannot be written as a Route 53 value or is longer than kMaxValueChars.
  static Result<Rdata> from_rr(const ldns_rr* rr);
  // From a Route 53 Value. kInvalidArgument if it does not parse.
  static Result<Rdata> from_value(const Name& owner, uint16_t type, uint32_t ttl_s, const std::string& value);
};

class RRset {
 public:
  using Ptr = std::shared_ptr<const RRset>;

  // From every RecordSet Route 53 holds for one (name, type), as ListResourceRecordSets returned
  // them. A single plain set with parseable values becomes a simple RRset; anything else becomes
  // read-only. kInvalidArgument for an empty list, mixed names/types, or a bad name or type.
  static Result<Ptr> from_stored(std::vector<r53::RecordSet> sets);
  // A simple RRset made by an update. r53_name is the Route 53 name to write (pass the stored one
  // when replacing an existing set, or "" for name_to_r53(owner)). rdata must be non-empty,
  // without duplicates.
  static Ptr make(const Name& owner, uint16_t type, uint32_t ttl_s, std::vector<Rdata> rdata,
                  std::string r53_name = "");

  const Name& owner() const { return key_.owner; }
  uint16_t type() const { return key_.type; }
  const Key& key() const { return key_; }
  uint32_t ttl_s() const { return ttl_s_; }
  bool read_only() const { return !read_only_reason_.empty(); }
  // Why it is read-only ("alias record", "routing policy", ...), empty for a simple RRset.
  const std::string& read_only_reason() const { return read_only_reason_; }
  const std::vector<Rdata>& rdata() const { return rdata_; }
  // The RecordSets exactly as Route 53 holds (mirror) or will hold (working copy) them: one for
  // a simple RRset, made on each call from its stored name, type, TTL and values (a copy: a
  // simple RRset keeps no RecordSet, which cost ~700 bytes each in a 100,000-record zone).
  std::vector<r53::RecordSet> stored() const;
  // The name as Route 53 stores it ("\052.example.com.").
  const std::string& r53_name() const { return r53_name_; }
  BatchSize size() const;

  bool contains(const std::string& canon) const;
  // Same DNS content: same TTL and the same set of canonical RDATA (simple), or identical stored
  // RecordSets (read-only).
  bool same_data(const RRset& o) const;

  // New simple RRsets derived from this one (which must be simple). Existing values keep their
  // Route 53 text.
  Ptr with_ttl(uint32_t ttl_s) const;
  Ptr with_added(Rdata rd, uint32_t ttl_s) const;      // RFC 2181: ttl_s applies to every member
  Ptr without(const std::string& canon) const;          // nullptr if the RRset becomes empty

  // The records as ldns RRs with the RRset's owner and TTL (caller owns the list); empty for a
  // read-only RRset.
  RrListPtr to_rr_list() const;
  // For the apex SOA: the SERIAL field (0 if this is not a simple SOA RRset).
  uint32_t soa_serial() const;

 private:
  RRset() = default;
  Key key_;
  uint32_t ttl_s_ = 0;
  std::string read_only_reason_;
  std::vector<Rdata> rdata_;
  std::string r53_name_;
  std::vector<r53::RecordSet> stored_;  // read-only RRsets only
};

}  // namespace r53d::zone
