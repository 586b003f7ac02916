// The RRset model of the zone mirror.
#include "zone/rrset.h"

#include <algorithm>
#include <utility>

#include "zone/codec.h"

namespace r53d::zone {

namespace {

std::shared_ptr<const ldns_rr> share(ldns_rr* rr) {
  // The owner is the RRset's (Rdata::rr's owner is not authoritative): dropping it saves ~90
  // bytes a record, 9 MB in a 100,000-record zone.
  if (ldns_rdf* owner = ldns_rr_owner(rr)) {
    ldns_rr_set_owner(rr, nullptr);
    ldns_rdf_deep_free(owner);
  }
  return std::shared_ptr<const ldns_rr>(rr, [](const ldns_rr* p) { ldns_rr_free(const_cast<ldns_rr*>(p)); });
}

const char* read_only_reason_of(const r53::RecordSet& rs) {
  if (rs.is_alias()) return "alias record";
  if (!rs.set_identifier.empty()) return "routing-policy record set (SetIdentifier)";
  if (!rs.traffic_policy_instance_id.empty()) return "traffic-policy record set";
  if (!rs.health_check_id.empty()) return "health-checked record set";
  return nullptr;
}

}  // namespace

BatchSize size_of(const r53::RecordSet& rs) {
  BatchSize s;
  if (rs.is_alias()) {
    s.records = 1;  // "including alias records" (route53-api.md §3.8)
    return s;
  }
  s.records = rs.values.size();
  for (const auto& v : rs.values) s.chars += v.size();
  return s;
}

std::string canonical_rdata(const ldns_rr* rr) {
  RrPtr c(ldns_rr_clone(rr));
  if (!c) return {};
  // ldns_rr2canonical lower-cases the owner too: give an owner-less RR (Rdata::rr) the root.
  if (ldns_rr_owner(c.get()) == nullptr) ldns_rr_set_owner(c.get(), ldns_dname_new_frm_str("."));
  ldns_rr2canonical(c.get());
  ldns_buffer* buf = ldns_buffer_new(256);
  if (buf == nullptr) return {};
  std::string out;
  if (ldns_rr_rdata2buffer_wire(buf, c.get()) == LDNS_STATUS_OK)
    out.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)), ldns_buffer_position(buf));
  ldns_buffer_free(buf);
  return out;
}

Result<Rdata> Rdata::from_rr(const ldns_rr* rr) {
  RrPtr c(ldns_rr_clone(rr));
  if (!c) return Status::internal("out of memory");
  ldns_rr_set_class(c.get(), LDNS_RR_CLASS_IN);
  auto value = value_from_rr(c.get());
  if (!value.ok()) return value.status();
  if (value->size() > kMaxValueChars)
    return Status::invalid_argument("value longer than " + std::to_string(kMaxValueChars) + " characters");
  Rdata rd;
  rd.canon = canonical_rdata(c.get());
  rd.value = std::move(*value);
  rd.rr = share(c.release());
  return rd;
}

Result<Rdata> Rdata::from_value(const Name& owner, uint16_t type, uint32_t ttl_s, const std::string& value) {
  auto rr = rr_from_value(owner, type, ttl_s, value);
  if (!rr.ok()) return rr.status();
  Rdata rd;
  rd.canon = canonical_rdata(rr->get());
  rd.value = value;
  rd.rr = share(rr->release());
  return rd;
}

Result<RRset::Ptr> RRset::from_stored(std::vector<r53::RecordSet> sets) {
  if (sets.empty()) return Status::invalid_argument("no record set");
  auto owner = name_from_r53(sets[0].name);
  if (!owner.ok()) return owner.status();
  auto type = type_from_r53(sets[0].type);
  if (!type.ok()) return type.status();
  for (const auto& rs : sets) {
    auto n = name_from_r53(rs.name);
    if (!n.ok()) return n.status();
    if (!(*n == *owner) || rs.type != sets[0].type)
      return Status::invalid_argument("record sets of different names or types in one RRset");
  }
  std::shared_ptr<RRset> set(new RRset());
  set->key_ = Key{*owner, *type};
  set->ttl_s_ = static_cast<uint32_t>(sets[0].ttl_s.value_or(0));
  const char* why = sets.size() > 1 ? "routing-policy record set (SetIdentifier)" : read_only_reason_of(sets[0]);
  if (why == nullptr) {
    std::vector<Rdata> rdata;
    for (const auto& v : sets[0].values) {
      auto rd = Rdata::from_value(*owner, *type, set->ttl_s_, v);
      if (!rd.ok()) {
        why = "record set whose values route53d cannot parse";
        rdata.clear();
        break;
      }
      rdata.push_back(std::move(*rd));
    }
    if (why == nullptr && rdata.empty()) why = "record set without values";
    set->rdata_ = std::move(rdata);
  }
  set->r53_name_ = sets[0].name;
  if (why != nullptr) {
    set->read_only_reason_ = why;
    set->stored_ = std::move(sets);
  }
  return Ptr(std::move(set));
}

