// The zone mirror, working copies and compare-and-swap batches.
#include "zone/mirror.h"

#include <algorithm>
#include <utility>

#include "dns/serial.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::zone {

// ---- grouping -----------------------------------------------------------------------------

Result<std::map<Key, RRset::Ptr>> group_record_sets(std::vector<r53::RecordSet> sets) {
  std::map<Key, std::vector<r53::RecordSet>> groups;
  for (auto& rs : sets) {
    auto owner = name_from_r53(rs.name);
    if (!owner.ok()) return owner.status();
    auto type = type_from_r53(rs.type);
    if (!type.ok()) return type.status();
    auto& g = groups[Key{*owner, *type}];
    for (const auto& other : g)
      if (other.set_identifier == rs.set_identifier)
        return Status::invalid_argument("record set listed twice: " + rs.name + " " + rs.type +
                                        (rs.set_identifier.empty() ? "" : " " + rs.set_identifier));
    g.push_back(std::move(rs));
  }
  std::map<Key, RRset::Ptr> out;
  for (auto& [key, g] : groups) {
    auto set = RRset::from_stored(std::move(g));
    if (!set.ok()) return set.status();
    out.emplace(key, std::move(*set));
  }
  return out;
}

// ---- Mirror -------------------------------------------------------------------------------

Result<Mirror> Mirror::load(const Name& apex, std::vector<r53::RecordSet> sets) {
  auto grouped = group_record_sets(std::move(sets));
  if (!grouped.ok()) return grouped.status();
  Mirror m;
  m.apex_ = apex;
  for (const auto& [key, set] : *grouped)
    if (!key.owner.is_at_or_below(apex))
      return Status::invalid_argument("record set " + key.owner.to_text() + " is outside zone " + apex.to_text());
  m.sets_ = std::move(*grouped);
  R53D_RETURN_IF_ERROR(m.check_soa());
  m.recount_owners();
  return m;
}

Status Mirror::check_soa() {
  auto it = sets_.find(Key{apex_, LDNS_RR_TYPE_SOA});
  if (it == sets_.end() || it->second->read_only() || it->second->rdata().size() != 1 ||
      ldns_rr_rd_count(it->second->rdata()[0].rr.get()) != 7)
    return Status::invalid_argument("zone " + apex_.to_text() + " has no usable SOA record at its apex");
  soa_ = it->second;
  return Status();
}

RRset::Ptr Mirror::find(const Name& owner, uint16_t type) const {
  auto it = sets_.find(Key{owner, type});
  return it == sets_.end() ? nullptr : it->second;
}

std::vector<RRset::Ptr> Mirror::at_name(const Name& owner) const {
  std::vector<RRset::Ptr> out;
  for (auto it = sets_.lower_bound(Key{owner, 0}); it != sets_.end() && it->first.owner == owner; ++it)
    out.push_back(it->second);
  return out;
}

bool Mirror::has_name(const Name& owner) const {
  auto it = sets_.lower_bound(Key{owner, 0});
  return it != sets_.end() && it->first.owner == owner;
}

bool Mirror::name_exists(const Name& name) const {
  return has_name(name) || below_.count(name.wire()) > 0;
}

std::vector<std::string> Mirror::between_apex(const Name& owner) const {
  std::vector<std::string> out;
  const std::string& w = owner.wire();
  const size_t apex_len = apex_.wire().size();
  size_t pos = 0;
  // Step past one label at a time; stop at the apex (owners are at or below it).
  while (pos < w.size() && w[pos] != 0) {
    pos += 1 + static_cast<unsigned char>(w[pos]);
    if (w.size() - pos <= apex_len) break;
    out.push_back(w.substr(pos));
  }
  return out;
}

void Mirror::count_owner(const Name& owner, int delta) {
  for (auto& suffix : between_apex(owner)) {
    if (delta > 0) {
      ++below_[suffix];
    } else {
      auto it = below_.find(suffix);
      if (it != below_.end() && --it->second == 0) below_.erase(it);
    }
  }
}

void Mirror::recount_owners() {
  below_.clear();
  const Name* last = nullptr;
  for (const auto& [key, set] : sets_) {
    if (last && *last == key.owner) continue;
    last = &key.owner;
    count_owner(key.owner, +1);
  }
}

std::vector<Name> Mirror::names() const {
  std::vector<Name> out;
  for (const auto& [key, set] : sets_)
    if (out.empty() || !(out.back() == key.owner)) out.push_back(key.owner);
  return out;
}

