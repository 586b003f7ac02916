// What Route 53 should hold for a secondary zone, name by name.
#include "zone/desired.h"

#include <algorithm>
#include <set>
#include <utility>

#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::zone {

namespace {

// One of the primary's RRsets as Route 53 would hold it, or why it cannot.
struct Built {
  RRset::Ptr set;
  Check why;
  uint32_t ttl_min_s = 0;
  uint32_t ttl_max_s = 0;
};

Built build(const Name& owner, const PrimaryZone::Set& s, const SyncPolicy& policy) {
  Built b;
  if ((b.why = check_value_count(s.records.size()))) return b;
  b.ttl_min_s = s.records.front().ttl_s;
  b.ttl_max_s = s.records.front().ttl_s;
  std::vector<Rdata> rdata;
  rdata.reserve(s.records.size());
  for (const auto& rec : s.records) {
    b.ttl_min_s = std::min(b.ttl_min_s, rec.ttl_s);
    b.ttl_max_s = std::max(b.ttl_max_s, rec.ttl_s);
    RrPtr rr = PrimaryZone::to_rr(owner, s.type, rec);
    if (!rr) {
      b.why = Violation{Rule::kBadValue, "RDATA that cannot be read back"};
      return b;
    }
    auto rd = Rdata::from_rr(rr.get());  // the Value text UPDATE writes for the same record
    if (!rd.ok()) {
      auto value = value_from_rr(rr.get());
      if (value.ok() && (b.why = check_value_length(value->size()))) return b;
      b.why = Violation{Rule::kBadValue, "no Route 53 value: " + rd.status().message()};
      return b;
    }
    rdata.push_back(std::move(*rd));
  }
  if ((b.why = check_ttl(b.ttl_min_s))) return b;
  RRset::Ptr set = RRset::make(owner, s.type, b.ttl_min_s, std::move(rdata));
  if ((b.why = check_request_size(set->size(), policy.request_reserve))) return b;
  b.set = std::move(set);
  return b;
}

}  // namespace

std::string Skipped::to_string() const {
  return owner.to_text() + " " + type_to_r53(type) + " (" + std::to_string(records) +
         (records == 1 ? " record): " : " records): ") + std::string(rule_name(reason)) + ": " + text;
}

bool DesiredName::operator==(const DesiredName& o) const {
  if (!(owner == o.owner) || rrsets.size() != o.rrsets.size() || !(skipped == o.skipped) ||
      !(ttl_lowered == o.ttl_lowered) || left_alone != o.left_alone)
    return false;
  for (size_t i = 0; i < rrsets.size(); ++i)
    if (rrsets[i]->key() != o.rrsets[i]->key() || rrsets[i]->stored() != o.rrsets[i]->stored()) return false;
  return true;
}

DesiredName desired_at(const PrimaryZone& p, const Name& owner, const ReadOnlyAt& ro, const SyncPolicy& policy) {
  DesiredName d;
  d.owner = owner;
  const bool apex = owner == p.apex();
  struct Kept {
    Built built;
    size_t records = 0;
  };
  std::vector<Kept> kept;  // by type, as at_name gives them
  for (const auto& s : p.at_name(owner)) {
    Check v = check_type(s.type);
    if (!v && !policy.apex_ns_from_primary) v = check_apex_ns(p.apex(), owner, s.type);
    if (!v) v = check_wildcard_ns(owner, s.type);
    if (!v) v = check_cname_at_apex(p.apex(), owner, s.type);
    if (!v) v = check_read_only(s.type, ro);
    Built b;
    if (!v) {
      b = build(owner, s, policy);
      v = b.why;
    }
    if (v) {
      d.skipped.push_back(Skipped{owner, s.type, v->rule, std::move(v->text), s.records.size()});
      continue;
    }
    kept.push_back(Kept{std::move(b), s.records.size()});
  }

  // Last, a CNAME beside other kept data (see the header for why the CNAME goes).
  std::vector<uint16_t> types;
  types.reserve(kept.size());
  for (const auto& k : kept) types.push_back(k.built.set->type());
  if (Check v = check_cname_alone(types)) {
    auto it = std::find_if(kept.begin(), kept.end(),
                           [](const Kept& k) { return k.built.set->type() == LDNS_RR_TYPE_CNAME; });
    d.skipped.push_back(Skipped{owner, LDNS_RR_TYPE_CNAME, v->rule, std::move(v->text), it->records});
    kept.erase(it);
    std::stable_sort(d.skipped.begin(), d.skipped.end(),
                     [](const Skipped& a, const Skipped& b) { return a.type < b.type; });
  }

  bool ns_kept = false;
  for (auto& k : kept) {
    const RRset::Ptr& set = k.built.set;
    ns_kept = ns_kept || set->type() == LDNS_RR_TYPE_NS;
    if (k.built.ttl_min_s != k.built.ttl_max_s)
      d.ttl_lowered.push_back(TtlLowered{set->type(), k.built.ttl_min_s, k.built.ttl_max_s});
    d.rrsets.push_back(set);
  }

  std::set<uint16_t> alone(ro.types.begin(), ro.types.end());
  if (apex) {
    alone.insert(LDNS_RR_TYPE_SOA);
    // Route 53 refuses a zone without apex NS: if the primary's set is not written, Route 53's stays.
    if (!ns_kept) alone.insert(LDNS_RR_TYPE_NS);
  }
  d.left_alone.assign(alone.begin(), alone.end());
  return d;
}

