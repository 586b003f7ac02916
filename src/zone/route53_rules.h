// Route 53's rules for one RRset and one owner name, as reusable checks: what Route 53 refuses
// (route53-api.md §3.4-§3.8, §4.5) and what route53d leaves to Route 53 (DESIGN.md "The zone
// mirror"). UPDATE processing (update/update.cc) refuses what breaks them; a zone transfer
// (zone/desired.h) skips it. Each broken rule has a stable Rule value (the label of the "skipped
// records by reason" metric) and a one-line text without the owner and type, which the caller
// adds.
//
//   if (auto v = zone::check_type(type)) return refuse(at + ": " + v->text);
//   if (auto v = zone::check_value_count(n)) skip(owner, type, v->rule, v->text);
//
// Every check is pure: no I/O, no logging, same answer for the same input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zone/name.h"
#include "zone/rrset.h"

namespace r53d::zone {

// Route 53 TTL range 0..2^31-1 (route53-api.md §3.7).
inline constexpr uint32_t kMaxTtl = 2147483647u;

// Why an RRset is not (or cannot be) written to Route 53. Values are stable: metrics and logs
// use rule_name(). Append new rules before kCount.
enum class Rule : uint8_t {
  kDnssecType,           // RRSIG NSEC NSEC3 NSEC3PARAM DNSKEY CDS CDNSKEY: Route 53 signs zones itself
  kUnsupportedType,      // any other type outside Route 53's 17
  kApexNs,               // the apex NS set belongs to Route 53 (unless configured otherwise)
  kWildcardNs,           // NS at "*.name"
  kCnameAtApex,          // CNAME at the zone apex
  kCnameBesideData,      // CNAME beside other data at one name
  kReadOnlySameType,     // Route 53 holds an alias / routing-policy set of this name and type
  kReadOnlyCname,        // Route 53 holds an alias / routing-policy CNAME at this name
  kCnameBesideReadOnly,  // a CNAME where Route 53 holds alias / routing-policy sets of other types
  kTooManyValues,        // more than kMaxValuesPerRRset records
  kValueTooLong,         // a Value over kMaxValueChars characters
  kBadValue,             // RDATA that has no Route 53 Value text (e.g. empty RDATA)
  kTtlOutOfRange,        // TTL above kMaxTtl
  kLargerThanRequest,    // DELETE + CREATE of the RRset cannot fit in one change request
  kCount
};
inline constexpr size_t kRuleCount = static_cast<size_t>(Rule::kCount);

// "dnssec-type", "unsupported-type", "apex-ns", ... (lower-case, dash-separated, never changes).
std::string_view rule_name(Rule rule);

struct Violation {
  Rule rule = Rule::kUnsupportedType;
  std::string text;  // one line, e.g. "Route 53 cannot hold type NSEC3"
  bool operator==(const Violation&) const = default;
};
using Check = std::optional<Violation>;

// The DNSSEC types Route 53 makes itself and never stores: RRSIG NSEC NSEC3 NSEC3PARAM DNSKEY
// CDS CDNSKEY. DS is not among them: it is delegation data Route 53 holds.
bool is_dnssec_type(uint16_t type);

// OPT and the QTYPE/meta range 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY): BIND's
// dns_rdatatype_ismeta(), which RFC 2136 §3.4.1.3 calls "a QUERY metatype". Never zone data.
bool is_meta_type(uint16_t type);

// A type Route 53 can hold (is_route53_type); kDnssecType before kUnsupportedType.
Check check_type(uint16_t type);
// The apex NS set, which belongs to Route 53 (DESIGN.md "The zone mirror"); route53d writes it
// only when configured to (SyncPolicy::apex_ns_from_primary).
Check check_apex_ns(const Name& apex, const Name& owner, uint16_t type);
// NS at a wildcard owner ("*" as the first label).
Check check_wildcard_ns(const Name& owner, uint16_t type);
// CNAME at the apex.
Check check_cname_at_apex(const Name& apex, const Name& owner, uint16_t type);
// The CNAME of `types` (the types that will be held at one name) if there is one beside any other
// type. Route 53 refuses it; RFC 2136 §3.4.2.2 ignores such a CNAME, and so does route53d.
Check check_cname_alone(const std::vector<uint16_t>& types);
// TTL within kMaxTtl.
Check check_ttl(uint32_t ttl_s);
// At most kMaxValuesPerRRset values.
Check check_value_count(size_t values);
// A Value of at most kMaxValueChars characters.
Check check_value_length(size_t chars);
// The RRset `rrset` (its Route 53 cost, RRset::size) can be replaced in one change request: its
// exact DELETE plus the CREATE of a version as large (both sides), plus `reserve` (what every
// request also carries, e.g. the SOA DELETE + CREATE pair), within kMaxBatchRecords and
// kMaxBatchChars.
Check check_request_size(const BatchSize& rrset, const BatchSize& reserve);

// What Route 53 holds at one owner name that route53d must not touch: the types of its alias,
// routing-policy, traffic-policy and health-checked sets (RRset::read_only).
struct ReadOnlyAt {
  std::set<uint16_t> types;

  // From every RRset at one name (Mirror::at_name); sets that are not read-only are ignored.
  static ReadOnlyAt from_sets(const std::vector<RRset::Ptr>& at_name);
  bool empty() const { return types.empty(); }
  bool has(uint16_t type) const { return types.count(type) > 0; }
  // A read-only CNAME (an alias CNAME, or a routing-policy CNAME group) blocks every other type at
  // the name (route53-api.md §3.5, §4.5).
  bool has_cname() const { return has(LDNS_RR_TYPE_CNAME); }
};

// A plain RRset of `type` cannot be written beside what Route 53 holds read-only at its name:
// the same type (kReadOnlySameType), a read-only CNAME (kReadOnlyCname), or, for a CNAME, any
// read-only set (kCnameBesideReadOnly).
Check check_read_only(uint16_t type, const ReadOnlyAt& ro);

}  // namespace r53d::zone
