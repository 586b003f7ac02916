// The primary's zone as last transferred, and RFC 1995 difference sequences applied to it.
#include "zone/primary_zone.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "zone/codec.h"
#include "zone/route53_rules.h"
#include "zone/rrset.h"

namespace r53d::zone {

namespace {

constexpr size_t kMaxTextChars = 200;  // of a record quoted in an error message

const std::vector<PrimaryZone::Set>& no_sets() {
  static const std::vector<PrimaryZone::Set> kNone;
  return kNone;
}

// "www.example.com. A 192.0.2.1" (owner, type, RDATA as ldns prints it), cut at kMaxTextChars.
std::string describe(const ldns_rr* rr) {
  std::string out = Name::from_rdf(ldns_rr_owner(rr)).to_text() + " " + type_to_r53(ldns_rr_get_type(rr));
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    char* s = ldns_rdf2str(ldns_rr_rdf(rr, i));
    out += " ";
    out += s ? s : "?";
    free(s);
  }
  if (out.size() > kMaxTextChars) out = out.substr(0, kMaxTextChars) + "...";
  return out;
}

uint32_t serial_of(const ldns_rr* soa) { return ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)); }

Status check_soa(const Name& apex, const ldns_rr* soa, const char* what) {
  if (soa == nullptr || ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(soa) != 7)
    return Status::invalid_argument(std::string(what) + " is not an SOA record with 7 fields");
  if (ldns_rr_get_class(soa) != LDNS_RR_CLASS_IN)
    return Status::invalid_argument(std::string(what) + " is not of class IN");
  if (!(Name::from_rdf(ldns_rr_owner(soa)) == apex))
    return Status::invalid_argument(std::string(what) + " is owned by " + Name::from_rdf(ldns_rr_owner(soa)).to_text() +
                                    ", not the apex " + apex.to_text());
  return {};
}

// A record that can be zone data of `apex` besides the SOA.
Status check_record(const Name& apex, const ldns_rr* rr) {
  if (!Name::from_rdf(ldns_rr_owner(rr)).is_at_or_below(apex))
    return Status::invalid_argument("record outside zone " + apex.to_text() + ": " + describe(rr));
  if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
    return Status::invalid_argument("record of a class other than IN: " + describe(rr));
  if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) return Status::invalid_argument("a second SOA: " + describe(rr));
  if (is_meta_type(ldns_rr_get_type(rr))) return Status::invalid_argument("meta type as zone data: " + describe(rr));
  return {};
}

// The record form of rr (borrowed): RDATA wire as sent and, if it differs, the canonical one.
PrimaryZone::Record make_record(const ldns_rr* rr) {
  PrimaryZone::Record r;
  r.ttl_s = ldns_rr_ttl(rr);
  ldns_buffer* buf = ldns_buffer_new(256);
  if (buf != nullptr && ldns_rr_rdata2buffer_wire(buf, rr) == LDNS_STATUS_OK)
    r.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)), ldns_buffer_position(buf));
  if (buf != nullptr) ldns_buffer_free(buf);
  std::string canon = canonical_rdata(rr);
  if (canon != r.rdata) r.canon = std::move(canon);
  return r;
}

bool canon_less(const PrimaryZone::Record& a, const PrimaryZone::Record& b) { return a.canonical() < b.canonical(); }

PrimaryZone::Set* find_set(std::vector<PrimaryZone::Set>& sets, uint16_t type) {
  for (auto& s : sets)
    if (s.type == type) return &s;
  return nullptr;
}

size_t list_size(const ldns_rr_list* l) { return l ? ldns_rr_list_rr_count(l) : 0; }

}  // namespace