void SkipCounts::add(const Skipped& s) {
  size_t i = static_cast<size_t>(s.reason);
  if (i >= kRuleCount) return;
  rrsets[i] += 1;
  records[i] += s.records;
}

void SkipCounts::add(const DesiredName& d) {
  for (const auto& s : d.skipped) add(s);
}

SkipCounts& SkipCounts::operator+=(const SkipCounts& o) {
  for (size_t i = 0; i < kRuleCount; ++i) {
    rrsets[i] += o.rrsets[i];
    records[i] += o.records[i];
  }
  return *this;
}

size_t SkipCounts::total_rrsets() const {
  size_t n = 0;
  for (size_t v : rrsets) n += v;
  return n;
}

size_t SkipCounts::total_records() const {
  size_t n = 0;
  for (size_t v : records) n += v;
  return n;
}

std::string SkipCounts::to_string() const {
  std::string out;
  for (size_t i = 0; i < kRuleCount; ++i) {
    if (rrsets[i] == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::string(rule_name(static_cast<Rule>(i))) + "=" + std::to_string(records[i]) + "/" +
           std::to_string(rrsets[i]);
  }
  return out;
}

DesiredZone desired_zone(const PrimaryZone& p, const std::vector<Name>& also, const std::map<Name, ReadOnlyAt>& read_only,
                         const SyncPolicy& policy) {
  std::vector<Name> owners = p.owners();
  owners.push_back(p.apex());
  for (const auto& n : also)
    if (n.is_at_or_below(p.apex())) owners.push_back(n);
  for (const auto& [n, ro] : read_only)
    if (n.is_at_or_below(p.apex())) owners.push_back(n);
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());

  static const ReadOnlyAt kNone;
  DesiredZone z;
  z.names.reserve(owners.size());
  for (const auto& owner : owners) {
    auto it = read_only.find(owner);
    DesiredName d = desired_at(p, owner, it == read_only.end() ? kNone : it->second, policy);
    z.skips.add(d);
    z.ttl_lowered += d.ttl_lowered.size();
    z.names.push_back(std::move(d));
  }
  return z;
}

Result<RRset::Ptr> desired_soa(const RRset& route53_soa, const ldns_rr* primary_soa, const SyncPolicy& policy) {
  if (primary_soa == nullptr || ldns_rr_get_type(primary_soa) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(primary_soa) != 7)
    return Status::invalid_argument("the primary's SOA is not an SOA record with 7 fields");
  // soa_from_update takes serial, timers and TTL from the record and keeps MNAME/RNAME.
  if (policy.soa_timers_from_primary) return soa_from_update(route53_soa, primary_soa);
  return soa_with_serial(route53_soa, ldns_rdf2native_int32(ldns_rr_rdf(primary_soa, 2)));
}

}  // namespace r53d::zone