Status Mirror::commit(const Batch& batch) {
  if (batch.empty()) return Status();
  if (batch.base_generation != generation_)
    return Status::failed_precondition("batch was built on mirror generation " +
                                       std::to_string(batch.base_generation) + ", mirror is at " +
                                       std::to_string(generation_));
  for (const auto& s : batch.swaps) {
    if (find(s.key.owner, s.key.type) != s.before)
      return Status::failed_precondition("mirror RRset " + s.key.owner.to_text() + " " +
                                         type_to_r53(s.key.type) + " changed since the batch was built");
  }
  for (const auto& s : batch.swaps) {
    bool had = has_name(s.key.owner);
    if (s.after)
      sets_[s.key] = s.after;
    else
      sets_.erase(s.key);
    bool has = has_name(s.key.owner);
    if (had != has) count_owner(s.key.owner, has ? +1 : -1);
  }
  Status st = check_soa();
  (void)st;  // every batch carries an SOA swap to a simple SOA, so this cannot fail
  ++generation_;
  return Status();
}

uint64_t Mirror::read_stamp(const Name& owner) const {
  auto it = read_stamps_.find(owner);
  return it == read_stamps_.end() ? zone_stamp_ : std::max(zone_stamp_, it->second);
}

Status Mirror::reload_zone(const std::vector<r53::RecordSet>& sets, uint64_t stamp) {
  // Every name the mirror had or Route 53 now has.
  std::set<Name> all;
  for (const auto& [key, set] : sets_) all.insert(key.owner);
  for (const auto& rs : sets) {
    auto n = name_from_r53(rs.name);
    if (!n.ok()) return n.status();
    all.insert(*n);
  }
  R53D_RETURN_IF_ERROR(reload_names(std::vector<Name>(all.begin(), all.end()), sets));
  all_fresh_ = true;
  fresh_.clear();
  if (stamp) {
    read_stamps_.clear();
    set_zone_stamp(stamp);
  }
  return Status();
}

Status Mirror::reload_names(const std::vector<Name>& names, const std::vector<r53::RecordSet>& sets,
                            uint64_t stamp) {
  std::set<Name> wanted(names.begin(), names.end());
  std::vector<r53::RecordSet> keep;
  for (const auto& rs : sets) {
    auto owner = name_from_r53(rs.name);
    if (!owner.ok()) return owner.status();
    if (wanted.count(*owner)) keep.push_back(rs);
  }
  auto grouped = group_record_sets(std::move(keep));
  if (!grouped.ok()) return grouped.status();
  std::map<Key, RRset::Ptr> next = sets_;
  bool differs = false;
  size_t had = 0;
  for (auto it = next.begin(); it != next.end();) {
    if (wanted.count(it->first.owner)) {
      ++had;
      auto g = grouped->find(it->first);
      if (g == grouped->end() || !g->second->same_data(*it->second)) differs = true;
      it = next.erase(it);
    } else {
      ++it;
    }
  }
  if (had != grouped->size()) differs = true;
  for (auto& [key, set] : *grouped) next[key] = set;
  std::swap(sets_, next);
  RRset::Ptr old_soa = soa_;
  Status st = check_soa();
  if (!st.ok()) {
    std::swap(sets_, next);  // restore (check_soa left soa_ as it was)
    return st;
  }
  recount_owners();
  if (!soa_->same_data(*old_soa)) {
    // The zone moved on since the mirror was last verified: only what was just read is current.
    all_fresh_ = false;
    fresh_.clear();
  }
  if (!all_fresh_) fresh_.insert(wanted.begin(), wanted.end());
  if (differs) ++foreign_changes_;
  if (stamp)
    for (const auto& n : wanted) read_stamps_[n] = std::max(read_stamps_[n], stamp);
  ++generation_;
  return Status();
}

// ---- WorkingCopy --------------------------------------------------------------------------

namespace {

// Route 53's default SOA EXPIRE (route53-api.md §3.4): what a bumped SOA gets instead of the
// push lock's mark.
constexpr uint32_t kDefaultSoaExpire = 1209600;

// The SOA after a batch that does not set its own: serial + 1 (RFC 1982, never 0), the lock's
// mark (if any) replaced by Route 53's default EXPIRE. Falls back to old (cannot happen: the
// mirror checked its SOA has 7 fields).
RRset::Ptr bumped_soa(const RRset::Ptr& old) {
  auto f = soa_fields(*old);
  if (!f.ok()) return old;
  f->serial = dns::serial_next(f->serial);
  if ((f->expire & kSoaLockMask) == kSoaLockTag) f->expire = kDefaultSoaExpire;
  auto next = soa_with_fields(*old, *f, old->ttl_s());
  return next.ok() ? *next : old;
}

}  // namespace

