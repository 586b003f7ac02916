// RFC 2136 UPDATE processing on a zone working copy.
#include "update/update.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "dns/serial.h"
#include "zone/codec.h"
#include "zone/route53_rules.h"
#include "zone/soa.h"

namespace r53d::update {

namespace {

using zone::Key;
using zone::Name;
using zone::RRset;
using zone::WorkingCopy;

Outcome fail(ldns_pkt_rcode rcode, const std::string& reason) {
  Outcome o;
  o.rcode = rcode;
  Code code = Code::kInternal;
  switch (rcode) {
    case LDNS_RCODE_FORMERR: case LDNS_RCODE_NOTZONE: code = Code::kInvalidArgument; break;
    case LDNS_RCODE_NOTAUTH: code = Code::kNotFound; break;
    case LDNS_RCODE_REFUSED: code = Code::kPermissionDenied; break;
    case LDNS_RCODE_NXDOMAIN: case LDNS_RCODE_YXDOMAIN: case LDNS_RCODE_NXRRSET: case LDNS_RCODE_YXRRSET:
      code = Code::kFailedPrecondition; break;
    default: code = Code::kInternal; break;
  }
  o.status = Status(code, std::string(rcode_name(rcode)) + ": " + reason);
  return o;
}

std::string type_text(uint16_t t) { return t == LDNS_RR_TYPE_ANY ? "ANY" : zone::type_to_r53(t); }

std::string class_text(ldns_rr_class c) {
  switch (c) {
    case LDNS_RR_CLASS_IN: return "IN";
    case LDNS_RR_CLASS_ANY: return "ANY";
    case LDNS_RR_CLASS_NONE: return "NONE";
    default: return "CLASS" + std::to_string(static_cast<unsigned>(c));
  }
}

// "update RR 2 (www.example.com. NONE A)"
std::string where(const char* section, size_t i, const ldns_rr* rr) {
  return std::string(section) + " RR " + std::to_string(i + 1) + " (" +
         Name::from_rdf(ldns_rr_owner(rr)).to_text() + " " + class_text(ldns_rr_get_class(rr)) + " " +
         type_text(ldns_rr_get_type(rr)) + ")";
}

ldns_rr_list* updates_of(const ldns_pkt* p) { return ldns_pkt_authority(p); }
ldns_rr_list* prereqs_of(const ldns_pkt* p) { return ldns_pkt_answer(p); }
size_t count(const ldns_rr_list* l) { return l ? ldns_rr_list_rr_count(l) : 0; }

// One RR of the prerequisite or update section: as sent (structure checks, permission, log
// lines) and as processed (with DHCID emulation, a DHCID's TXT at _dhcid.NAME; else the same).
struct SectionRr {
  const ldns_rr* sent = nullptr;
  const ldns_rr* rr = nullptr;
  std::string not_emulated;  // a DHCID that has no TXT form: why (the update is REFUSED)
  bool emulated() const { return rr != sent; }
};

// The processing state of one UPDATE.
class Processor {
 public:
  Processor(const ldns_pkt* pkt, const Grant& grant, WorkingCopy& wc, const Options& options)
      : pkt_(pkt), grant_(grant), wc_(wc), apex_(wc.apex()), emulate_(options.dhcid == DhcidMode::kTxt) {
    pre_ = section(prereqs_of(pkt));
    up_ = section(updates_of(pkt));
  }

  Outcome run();