RRset::Ptr RRset::make(const Name& owner, uint16_t type, uint32_t ttl_s, std::vector<Rdata> rdata,
                       std::string r53_name) {
  std::shared_ptr<RRset> set(new RRset());
  set->key_ = Key{owner, type};
  set->ttl_s_ = ttl_s;
  set->r53_name_ = r53_name.empty() ? name_to_r53(owner) : std::move(r53_name);
  set->rdata_ = std::move(rdata);
  return set;
}

std::vector<r53::RecordSet> RRset::stored() const {
  if (read_only()) return stored_;
  r53::RecordSet rs;
  rs.name = r53_name_;
  rs.type = type_to_r53(key_.type);
  rs.ttl_s = ttl_s_;
  rs.values.reserve(rdata_.size());
  for (const auto& rd : rdata_) rs.values.push_back(rd.value);
  return {std::move(rs)};
}

BatchSize RRset::size() const {
  BatchSize s;
  if (read_only()) {
    for (const auto& rs : stored_) s += size_of(rs);
    return s;
  }
  s.records = rdata_.size();
  for (const auto& rd : rdata_) s.chars += rd.value.size();
  return s;
}

bool RRset::contains(const std::string& canon) const {
  return std::any_of(rdata_.begin(), rdata_.end(), [&](const Rdata& r) { return r.canon == canon; });
}

bool RRset::same_data(const RRset& o) const {
  if (key_ != o.key_ || read_only() != o.read_only()) return false;
  if (read_only()) return stored_ == o.stored_;
  if (ttl_s_ != o.ttl_s_ || rdata_.size() != o.rdata_.size()) return false;
  for (const auto& r : rdata_)
    if (!o.contains(r.canon)) return false;
  return true;
}

RRset::Ptr RRset::with_ttl(uint32_t ttl_s) const {
  return make(key_.owner, key_.type, ttl_s, rdata_, r53_name_);
}

RRset::Ptr RRset::with_added(Rdata rd, uint32_t ttl_s) const {
  std::vector<Rdata> rdata = rdata_;
  rdata.push_back(std::move(rd));
  return make(key_.owner, key_.type, ttl_s, std::move(rdata), r53_name_);
}

RRset::Ptr RRset::without(const std::string& canon) const {
  std::vector<Rdata> rdata;
  for (const auto& r : rdata_)
    if (r.canon != canon) rdata.push_back(r);
  if (rdata.empty()) return nullptr;
  return make(key_.owner, key_.type, ttl_s_, std::move(rdata), r53_name_);
}

RrListPtr RRset::to_rr_list() const {
  RrListPtr list(ldns_rr_list_new());
  for (const auto& r : rdata_) {
    ldns_rr* c = ldns_rr_clone(r.rr.get());
    if (c == nullptr) continue;
    ldns_rdf* old = ldns_rr_owner(c);
    ldns_rr_set_owner(c, key_.owner.to_rdf().release());  // the RR takes ownership
    ldns_rdf_deep_free(old);
    ldns_rr_set_ttl(c, ttl_s_);
    ldns_rr_list_push_rr(list.get(), c);  // the list takes ownership
  }
  return list;
}

uint32_t RRset::soa_serial() const {
  if (key_.type != LDNS_RR_TYPE_SOA || rdata_.empty() || ldns_rr_rd_count(rdata_[0].rr.get()) < 3) return 0;
  return ldns_rdf2native_int32(ldns_rr_rdf(rdata_[0].rr.get(), 2));
}

}  // namespace r53d::zone