WorkingCopy::WorkingCopy(const Mirror& base, WriteRules rules)
    : base_(&base), base_generation_(base.generation()), rules_(rules) {}

RRset::Ptr WorkingCopy::find(const Name& owner, uint16_t type) const {
  note_read(owner);
  auto it = overlay_.find(Key{owner, type});
  if (it != overlay_.end()) return it->second.set;
  return base_->find(owner, type);
}

std::vector<RRset::Ptr> WorkingCopy::at_name(const Name& owner) const {
  note_read(owner);
  std::map<uint16_t, RRset::Ptr> merged;
  for (auto& s : base_->at_name(owner)) merged[s->type()] = s;
  for (auto it = overlay_.lower_bound(Key{owner, 0}); it != overlay_.end() && it->first.owner == owner; ++it) {
    if (it->second.set)
      merged[it->first.type] = it->second.set;
    else
      merged.erase(it->first.type);
  }
  std::vector<RRset::Ptr> out;
  out.reserve(merged.size());
  for (auto& [t, s] : merged) out.push_back(s);
  return out;
}

bool WorkingCopy::name_in_use(const Name& owner) const { return !at_name(owner).empty(); }

const RRset& WorkingCopy::soa() const {
  auto it = overlay_.find(Key{apex(), LDNS_RR_TYPE_SOA});
  if (it != overlay_.end() && it->second.set) return *it->second.set;
  return base_->soa();
}

WorkingCopy::Entry WorkingCopy::make_entry(const Key& key, RRset::Ptr set) const {
  Entry e;
  RRset::Ptr before = base_->find(key.owner, key.type);
  e.differs = !((!before && !set) || (before && set && before->same_data(*set)));
  if (e.differs) {
    if (before) e.cost += before->size();
    if (set) e.cost += set->size();
  }
  e.set = std::move(set);
  return e;
}

void WorkingCopy::account(const Entry& e, bool add) {
  if (!e.differs) return;
  if (add) {
    cost_ += e.cost;
    ++differing_;
  } else {
    cost_ -= e.cost;
    --differing_;
  }
}

void WorkingCopy::assign(const Key& key, RRset::Ptr set) {
  auto it = overlay_.find(key);
  if (it == overlay_.end()) {
    undo_.push_back(Undo{key, std::nullopt});
  } else {
    undo_.push_back(Undo{key, it->second});
    account(it->second, false);
  }
  Entry e = make_entry(key, std::move(set));
  account(e, true);
  if (key.owner == apex() && key.type == LDNS_RR_TYPE_SOA) soa_differs_ = e.differs;
  overlay_[key] = std::move(e);
}

Status WorkingCopy::check_write(const Key& key, const RRset* set) const {
  const std::string what = key.owner.to_text() + " " + type_to_r53(key.type);
  if (!key.owner.is_at_or_below(apex())) return Status::invalid_argument(what + " is outside zone " + apex().to_text());
  auto it = overlay_.find(key);
  RRset::Ptr cur = it != overlay_.end() ? it->second.set : base_->find(key.owner, key.type);
  if (cur && cur->read_only())
    return Status::permission_denied(what + " is a Route 53 " + cur->read_only_reason() + " that route53d never changes");
  if (set && set->read_only()) return Status::permission_denied(what + ": route53d does not write " + set->read_only_reason() + "s");
  if (!is_route53_type(key.type)) return Status::permission_denied(what + ": Route 53 cannot hold this type");
  const bool at_apex = key.owner == apex();
  if (key.type == LDNS_RR_TYPE_SOA) {
    if (!at_apex) return Status::permission_denied(what + ": an SOA belongs at the apex only");
    if (!set) return Status::permission_denied(what + ": the apex SOA belongs to Route 53 and cannot be deleted");
    const RRset& old = base_->soa();
    if (set->rdata().size() != 1 || ldns_rr_rd_count(set->rdata()[0].rr.get()) != 7 ||
        ldns_dname_compare(ldns_rr_rdf(set->rdata()[0].rr.get(), 0), ldns_rr_rdf(old.rdata()[0].rr.get(), 0)) != 0 ||
        ldns_dname_compare(ldns_rr_rdf(set->rdata()[0].rr.get(), 1), ldns_rr_rdf(old.rdata()[0].rr.get(), 1)) != 0)
      return Status::permission_denied(what + ": the SOA's MNAME and RNAME belong to Route 53");
  }
  if (key.type == LDNS_RR_TYPE_NS && at_apex && !rules_.apex_ns)
    return Status::permission_denied(what + ": the apex NS set belongs to Route 53");
  if (set && key.type == LDNS_RR_TYPE_NS && key.owner.is_wildcard())
    return Status::permission_denied(what + ": Route 53 does not allow NS records at a wildcard name");
  if (set && key.type == LDNS_RR_TYPE_CNAME && at_apex)
    return Status::permission_denied(what + ": Route 53 does not allow a CNAME at the zone apex");
  return Status();
}

