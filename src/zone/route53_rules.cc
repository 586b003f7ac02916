// Route 53's rules for one RRset and one owner name.
#include "zone/route53_rules.h"

#include <array>

#include "zone/codec.h"

namespace r53d::zone {

namespace {

Violation violation(Rule rule, std::string text) { return Violation{rule, std::move(text)}; }

}  // namespace

std::string_view rule_name(Rule rule) {
  static constexpr std::array<std::string_view, kRuleCount> kNames = {
      "dnssec-type",   "unsupported-type",      "apex-ns",         "wildcard-ns",    "cname-at-apex",
      "cname-beside-data", "read-only-same-type", "read-only-cname", "cname-beside-read-only",
      "too-many-values",   "value-too-long",      "bad-value",       "ttl-out-of-range",
      "larger-than-request",
  };
  size_t i = static_cast<size_t>(rule);
  return i < kNames.size() ? kNames[i] : "unknown";
}

bool is_dnssec_type(uint16_t type) {
  switch (type) {
    case LDNS_RR_TYPE_RRSIG: case LDNS_RR_TYPE_NSEC: case LDNS_RR_TYPE_NSEC3:
    case LDNS_RR_TYPE_NSEC3PARAM: case LDNS_RR_TYPE_DNSKEY: case LDNS_RR_TYPE_CDS:
    case LDNS_RR_TYPE_CDNSKEY:
      return true;
    default:
      return false;
  }
}

bool is_meta_type(uint16_t type) { return type == LDNS_RR_TYPE_OPT || (type >= 128 && type <= 255); }

Check check_type(uint16_t type) {
  if (is_dnssec_type(type))
    return violation(Rule::kDnssecType, "DNSSEC type " + type_to_r53(type) + ": Route 53 signs zones itself and cannot hold it");
  if (!is_route53_type(type)) return violation(Rule::kUnsupportedType, "Route 53 cannot hold type " + type_to_r53(type));
  return std::nullopt;
}

Check check_apex_ns(const Name& apex, const Name& owner, uint16_t type) {
  if (type == LDNS_RR_TYPE_NS && owner == apex) return violation(Rule::kApexNs, "the apex NS set belongs to Route 53");
  return std::nullopt;
}

Check check_wildcard_ns(const Name& owner, uint16_t type) {
  if (type == LDNS_RR_TYPE_NS && owner.is_wildcard())
    return violation(Rule::kWildcardNs, "Route 53 does not allow NS at a wildcard name");
  return std::nullopt;
}

Check check_cname_at_apex(const Name& apex, const Name& owner, uint16_t type) {
  if (type == LDNS_RR_TYPE_CNAME && owner == apex)
    return violation(Rule::kCnameAtApex, "Route 53 does not allow a CNAME at the zone apex");
  return std::nullopt;
}

Check check_cname_alone(const std::vector<uint16_t>& types) {
  bool cname = false;
  uint16_t other = 0;
  for (uint16_t t : types) {
    if (t == LDNS_RR_TYPE_CNAME)
      cname = true;
    else if (other == 0)
      other = t;
  }
  if (cname && other != 0)
    return violation(Rule::kCnameBesideData, "CNAME beside other data (" + type_to_r53(other) +
                                                 "): Route 53 refuses it, RFC 2136 ignores it");
  return std::nullopt;
}

Check check_ttl(uint32_t ttl_s) {
  if (ttl_s > kMaxTtl)
    return violation(Rule::kTtlOutOfRange, "TTL " + std::to_string(ttl_s) + " above Route 53's 2147483647");
  return std::nullopt;
}

Check check_value_count(size_t values) {
  if (values > kMaxValuesPerRRset)
    return violation(Rule::kTooManyValues, std::to_string(values) + " records; Route 53 allows " +
                                               std::to_string(kMaxValuesPerRRset) + " per RRset");
  return std::nullopt;
}

Check check_value_length(size_t chars) {
  if (chars > kMaxValueChars)
    return violation(Rule::kValueTooLong, "a value of " + std::to_string(chars) + " characters; Route 53 allows " +
                                              std::to_string(kMaxValueChars));
  return std::nullopt;
}

Check check_request_size(const BatchSize& rrset, const BatchSize& reserve) {
  BatchSize need = reserve;
  need += rrset;  // the exact DELETE of the stored version ...
  need += rrset;  // ... and the CREATE of the new one (route53-api.md §3.8)
  if (!need.fits())
    return violation(Rule::kLargerThanRequest,
                     "replacing it takes " + std::to_string(need.records) + " records and " +
                         std::to_string(need.chars) + " characters; one Route 53 request holds " +
                         std::to_string(kMaxBatchRecords) + " and " + std::to_string(kMaxBatchChars));
  return std::nullopt;
}

ReadOnlyAt ReadOnlyAt::from_sets(const std::vector<RRset::Ptr>& at_name) {
  ReadOnlyAt ro;
  for (const auto& s : at_name)
    if (s && s->read_only()) ro.types.insert(s->type());
  return ro;
}

Check check_read_only(uint16_t type, const ReadOnlyAt& ro) {
  if (ro.has(type))
    return violation(Rule::kReadOnlySameType,
                     "Route 53 holds an alias or routing-policy " + type_to_r53(type) + " set here, which route53d never changes");
  if (ro.has_cname())
    return violation(Rule::kReadOnlyCname, "Route 53 holds an alias or routing-policy CNAME at this name");
  if (type == LDNS_RR_TYPE_CNAME && !ro.empty())
    return violation(Rule::kCnameBesideReadOnly,
                     "Route 53 holds an alias or routing-policy " + type_to_r53(*ro.types.begin()) + " set at this name");
  return std::nullopt;
}

}  // namespace r53d::zone