 private:
  std::vector<SectionRr> section(const ldns_rr_list* list);
  // The owner of the emulated DHCID of `owner` (nullopt without emulation or derived name).
  std::optional<Name> dhcid_at(const Name& owner) const {
    return emulate_ ? dhcid_owner(owner) : std::nullopt;
  }
  // The emulated DHCID RRset of `owner`, or nullptr.
  RRset::Ptr emulated_dhcid(const Name& owner) const {
    auto dn = dhcid_at(owner);
    return dn ? wc_.find(*dn, LDNS_RR_TYPE_TXT) : nullptr;
  }
  // RFC 2136 §2.4.4 / §2.4.5 with the emulated DHCID as data at `owner`; each tells the working
  // copy what the answer rests on.
  bool name_in_use(const Name& owner);
  bool name_not_in_use(const Name& owner);
  Outcome prescan();
  Outcome permission();
  Outcome policy();
  Outcome prerequisites();
  Outcome apply_all();
  Outcome add(size_t i, const SectionRr& e);
  void delete_rrset(size_t i, const Name& owner, uint16_t type);
  void delete_name(size_t i, const Name& owner);
  void delete_rr(size_t i, const SectionRr& e);
  // The working copy enforces Route 53's rules itself (zone/mirror.h); policy() refused all of
  // that already with a precise reason, so a refusal here is kept as the UPDATE's answer.
  void put(RRset::Ptr set) {
    touched_.insert(set->key());
    note(wc_.put(std::move(set)));
  }
  void erase(const Name& owner, uint16_t type) { note(wc_.erase(owner, type)); }
  void note(Status s) {
    if (s.ok())
      changed_ = true;
    else if (write_error_.ok())
      write_error_ = std::move(s);
  }
  void ignore(size_t i, const ldns_rr* rr, const std::string& why) {
    ignored_.push_back(where("update", i, rr) + ": " + why + " (ignored)");
  }