Status WorkingCopy::put(RRset::Ptr set) {
  Key key = set->key();
  R53D_RETURN_IF_ERROR(check_write(key, set.get()));
  assign(key, std::move(set));
  return Status();
}

Status WorkingCopy::erase(const Name& owner, uint16_t type) {
  Key key{owner, type};
  R53D_RETURN_IF_ERROR(check_write(key, nullptr));
  assign(key, nullptr);
  return Status();
}

void WorkingCopy::rollback(Mark m) {
  if (stale_.size() > m.stale_size) stale_.resize(m.stale_size);
  if (relied_.size() > m.relied_size) relied_.resize(m.relied_size);
  if (relied_creates_.size() > m.creates_size) relied_creates_.resize(m.creates_size);
  while (undo_.size() > m.undo_size) {
    Undo u = std::move(undo_.back());
    undo_.pop_back();
    auto it = overlay_.find(u.key);
    if (it != overlay_.end()) {
      account(it->second, false);
      overlay_.erase(it);
    }
    bool is_soa = u.key.owner == apex() && u.key.type == LDNS_RR_TYPE_SOA;
    if (is_soa) soa_differs_ = false;
    if (u.before) {
      account(*u.before, true);
      if (is_soa) soa_differs_ = u.before->differs;
      overlay_[u.key] = std::move(*u.before);
    }
  }
}

BatchSize WorkingCopy::size() const {
  if (differing_ == 0) return BatchSize{};
  BatchSize s = cost_;
  for (const auto& key : assertions()) {  // identical DELETE + CREATE
    RRset::Ptr set = base_->find(key.owner, key.type);
    s += set->size();
    s += set->size();
  }
  if (!soa_differs_) {
    // The SOA pair: exact old SOA out, the SOA the batch leaves in (serial + 1, or the same SOA
    // again when an edit put it unchanged: an identical DELETE + CREATE, the lock alone).
    RRset::Ptr old = base_->find(apex(), LDNS_RR_TYPE_SOA);
    s += old->size();
    s += final_soa(*this)->size();
  }
  return s;
}

bool WorkingCopy::overlay_differs(const Key& key) const {
  auto it = overlay_.find(key);
  return it != overlay_.end() && it->second.differs;
}

bool WorkingCopy::overlay_differs_at(const Name& owner) const {
  for (auto it = overlay_.lower_bound(Key{owner, 0}); it != overlay_.end() && it->first.owner == owner; ++it)
    if (it->second.differs && it->second.set) return true;
  return false;
}

void WorkingCopy::rely_present(const Key& key) {
  if (!track_) return;
  Reliance r{true, key, false};
  if (key.type == LDNS_RR_TYPE_ANY) {
    // "The name is in use": an RRset an earlier edit of the batch wrote there, or one writable
    // RRset of the mirror that the batch keeps, which then stands for the name.
    r.overlaid = overlay_differs_at(key.owner);
    if (!r.overlaid) {
      for (const auto& set : base_->at_name(key.owner)) {
        auto it = overlay_.find(set->key());
        if (set->read_only() || (it != overlay_.end() && !it->second.set)) continue;
        r.key = set->key();
        break;
      }
    }
  } else {
    r.overlaid = overlay_differs(key);
  }
  relied_.push_back(r);
}

