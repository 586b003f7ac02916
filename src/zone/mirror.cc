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

Status Mirror::reload_zone(const std::vector<r53::RecordSet>& sets) {
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
  return Status();
}

Status Mirror::reload_names(const std::vector<Name>& names, const std::vector<r53::RecordSet>& sets) {
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
  for (auto it = next.begin(); it != next.end();) {
    if (wanted.count(it->first.owner))
      it = next.erase(it);
    else
      ++it;
  }
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
  ++generation_;
  return Status();
}

// ---- WorkingCopy --------------------------------------------------------------------------

WorkingCopy::WorkingCopy(const Mirror& base) : base_(&base), base_generation_(base.generation()) {}

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

void WorkingCopy::put(RRset::Ptr set) {
  Key key = set->key();
  assign(key, std::move(set));
}

void WorkingCopy::erase(const Name& owner, uint16_t type) { assign(Key{owner, type}, nullptr); }

void WorkingCopy::rollback(Mark m) {
  if (stale_.size() > m.stale_size) stale_.resize(m.stale_size);
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
  if (!soa_differs_) {
    // The serial bump: exact old SOA out, SOA with serial + 1 in.
    const RRset& old = base_->soa();
    s += old.size();
    auto next = soa_with_serial(old, dns::serial_next(old.soa_serial()));
    s += next.ok() ? (*next)->size() : old.size();
  }
  return s;
}

std::vector<Name> WorkingCopy::names_to_reload() const {
  std::set<Name> all = read_;
  all.insert(apex());
  for (const auto& [key, e] : overlay_) all.insert(key.owner);
  return std::vector<Name>(all.begin(), all.end());
}

// ---- Batch / diff -------------------------------------------------------------------------

std::vector<Name> Batch::names() const {
  std::set<Name> all;
  for (const auto& s : swaps) all.insert(s.key.owner);
  return std::vector<Name>(all.begin(), all.end());
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

  const Key soa_key{m.apex(), LDNS_RR_TYPE_SOA};
  Batch::Swap soa_swap{soa_key, m.find(m.apex(), LDNS_RR_TYPE_SOA), nullptr};
  std::vector<Batch::Swap> others;
  for (const auto& [key, e] : wc.overlay_) {
    if (!e.differs) continue;
    if (key == soa_key) {
      soa_swap.after = e.set;
      continue;
    }
    others.push_back(Batch::Swap{key, m.find(key.owner, key.type), e.set});
  }
  if (!soa_swap.after) {
    auto next = soa_with_serial(*soa_swap.before, dns::serial_next(b.old_serial));
    soa_swap.after = next.ok() ? *next : soa_swap.before;  // cannot fail: load checked the SOA
  }
  b.new_serial = soa_swap.after->soa_serial();

  auto add = [&](r53::Action a, const RRset::Ptr& set) {
    for (const auto& rs : set->stored()) b.changes.push_back(r53::Change{a, rs});
  };
  add(r53::Action::kDelete, soa_swap.before);
  for (const auto& s : others)
    if (s.before) add(r53::Action::kDelete, s.before);
  for (const auto& s : others)
    if (s.after) add(r53::Action::kCreate, s.after);
  add(r53::Action::kCreate, soa_swap.after);

  b.swaps = std::move(others);
  b.swaps.push_back(std::move(soa_swap));
  b.size = size_of_changes(b.changes);
  return b;
}

}  // namespace r53d::zone