  const ldns_pkt* pkt_;
  const Grant& grant_;
  WorkingCopy& wc_;
  Name apex_;
  bool emulate_;
  std::vector<SectionRr> pre_, up_;
  std::vector<zone::RrPtr> owned_;  // the TXT RRs of emulated DHCIDs
  bool changed_ = false;
  Status write_error_;
  std::set<Key> touched_;
  std::vector<std::string> ignored_;
};

std::vector<SectionRr> Processor::section(const ldns_rr_list* list) {
  std::vector<SectionRr> out;
  for (size_t i = 0; i < count(list); ++i) {
    SectionRr e;
    e.sent = e.rr = ldns_rr_list_rr(list, i);
    if (emulate_ && ldns_rr_get_type(e.sent) == LDNS_RR_TYPE_DHCID) {
      auto txt = dhcid_as_txt(e.sent);
      if (txt.ok()) {
        e.rr = txt->get();
        owned_.push_back(std::move(*txt));
      } else {
        e.not_emulated = txt.status().message();
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool Processor::name_in_use(const Name& owner) {
  if (wc_.name_in_use(owner)) {
    wc_.rely_present(Key{owner, LDNS_RR_TYPE_ANY});
    return true;
  }
  auto dn = dhcid_at(owner);
  if (dn && wc_.find(*dn, LDNS_RR_TYPE_TXT)) {
    wc_.rely_present(Key{*dn, LDNS_RR_TYPE_TXT});  // the answer rests on that TXT RRset alone
    return true;
  }
  wc_.rely_present(Key{owner, LDNS_RR_TYPE_ANY});  // a failure: both names must have been read
  if (dn) wc_.rely_present(Key{*dn, LDNS_RR_TYPE_TXT});
  return false;
}

bool Processor::name_not_in_use(const Name& owner) {
  wc_.rely_absent(Key{owner, LDNS_RR_TYPE_ANY});
  bool used = wc_.name_in_use(owner);
  if (auto dn = dhcid_at(owner)) {
    wc_.rely_absent(Key{*dn, LDNS_RR_TYPE_TXT});
    used = used || wc_.find(*dn, LDNS_RR_TYPE_TXT) != nullptr;
  }
  return !used;
}

Outcome Processor::run() {
  Name zname;
  Outcome z = read_zone_section(pkt_, &zname);
  if (!z.ok()) return z;
  if (!(zname == apex_)) return fail(LDNS_RCODE_NOTAUTH, "zone " + zname.to_text() + " is not " + apex_.to_text());
  Outcome o = prescan();
  if (!o.ok()) return o;
  o = permission();
  if (!o.ok()) return o;
  o = policy();
  if (!o.ok()) return o;
  o = prerequisites();
  if (!o.ok()) return o;
  auto mark = wc_.mark();
  o = apply_all();
  if (o.ok() && !write_error_.ok()) o = fail(LDNS_RCODE_REFUSED, write_error_.message());
  if (!o.ok()) {
    wc_.rollback(mark);
    return o;
  }
  o.changed = changed_;
  o.ignored = std::move(ignored_);
  return o;
}

// RFC 2136 §3.4.1.3, structure only.
Outcome Processor::prescan() {
  for (size_t i = 0; i < up_.size(); ++i) {
    const ldns_rr* rr = up_[i].sent;
    Name owner = Name::from_rdf(ldns_rr_owner(rr));
    uint16_t type = ldns_rr_get_type(rr);
    ldns_rr_class cls = ldns_rr_get_class(rr);
    std::string at = where("update", i, rr);
    if (!owner.is_at_or_below(apex_)) return fail(LDNS_RCODE_NOTZONE, at + ": owner is outside zone " + apex_.to_text());
    if (cls == LDNS_RR_CLASS_IN) {
      if (zone::is_meta_type(type)) return fail(LDNS_RCODE_FORMERR, at + ": a meta type cannot be added");
      if (ldns_rr_rd_count(rr) == 0) return fail(LDNS_RCODE_FORMERR, at + ": add without RDATA");
    } else if (cls == LDNS_RR_CLASS_ANY) {
      if (ldns_rr_ttl(rr) != 0) return fail(LDNS_RCODE_FORMERR, at + ": delete with TTL " + std::to_string(ldns_rr_ttl(rr)) + " (must be 0)");
      if (ldns_rr_rd_count(rr) != 0) return fail(LDNS_RCODE_FORMERR, at + ": class ANY delete with RDATA");
      if (zone::is_meta_type(type) && type != LDNS_RR_TYPE_ANY) return fail(LDNS_RCODE_FORMERR, at + ": meta type in a delete");
    } else if (cls == LDNS_RR_CLASS_NONE) {
      if (ldns_rr_ttl(rr) != 0) return fail(LDNS_RCODE_FORMERR, at + ": delete with TTL " + std::to_string(ldns_rr_ttl(rr)) + " (must be 0)");
      if (zone::is_meta_type(type)) return fail(LDNS_RCODE_FORMERR, at + ": class NONE delete of a meta type");
    } else {
      return fail(LDNS_RCODE_FORMERR, at + ": class is not IN, ANY or NONE");
    }
  }
  return Outcome{};
}

// RFC 2136 §3.3 against the grant.
Outcome Processor::permission() {
  for (size_t i = 0; i < up_.size(); ++i) {
    const ldns_rr* rr = up_[i].sent;  // the grant speaks of what the client sent: DHCID at NAME
    Name owner = Name::from_rdf(ldns_rr_owner(rr));
    uint16_t type = ldns_rr_get_type(rr);
    std::string at = where("update", i, rr);
    if (type == LDNS_RR_TYPE_ANY) {  // delete all RRsets at a name: every type present must be granted
      std::vector<uint16_t> types;
      for (const auto& s : wc_.at_name(owner)) types.push_back(s->type());
      if (emulated_dhcid(owner)) types.push_back(LDNS_RR_TYPE_DHCID);
      if (types.empty() && !grant_.allows_name(owner))
        return fail(LDNS_RCODE_REFUSED, at + ": not allowed by the grant (" + grant_.describe() + ")");
      for (uint16_t t : types)
        if (!grant_.allows(owner, t))
          return fail(LDNS_RCODE_REFUSED, at + ": would delete " + type_text(t) +
                                              ", not allowed by the grant (" + grant_.describe() + ")");
    } else if (!grant_.allows(owner, type)) {
      return fail(LDNS_RCODE_REFUSED, at + ": not allowed by the grant (" + grant_.describe() + ")");
    }
  }
  return Outcome{};
}

// What Route 53 cannot hold or route53d must not change.
Outcome Processor::policy() {
  for (size_t i = 0; i < up_.size(); ++i) {
    const SectionRr& e = up_[i];
    std::string at = where("update", i, e.sent);
    if (emulate_ && is_dhcid_owner(Name::from_rdf(ldns_rr_owner(e.sent))))
      return fail(LDNS_RCODE_REFUSED, at + ": _dhcid. names hold the zone's emulated DHCID records (dhcid = txt); "
                                           "they change only through the DHCID of the name below them");
    if (!e.not_emulated.empty()) return fail(LDNS_RCODE_REFUSED, at + ": " + e.not_emulated);
    const ldns_rr* rr = e.rr;  // the TXT of an emulated DHCID is what Route 53 must hold
    Name owner = Name::from_rdf(ldns_rr_owner(rr));
    uint16_t type = ldns_rr_get_type(rr);
    ldns_rr_class cls = ldns_rr_get_class(rr);
    if (type == LDNS_RR_TYPE_ANY) {
      auto sets = wc_.at_name(owner);
      if (auto d = emulated_dhcid(owner)) sets.push_back(d);
      for (const auto& s : sets)
        if (s->read_only())
          return fail(LDNS_RCODE_REFUSED, at + ": the name holds a " + type_text(s->type()) + " " +
                                              s->read_only_reason() + ", which route53d never changes");
      continue;
    }
    if (auto v = zone::check_type(type)) return fail(LDNS_RCODE_REFUSED, at + ": " + v->text);
    if (auto cur = wc_.find(owner, type); cur && cur->read_only())
      return fail(LDNS_RCODE_REFUSED, at + ": " + cur->read_only_reason() + ", which route53d never changes");
    if (cls != LDNS_RR_CLASS_IN) continue;
    if (auto v = zone::check_ttl(ldns_rr_ttl(rr))) return fail(LDNS_RCODE_REFUSED, at + ": " + v->text);
    if (auto v = zone::check_apex_ns(apex_, owner, type)) {  // an add of what is there is harmless
      auto cur = wc_.find(owner, type);
      if (!cur || !cur->contains(zone::canonical_rdata(rr)) || cur->ttl_s() != ldns_rr_ttl(rr))
        return fail(LDNS_RCODE_REFUSED, at + ": " + v->text);
    }
    if (auto v = zone::check_wildcard_ns(owner, type)) return fail(LDNS_RCODE_REFUSED, at + ": " + v->text);
  }
  return Outcome{};
}

// RFC 2136 §3.2, in the order of the pseudocode of §3.2.5.
Outcome Processor::prerequisites() {
  std::map<Key, std::set<std::string>> value_sets;  // §3.2.3: zone-class prerequisites by RRset
  std::map<Key, size_t> first_rr;
  for (size_t i = 0; i < pre_.size(); ++i) {
    const ldns_rr* rr = pre_[i].rr;  // an emulated DHCID: its TXT at _dhcid.NAME
    Name owner = Name::from_rdf(ldns_rr_owner(rr));
    uint16_t type = ldns_rr_get_type(rr);
    ldns_rr_class cls = ldns_rr_get_class(rr);
    std::string at = where("prerequisite", i, pre_[i].sent);
    if (ldns_rr_ttl(rr) != 0) return fail(LDNS_RCODE_FORMERR, at + ": TTL " + std::to_string(ldns_rr_ttl(rr)) + " (must be 0)");
    if (!owner.is_at_or_below(apex_)) return fail(LDNS_RCODE_NOTZONE, at + ": owner is outside zone " + apex_.to_text());
    if (cls == LDNS_RR_CLASS_ANY || cls == LDNS_RR_CLASS_NONE) {
      if (ldns_rr_rd_count(rr) != 0) return fail(LDNS_RCODE_FORMERR, at + ": RDATA with class " + class_text(cls));
      if (zone::is_meta_type(type) && type != LDNS_RR_TYPE_ANY) return fail(LDNS_RCODE_FORMERR, at + ": meta type");
      if (type == LDNS_RR_TYPE_ANY) {
        if (cls == LDNS_RR_CLASS_ANY && !name_in_use(owner)) return fail(LDNS_RCODE_NXDOMAIN, at + ": name is not in use");
        if (cls == LDNS_RR_CLASS_NONE && !name_not_in_use(owner)) return fail(LDNS_RCODE_YXDOMAIN, at + ": name is in use");
        continue;
      }
      Key key{owner, type};
      if (cls == LDNS_RR_CLASS_ANY) {
        wc_.rely_present(key);
        if (!wc_.find(owner, type)) return fail(LDNS_RCODE_NXRRSET, at + ": RRset does not exist");
      } else {
        wc_.rely_absent(key);
        if (wc_.find(owner, type)) return fail(LDNS_RCODE_YXRRSET, at + ": RRset exists");
      }
    } else if (cls == LDNS_RR_CLASS_IN) {
      if (zone::is_meta_type(type)) return fail(LDNS_RCODE_FORMERR, at + ": meta type with class IN");
      Key key{owner, type};
      value_sets[key].insert(zone::canonical_rdata(rr));
      first_rr.emplace(key, i);
    } else {
      return fail(LDNS_RCODE_FORMERR, at + ": class is not IN, ANY or NONE");
    }
  }
  for (const auto& [key, want] : value_sets) {
    std::string at = where("prerequisite", first_rr[key], pre_[first_rr[key]].sent);
    wc_.rely_present(key);  // its exact version, values included
    auto cur = wc_.find(key.owner, key.type);
    if (!cur) return fail(LDNS_RCODE_NXRRSET, at + ": RRset does not exist");
    if (cur->read_only())
      return fail(LDNS_RCODE_REFUSED, at + ": cannot compare values of a " + cur->read_only_reason());
    bool same = cur->rdata().size() == want.size();
    for (const auto& r : cur->rdata()) same = same && want.count(r.canon) > 0;
    if (!same) return fail(LDNS_RCODE_NXRRSET, at + ": RRset differs from the prerequisite values");
  }
  return Outcome{};
}

Outcome Processor::apply_all() {
  for (size_t i = 0; i < up_.size(); ++i) {
    const ldns_rr* rr = up_[i].rr;
    Name owner = Name::from_rdf(ldns_rr_owner(rr));
    uint16_t type = ldns_rr_get_type(rr);
    switch (ldns_rr_get_class(rr)) {
      case LDNS_RR_CLASS_IN: {
        Outcome o = add(i, up_[i]);
        if (!o.ok()) return o;
        break;
      }
      case LDNS_RR_CLASS_ANY:
        if (type == LDNS_RR_TYPE_ANY)
          delete_name(i, owner);
        else
          delete_rrset(i, owner, type);
        break;
      default:  // NONE (prescan allowed nothing else)
        delete_rr(i, up_[i]);
        break;
    }
  }
  // Route 53 limits on the RRsets this UPDATE wrote.
  for (const auto& key : touched_) {
    auto set = wc_.find(key.owner, key.type);
    if (!set) continue;
    if (auto v = zone::check_value_count(set->rdata().size()))
      return fail(LDNS_RCODE_REFUSED, key.owner.to_text() + " " + type_text(key.type) + " would hold " + v->text);
  }
  return Outcome{};
}

// §3.4.2.2 with the CNAME, SOA and TTL rules.
Outcome Processor::add(size_t i, const SectionRr& e) {
  const ldns_rr* rr = e.rr;
  Name owner = Name::from_rdf(ldns_rr_owner(rr));
  uint16_t type = ldns_rr_get_type(rr);
  uint32_t ttl = ldns_rr_ttl(rr);
  std::string at = where("update", i, e.sent);

  if (type == LDNS_RR_TYPE_SOA) {
    if (!(owner == apex_)) {
      ignore(i, e.sent, "SOA add below the apex");
      return Outcome{};
    }
    if (ldns_rr_rd_count(rr) != 7) return fail(LDNS_RCODE_FORMERR, at + ": SOA without 7 fields");
    uint32_t serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
    // Replace only with a greater serial (RFC 2136 §3.4.2.2 text, BIND check_soa_increment()):
    // greater than the working copy's serial and than the mirror's, so that several UPDATEs in
    // one batch can never move the serial backwards overall (RFC 1982 is not transitive).
    if (!dns::serial_gt(serial, wc_.serial()) || !dns::serial_gt(serial, wc_.base().serial())) {
      ignore(i, e.sent, "SOA serial " + std::to_string(serial) + " is not greater than " + std::to_string(wc_.serial()));
      return Outcome{};
    }
    auto next = zone::soa_from_update(wc_.soa(), rr);
    if (!next.ok()) return fail(LDNS_RCODE_REFUSED, at + ": " + next.status().message());
    put(std::move(*next));
    return Outcome{};
  }

  // The emulated DHCID is data at NAME, not at _dhcid.NAME, for the CNAME rule: a CNAME at
  // NAME keeps it out, and it keeps a CNAME out of NAME.
  if (e.emulated()) {
    Name name = Name::from_rdf(ldns_rr_owner(e.sent));
    if (wc_.find(name, LDNS_RR_TYPE_CNAME)) {
      wc_.rely_present(Key{name, LDNS_RR_TYPE_CNAME});
      ignore(i, e.sent, "DHCID beside a CNAME");
      return Outcome{};
    }
  }
  auto at_name = wc_.at_name(owner);
  if (type == LDNS_RR_TYPE_CNAME)
    if (auto d = emulated_dhcid(owner)) at_name.push_back(d);
  const RRset* other = nullptr;
  bool has_cname = false;
  for (const auto& s : at_name) {
    if (s->type() == LDNS_RR_TYPE_CNAME)
      has_cname = true;
    else if (!other)
      other = s.get();
  }
  // An add ignored because of what is at the name rests on that RRset (RFC 2136 §3.4.2.2): its
  // presence is asserted in the batch. An add that goes through needs nothing more: Route 53
  // refuses a CNAME conflict itself.
  if (type == LDNS_RR_TYPE_CNAME && other) {
    wc_.rely_present(other->key());
    ignore(i, e.sent, "CNAME beside other data");
    return Outcome{};
  }
  if (type != LDNS_RR_TYPE_CNAME && has_cname) {
    wc_.rely_present(Key{owner, LDNS_RR_TYPE_CNAME});
    ignore(i, e.sent, "data beside a CNAME");
    return Outcome{};
  }

  auto rd = zone::Rdata::from_rr(rr);
  if (!rd.ok()) return fail(LDNS_RCODE_REFUSED, at + ": value Route 53 cannot hold: " + rd.status().message());
  auto cur = wc_.find(owner, type);
  if (type == LDNS_RR_TYPE_CNAME) {  // only one CNAME: a new one replaces the old one
    if (cur && cur->contains(rd->canon) && cur->ttl_s() == ttl) {
      wc_.rely_present(cur->key());
      ignore(i, e.sent, "duplicate");
      return Outcome{};
    }
    put(RRset::make(owner, type, ttl, {std::move(*rd)}, cur ? cur->r53_name() : ""));
    return Outcome{};
  }
  if (!cur) {
    put(RRset::make(owner, type, ttl, {std::move(*rd)}));
  } else if (cur->contains(rd->canon)) {
    if (cur->ttl_s() == ttl) {
      wc_.rely_present(cur->key());
      ignore(i, e.sent, "duplicate");
    } else {
      put(cur->with_ttl(ttl));  // same record, new TTL: the RRset takes it (BIND)
    }
  } else {
    put(cur->with_added(std::move(*rd), ttl));  // RFC 2181 §5.2: one TTL, the added RR's
  }
  return Outcome{};
}

// §3.4.2.3: delete an RRset; the apex SOA and NS are kept.
void Processor::delete_rrset(size_t i, const Name& owner, uint16_t type) {
  if (owner == apex_ && (type == LDNS_RR_TYPE_SOA || type == LDNS_RR_TYPE_NS)) {
    ignored_.push_back("update RR " + std::to_string(i + 1) + ": delete of the apex " + type_text(type) + " (ignored)");
    return;
  }
  if (wc_.find(owner, type))
    erase(owner, type);  // the batch DELETEs its exact version
  else
    wc_.rely_absent(Key{owner, type});
}

// §3.4.2.3: delete all RRsets at a name; at the apex SOA and NS stay.
void Processor::delete_name(size_t, const Name& owner) {
  wc_.rely_absent(Key{owner, LDNS_RR_TYPE_ANY});  // no type the working copy does not know of
  for (const auto& s : wc_.at_name(owner)) {
    if (owner == apex_ && (s->type() == LDNS_RR_TYPE_SOA || s->type() == LDNS_RR_TYPE_NS)) continue;
    erase(owner, s->type());
  }
  if (auto dn = dhcid_at(owner)) {  // the emulated DHCID goes with the name: no TXT left orphaned
    if (wc_.find(*dn, LDNS_RR_TYPE_TXT))
      erase(*dn, LDNS_RR_TYPE_TXT);  // the batch DELETEs its exact version
    else
      wc_.rely_absent(Key{*dn, LDNS_RR_TYPE_TXT});
  }
}

// §3.4.2.4: delete one RR. SOA never; apex NS never (Route 53 owns the set; the RFC keeps only
// the last one, route53d keeps them all).
void Processor::delete_rr(size_t i, const SectionRr& e) {
  const ldns_rr* rr = e.rr;
  Name owner = Name::from_rdf(ldns_rr_owner(rr));
  uint16_t type = ldns_rr_get_type(rr);
  if (type == LDNS_RR_TYPE_SOA || (type == LDNS_RR_TYPE_NS && owner == apex_)) {
    ignore(i, e.sent, "delete of an SOA or apex NS record");
    return;
  }
  auto cur = wc_.find(owner, type);
  if (!cur) {
    wc_.rely_absent(Key{owner, type});
    return;
  }
  std::string canon = zone::canonical_rdata(rr);
  if (!cur->contains(canon)) {
    wc_.rely_present(cur->key());  // its exact version shows the value is not there
    return;
  }
  auto rest = cur->without(canon);
  if (rest)
    put(std::move(rest));
  else
    erase(owner, type);
}

}  // namespace

namespace {

// Inserts the owner of rr into out if it is in the zone, with its _dhcid. name under emulation.
void insert_owner(std::set<Name>& out, const ldns_rr* rr, const Name& apex, const Options& options) {
  Name owner = Name::from_rdf(ldns_rr_owner(rr));
  if (!owner.is_at_or_below(apex)) return;
  if (options.dhcid == DhcidMode::kTxt)
    if (auto dn = dhcid_owner(owner)) out.insert(*dn);
  out.insert(std::move(owner));
}

}  // namespace

std::vector<Name> names_read(const ldns_pkt* pkt, const Name& apex, const Options& options) {
  std::set<Name> out;
  for (const ldns_rr_list* l : {prereqs_of(pkt), updates_of(pkt)})
    for (size_t i = 0; i < count(l); ++i) insert_owner(out, ldns_rr_list_rr(l, i), apex, options);
  return std::vector<Name>(out.begin(), out.end());
}

std::vector<Name> absence_names(const ldns_pkt* pkt, const Name& apex, const Options& options) {
  std::set<Name> out;
  auto add = [&](const ldns_rr* rr) { insert_owner(out, rr, apex, options); };
  for (size_t i = 0; i < count(prereqs_of(pkt)); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(prereqs_of(pkt), i);
    if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_NONE) add(rr);
  }
  for (size_t i = 0; i < count(updates_of(pkt)); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(updates_of(pkt), i);
    if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_ANY && ldns_rr_get_type(rr) == LDNS_RR_TYPE_ANY) add(rr);
  }
  return std::vector<Name>(out.begin(), out.end());
}

const char* rcode_name(ldns_pkt_rcode rcode) {
  switch (rcode) {
    case LDNS_RCODE_NOERROR: return "NOERROR";
    case LDNS_RCODE_FORMERR: return "FORMERR";
    case LDNS_RCODE_SERVFAIL: return "SERVFAIL";
    case LDNS_RCODE_NXDOMAIN: return "NXDOMAIN";
    case LDNS_RCODE_NOTIMPL: return "NOTIMP";
    case LDNS_RCODE_REFUSED: return "REFUSED";
    case LDNS_RCODE_YXDOMAIN: return "YXDOMAIN";
    case LDNS_RCODE_YXRRSET: return "YXRRSET";
    case LDNS_RCODE_NXRRSET: return "NXRRSET";
    case LDNS_RCODE_NOTAUTH: return "NOTAUTH";
    case LDNS_RCODE_NOTZONE: return "NOTZONE";
  }
  return "RCODE?";
}

Outcome read_zone_section(const ldns_pkt* pkt, zone::Name* zone) {
  const ldns_rr_list* q = ldns_pkt_question(pkt);
  size_t n = count(q);
  if (n != 1 || ldns_pkt_qdcount(pkt) != 1)
    return fail(LDNS_RCODE_FORMERR, "zone section has " + std::to_string(n) + " entries (must be 1)");
  const ldns_rr* z = ldns_rr_list_rr(q, 0);
  if (ldns_rr_get_type(z) != LDNS_RR_TYPE_SOA)
    return fail(LDNS_RCODE_FORMERR, "zone section type is " + type_text(ldns_rr_get_type(z)) + " (must be SOA)");
  *zone = Name::from_rdf(ldns_rr_owner(z));
  if (ldns_rr_get_class(z) != LDNS_RR_CLASS_IN)
    return fail(LDNS_RCODE_NOTAUTH, "zone class " + class_text(ldns_rr_get_class(z)) + " is not served");
  return Outcome{};
}

Outcome apply(const ldns_pkt* pkt, const Grant& grant, zone::WorkingCopy& wc, const Options& options) {
  return Processor(pkt, grant, wc, options).run();
}

}  // namespace r53d::update