void WorkingCopy::rely_absent(const Key& key) {
  if (!track_) return;
  // A name found in use because an earlier edit of the batch wrote there fails on that write (the
  // batch asserts it); a name found unused rests on the mirror's view of every type: read.
  relied_.push_back(Reliance{false, key,
                             key.type == LDNS_RR_TYPE_ANY ? overlay_differs_at(key.owner) : overlay_differs(key)});
}

std::vector<Name> WorkingCopy::unasserted_since(Mark m, bool no_batch) {
  std::set<Name> out;
  for (size_t i = m.relied_size; i < relied_.size(); ++i) {
    const Reliance& r = relied_[i];
    if (r.overlaid) continue;  // rests on the batch's own DELETE/CREATE of that RRset
    if (no_batch || r.key.type == LDNS_RR_TYPE_ANY) {
      // Nothing asserts it (a present name whose RRset stands for it has a concrete type here).
      out.insert(r.key.owner);
      continue;
    }
    RRset::Ptr cur = base_->find(r.key.owner, r.key.type);
    if (r.present) {
      if (cur && cur->read_only()) out.insert(r.key.owner);  // never DELETEd, so never asserted
      continue;
    }
    auto it = overlay_.find(r.key);
    if (!cur && it != overlay_.end() && it->second.differs && it->second.set) {
      relied_creates_.push_back(r.key);  // the batch's CREATE fails if it exists
      continue;
    }
    out.insert(r.key.owner);
  }
  return std::vector<Name>(out.begin(), out.end());
}

bool WorkingCopy::creates_hold() const {
  for (const auto& key : relied_creates_) {
    auto it = overlay_.find(key);
    if (base_->find(key.owner, key.type) || it == overlay_.end() || !it->second.differs || !it->second.set)
      return false;
  }
  return true;
}

std::vector<Key> WorkingCopy::assertions() const {
  std::set<Key> out;
  for (const auto& r : relied_) {
    if (!r.present || r.overlaid || r.key.type == LDNS_RR_TYPE_ANY || overlay_differs(r.key)) continue;
    RRset::Ptr cur = base_->find(r.key.owner, r.key.type);
    if (cur && !cur->read_only()) out.insert(r.key);
  }
  return std::vector<Key>(out.begin(), out.end());
}

std::vector<Name> WorkingCopy::names_to_reload() const {
  std::set<Name> all = read_;
  all.insert(apex());
  for (const auto& [key, e] : overlay_) all.insert(key.owner);
  return std::vector<Name>(all.begin(), all.end());
}

// ---- Batch / diff -------------------------------------------------------------------------

namespace {

// The request of `swaps` (the SOA swap last) and the `asserted` RRsets: the exact old SOA out,
// each asserted RRset out and in again unchanged (Route 53 refuses the DELETE if it differs:
// a presence Route 53 checks inside the batch), DELETEs of the exact stored versions, CREATEs of
// the new ones, the new SOA in (the DELETE is the lock: Route 53 refuses it if the stored set
// differs).
std::vector<r53::Change> changes_of(const std::vector<Batch::Swap>& swaps, const std::vector<RRset::Ptr>& asserted) {
  std::vector<r53::Change> out;
  auto add = [&](r53::Action a, const RRset::Ptr& set) {
    for (const auto& rs : set->stored()) out.push_back(r53::Change{a, rs});
  };
  const Batch::Swap& soa = swaps.back();
  add(r53::Action::kDelete, soa.before);
  for (const auto& set : asserted) {
    add(r53::Action::kDelete, set);
    add(r53::Action::kCreate, set);
  }
  for (size_t i = 0; i + 1 < swaps.size(); ++i)
    if (swaps[i].before) add(r53::Action::kDelete, swaps[i].before);
  for (size_t i = 0; i + 1 < swaps.size(); ++i)
    if (swaps[i].after) add(r53::Action::kCreate, swaps[i].after);
  add(r53::Action::kCreate, soa.after);
  return out;
}

// Fills b with the swaps of `data` and the SOA pair, the assertions, and their size; the change
// list too when `with_changes` (a push of many requests makes each request's list only when it
// is sent; pushes carry no assertions).
void fill_batch(Batch& b, std::vector<Batch::Swap> data, RRset::Ptr soa_before, RRset::Ptr soa_after,
                const std::vector<RRset::Ptr>& asserted = {}, bool with_changes = true) {
  b.new_serial = soa_after->soa_serial();
  Key soa_key{soa_before->owner(), LDNS_RR_TYPE_SOA};
  b.swaps = std::move(data);
  b.swaps.push_back(Batch::Swap{soa_key, std::move(soa_before), std::move(soa_after)});
  b.size = BatchSize{};
  for (const auto& sw : b.swaps) {
    if (sw.before) b.size += sw.before->size();
    if (sw.after) b.size += sw.after->size();
  }
  for (const auto& set : asserted) {
    b.asserted.push_back(set->key());
    b.size += set->size();
    b.size += set->size();
  }
  if (with_changes) b.changes = changes_of(b.swaps, asserted);
}

}  // namespace