Result<PrimaryZone> PrimaryZone::from_full(const Name& apex, const ldns_rr* soa, const ldns_rr_list* records) {
  R53D_RETURN_IF_ERROR(check_soa(apex, soa, "the zone's SOA"));
  PrimaryZone z;
  z.apex_ = apex;
  z.soa_.reset(ldns_rr_clone(soa));
  if (!z.soa_) return Status::internal("out of memory");
  for (size_t i = 0; i < list_size(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    R53D_RETURN_IF_ERROR(check_record(apex, rr));
    auto& sets = z.names_[Name::from_rdf(ldns_rr_owner(rr))];
    uint16_t type = ldns_rr_get_type(rr);
    Set* set = find_set(sets, type);
    if (set == nullptr) set = &sets.emplace_back(Set{type, {}});
    set->records.push_back(make_record(rr));
  }
  for (auto& [owner, sets] : z.names_) {
    std::sort(sets.begin(), sets.end(), [](const Set& a, const Set& b) { return a.type < b.type; });
    for (auto& s : sets) {
      // Sorted by canonical RDATA, then TTL: of equal records the first has the lowest TTL.
      std::sort(s.records.begin(), s.records.end(), [](const Record& a, const Record& b) {
        return a.canonical() != b.canonical() ? a.canonical() < b.canonical() : a.ttl_s < b.ttl_s;
      });
      auto same = [](const Record& a, const Record& b) { return a.canonical() == b.canonical(); };
      s.records.erase(std::unique(s.records.begin(), s.records.end(), same), s.records.end());
      s.records.shrink_to_fit();
    }
    sets.shrink_to_fit();
    z.count(sets, +1);
  }
  return z;
}

Result<std::set<Name>> PrimaryZone::apply_delta(const ldns_rr* old_soa, const ldns_rr_list* deleted,
                                                const ldns_rr* new_soa, const ldns_rr_list* added) {
  R53D_RETURN_IF_ERROR(check_soa(apex_, old_soa, "the delta's old SOA"));
  R53D_RETURN_IF_ERROR(check_soa(apex_, new_soa, "the delta's new SOA"));
  const std::string delta = "delta " + std::to_string(serial_of(old_soa)) + "->" + std::to_string(serial_of(new_soa));
  if (serial_of(old_soa) != serial())
    return Status::failed_precondition(delta + ": starts from serial " + std::to_string(serial_of(old_soa)) +
                                       ", the zone is at " + std::to_string(serial()));

  // Work on copies of the owners the delta touches; the zone changes only once all of it applied.
  std::map<Name, std::vector<Set>> staged;
  auto stage = [&](const Name& owner) -> std::vector<Set>& {
    auto it = staged.find(owner);
    if (it == staged.end()) it = staged.emplace(owner, at_name(owner)).first;
    return it->second;
  };
  for (size_t i = 0; i < list_size(deleted); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(deleted, i);
    R53D_RETURN_IF_ERROR(check_record(apex_, rr));
    auto& sets = stage(Name::from_rdf(ldns_rr_owner(rr)));
    Set* set = find_set(sets, ldns_rr_get_type(rr));
    if (set == nullptr) return Status::failed_precondition(delta + ": delete of absent record " + describe(rr));
    Record rec = make_record(rr);
    auto it = std::lower_bound(set->records.begin(), set->records.end(), rec, canon_less);
    if (it == set->records.end() || it->canonical() != rec.canonical())
      return Status::failed_precondition(delta + ": delete of absent record " + describe(rr));
    set->records.erase(it);
    if (set->records.empty())
      sets.erase(sets.begin() + (set - sets.data()));
  }
  for (size_t i = 0; i < list_size(added); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(added, i);
    R53D_RETURN_IF_ERROR(check_record(apex_, rr));
    auto& sets = stage(Name::from_rdf(ldns_rr_owner(rr)));
    uint16_t type = ldns_rr_get_type(rr);
    Set* set = find_set(sets, type);
    if (set == nullptr) {
      auto pos = std::find_if(sets.begin(), sets.end(), [&](const Set& s) { return s.type > type; });
      set = &*sets.insert(pos, Set{type, {}});
    }
    Record rec = make_record(rr);
    auto it = std::lower_bound(set->records.begin(), set->records.end(), rec, canon_less);
    if (it != set->records.end() && it->canonical() == rec.canonical())
      return Status::failed_precondition(delta + ": add of present record " + describe(rr));
    set->records.insert(it, std::move(rec));
  }

  RrPtr next(ldns_rr_clone(new_soa));
  if (!next) return Status::internal("out of memory");
  std::set<Name> changed;
  for (auto& [owner, sets] : staged) {
    auto it = names_.find(owner);
    const std::vector<Set>& before = it == names_.end() ? no_sets() : it->second;
    if (sets == before) continue;
    changed.insert(owner);
    count(before, -1);
    count(sets, +1);
    if (sets.empty()) {
      names_.erase(it);
    } else if (it == names_.end()) {
      names_.emplace(owner, std::move(sets));
    } else {
      it->second = std::move(sets);
    }
  }
  soa_ = std::move(next);
  return changed;
}

uint32_t PrimaryZone::serial() const { return serial_of(soa_.get()); }

const std::vector<PrimaryZone::Set>& PrimaryZone::at_name(const Name& owner) const {
  auto it = names_.find(owner);
  return it == names_.end() ? no_sets() : it->second;
}

const PrimaryZone::Set* PrimaryZone::find(const Name& owner, uint16_t type) const {
  for (const auto& s : at_name(owner))
    if (s.type == type) return &s;
  return nullptr;
}

RrPtr PrimaryZone::to_rr(const Name& owner, uint16_t type, const Record& record) {
  RrPtr rr(ldns_rr_new());
  if (!rr) return nullptr;
  ldns_rr_set_owner(rr.get(), owner.to_rdf().release());  // a fresh rr has no owner to leak
  ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(type));
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), record.ttl_s);
  // ldns_wire2rdf reads RDLENGTH, then the fields the type's descriptor names (names are
  // uncompressed, so nothing points outside the buffer).
  std::string wire;
  wire += static_cast<char>(record.rdata.size() >> 8);
  wire += static_cast<char>(record.rdata.size() & 0xff);
  wire += record.rdata;
  size_t pos = 0;
  if (ldns_wire2rdf(rr.get(), reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos) != LDNS_STATUS_OK)
    return nullptr;
  return rr;
}

std::vector<Name> PrimaryZone::owners() const {
  std::vector<Name> out;
  out.reserve(names_.size());
  for (const auto& [owner, sets] : names_) out.push_back(owner);
  return out;
}

bool PrimaryZone::operator==(const PrimaryZone& o) const {
  return apex_ == o.apex_ && ldns_rr_compare(soa_.get(), o.soa_.get()) == 0 &&
         ldns_rr_ttl(soa_.get()) == ldns_rr_ttl(o.soa_.get()) && names_ == o.names_;
}

void PrimaryZone::count(const std::vector<Set>& sets, int sign) {
  for (const auto& s : sets) {
    if (sign > 0) {
      rrset_count_ += 1;
      record_count_ += s.records.size();
    } else {
      rrset_count_ -= 1;
      record_count_ -= s.records.size();
    }
  }
}

}  // namespace r53d::zone