std::vector<Name> Batch::names() const {
  std::set<Name> all;
  for (const auto& s : swaps) all.insert(s.key.owner);
  return std::vector<Name>(all.begin(), all.end());
}

std::vector<r53::Change> request_changes(const Batch& b) {
  if (!b.changes.empty() || b.swaps.empty()) return b.changes;
  return changes_of(b.swaps, {});
}

BatchSize size_of_changes(const std::vector<r53::Change>& changes) {
  BatchSize total;
  for (const auto& c : changes) {
    BatchSize s = size_of(c.rrset);
    total += s;
    if (c.action == r53::Action::kUpsert) total += s;  // UPSERT counts twice (route53-api.md §3.8)
  }
  return total;
}

Batch diff(const WorkingCopy& wc) {
  Batch b;
  b.base_generation = wc.base_generation();
  const Mirror& m = wc.base();
  b.old_serial = m.serial();
  b.new_serial = b.old_serial;
  if (!wc.changed()) return b;

  std::vector<Batch::Swap> others;
  for (const auto& [key, e] : wc.overlay_) {
    if (!e.differs || (key.owner == m.apex() && key.type == LDNS_RR_TYPE_SOA)) continue;
    others.push_back(Batch::Swap{key, m.find(key.owner, key.type), e.set});
  }
  std::vector<RRset::Ptr> asserted;
  for (const auto& key : wc.assertions()) asserted.push_back(m.find(key.owner, key.type));
  fill_batch(b, std::move(others), m.find(m.apex(), LDNS_RR_TYPE_SOA), final_soa(wc), asserted);
  return b;
}

RRset::Ptr final_soa(const WorkingCopy& wc) {
  const Mirror& m = wc.base();
  auto it = wc.overlay_.find(Key{m.apex(), LDNS_RR_TYPE_SOA});
  if (it != wc.overlay_.end() && it->second.set) return it->second.set;
  return bumped_soa(m.find(m.apex(), LDNS_RR_TYPE_SOA));
}

std::vector<ChangeGroup> change_groups(const WorkingCopy& wc) {
  std::vector<ChangeGroup> out;
  const Mirror& m = wc.base();
  for (const auto& [key, e] : wc.overlay_) {
    if (!e.differs || (key.owner == m.apex() && key.type == LDNS_RR_TYPE_SOA)) continue;
    if (out.empty() || !(out.back().owner == key.owner)) out.push_back(ChangeGroup{key.owner, {}, {}});
    out.back().size += e.cost;
  }
  return out;
}

std::vector<Batch> diff_in_requests(const WorkingCopy& wc, const std::vector<std::vector<size_t>>& requests,
                                    const std::vector<RRset::Ptr>& soas) {
  const Mirror& m = wc.base();
  std::vector<ChangeGroup> groups = change_groups(wc);
  std::vector<std::vector<Batch::Swap>> by_group(groups.size());
  size_t g = 0;
  for (const auto& [key, e] : wc.overlay_) {
    if (!e.differs || (key.owner == m.apex() && key.type == LDNS_RR_TYPE_SOA)) continue;
    while (!(groups[g].owner == key.owner)) ++g;
    by_group[g].push_back(Batch::Swap{key, m.find(key.owner, key.type), e.set});
  }
  std::vector<Batch> out;
  RRset::Ptr soa_before = m.find(m.apex(), LDNS_RR_TYPE_SOA);
  for (size_t k = 0; k < requests.size(); ++k) {
    Batch b;
    b.base_generation = k == 0 ? wc.base_generation() : 0;
    b.old_serial = soa_before->soa_serial();
    std::vector<Batch::Swap> swaps;
    for (size_t gi : requests[k])
      for (auto& sw : by_group[gi]) swaps.push_back(sw);
    fill_batch(b, std::move(swaps), soa_before, soas[k], {}, /*with_changes=*/false);
    soa_before = soas[k];
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace r53d::zone
