// The in-memory mirror of one Route 53 hosted zone, working copies on top of it, and the
// compare-and-swap change batch that turns a working copy into one ChangeResourceRecordSets call.
//
// Life cycle (what src/commit/ does for each group commit):
//
//   auto mirror = zone::Mirror::load(apex, all_record_sets);          // every page of
//   if (!mirror.ok()) ...                                              // ListResourceRecordSets
//
//   zone::WorkingCopy wc(*mirror);                  // cheap: an empty overlay
//   for (auto& u : queued_updates) {                // arrival order
//     auto mark = wc.mark();
//     update::Outcome o = update::apply(u.pkt, u.grant, wc);   // later UPDATEs see earlier ones
//     if (o.rcode != LDNS_RCODE_NOERROR) { answer(u, o.rcode); continue; }  // wc already rolled back
//     if (!wc.size().fits()) { wc.rollback(mark); break; }     // u waits for the next batch
//     u.in_batch = true;
//   }
//   zone::Batch batch = zone::diff(wc);            // exact DELETEs + CREATEs + SOA serial bump
//   if (batch.empty()) { answer NOERROR to all; }  // nothing changed: no API call, no bump
//   send ChangeResourceRecordSets(batch.changes):
//     accepted (200) -> mirror->commit(batch); answer NOERROR; poll GetChange for batch.new_serial
//     InvalidChangeBatch "values provided do not match" / "not found" / "already exists"
//                    -> compare-and-swap lost: re-read every name of wc.names_to_reload() with
//                       ListResourceRecordSets, mirror->reload_names(names, sets), start again
//                       with a fresh WorkingCopy (never answer from the stale view)
//
// Freshness: the mirror is a compare-and-swap view only where it is consistent with its SOA. After
// load() or a whole-zone reload every name is "fresh": read while Route 53's SOA was the mirror's
// SOA (the SOA is on the first page of every read, since Route 53 lists the apex first; whatever
// changed after that read bumped the SOA and makes the next batch lose its compare-and-swap). A
// partial re-read (reload_names) that finds another SOA leaves only the names it read fresh: the
// others may hold what another writer changed since. A batch DELETEs the exact old version of what
// it writes, but what an UPDATE only reads (a prerequisite on another name, the CNAME check of
// an add) is locked by the SOA alone, so an UPDATE that reads a name that is not fresh must not be
// evaluated until that name is re-read (WorkingCopy::read_stale_since; the group commit does it).
//
// A working copy refers to its mirror, which must outlive it and must not change while it is in
// use (commit/reload_names bump Mirror::generation(); Mirror::commit refuses a batch built on an
// older generation). Nothing here calls back or blocks; no method throws except on allocation
// failure.
//
// Writers that do not go through route53d (the console, Terraform, the AWS CLI) change RRsets
// without touching the SOA, so the SOA compare-and-swap does not see them (DESIGN.md "Writers that
// do not go through route53d"). An edit tells the working copy what its answer rests on (rely_*):
// the presence of an RRset (its exact version) is asserted inside the batch — diff() adds an
// identical DELETE + CREATE of it unless the batch already DELETEs or replaces that exact version
// — and costs nothing more; an absence (of an RRset, or of any RRset at a name) holds only if the
// batch CREATEs that very RRset, otherwise the name must have been read from Route 53 after the
// edit arrived (unasserted_since; Mirror::read_stamp says when each name was last read). A failed
// edit sends no batch: everything its answer read must be read after it arrived.
//
// Route 53 rules kept here, whatever the edit (DESIGN.md "One commit pipeline, two sources"):
// WorkingCopy::put and erase refuse (kPermissionDenied, with the reason) to change a read-only
// RRset (alias, routing policy, ...; see rrset.h) or to write one, a type Route 53 cannot hold,
// the apex NS set (unless WriteRules::apex_ns), the SOA's owner, MNAME or RNAME, the SOA's
// existence, NS at a wildcard name, or a CNAME at the apex. So no source can put into a batch
// what route53d must not change; read-only RRsets never appear in a batch.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "r53/model.h"
#include "util/status.h"
#include "zone/push_plan.h"
#include "zone/rrset.h"

namespace r53d::zone {

class Batch;

class Mirror {
 public:
  // Builds the mirror of the zone `apex` from every RecordSet ListResourceRecordSets returned.
  // Sets sharing a name and type (routing-policy groups) become one read-only RRset.
  // kInvalidArgument: a name outside the zone, a bad name or type, the same (name, type,
  // SetIdentifier) twice, or no simple SOA RRset with 7 fields at the apex.
  static Result<Mirror> load(const Name& apex, std::vector<r53::RecordSet> sets);

  const Name& apex() const { return apex_; }
  // The RRset at (owner, type), or nullptr.
  RRset::Ptr find(const Name& owner, uint16_t type) const;
  // Every RRset owned by `owner` (any order is by type number).
  std::vector<RRset::Ptr> at_name(const Name& owner) const;
  bool has_name(const Name& owner) const;
  // `name` owns an RRset or is an empty non-terminal (a name with none whose descendants have
  // some; RFC 8020: NODATA, not NXDOMAIN). O(log n): the mirror counts, for every name strictly
  // between an owner and the apex, the owners below it.
  bool name_exists(const Name& name) const;
  // Every owner name with at least one RRset, each once.
  std::vector<Name> names() const;
  size_t rrset_count() const { return sets_.size(); }
  // The apex SOA (always present) and its serial.
  const RRset& soa() const { return *soa_; }
  uint32_t serial() const { return soa_->soa_serial(); }
  // Incremented by every successful commit and reload_names.
  uint64_t generation() const { return generation_; }
  // `owner` was read while Route 53's SOA was the mirror's SOA (see "Freshness" above); every
  // name is after load() and reload_zone().
  bool is_fresh(const Name& owner) const { return all_fresh_ || fresh_.count(owner) > 0; }
  bool all_fresh() const { return all_fresh_; }
  // The stamp of the last read from Route 53 that covered `owner` (the caller's counter, given to
  // load_stamp/reload_*; 0: none since load). A read stamped after an edit arrived shows Route 53
  // as it was after that arrival.
  uint64_t read_stamp(const Name& owner) const;
  // Every read stamp is at least `stamp` (the whole zone was read when the caller's counter said so).
  void set_zone_stamp(uint64_t stamp) { zone_stamp_ = std::max(zone_stamp_, stamp); }
  // Incremented by every reload_names/reload_zone that found an RRset differing from the mirror's
  // (another writer changed the zone): tells "the zone changed behind route53d" from "nothing
  // changed" after a re-read.
  uint64_t foreign_changes() const { return foreign_changes_; }

  // Applies a batch Route 53 accepted (HTTP 200). kFailedPrecondition, mirror unchanged, if the
  // batch was built on another generation or does not start from the mirror's current RRsets.
  // An empty batch is a no-op.
  Status commit(const Batch& batch);

  // Replaces every RRset owned by one of `names` with what a fresh read returned (`sets`; sets of
  // other names are ignored, so a ListResourceRecordSets page that runs past the name may be
  // passed as is). A name absent from `sets` ends up with no RRset. kInvalidArgument, mirror
  // unchanged, for bad sets or an apex left without a simple SOA. The names become fresh; if the
  // apex was read and its SOA differs from the mirror's, every other name stops being fresh.
  // The read must have started with the apex (Route 53 order does), so that nothing in `sets`
  // is older than the SOA in it.
  // `stamp` (when not 0) becomes the read stamp of every name in `names`.
  Status reload_names(const std::vector<Name>& names, const std::vector<r53::RecordSet>& sets,
                      uint64_t stamp = 0);
  // Replaces the whole mirror with a fresh read of every page; every name becomes fresh.
  Status reload_zone(const std::vector<r53::RecordSet>& sets, uint64_t stamp = 0);

 private:
  Mirror() = default;
  Status check_soa();
  // The strict ancestors of `owner` below the apex, as canonical wire suffixes.
  std::vector<std::string> between_apex(const Name& owner) const;
  void count_owner(const Name& owner, int delta);
  void recount_owners();
  Name apex_;
  std::map<Key, RRset::Ptr> sets_;
  RRset::Ptr soa_;
  uint64_t generation_ = 0;
  bool all_fresh_ = true;
  std::set<Name> fresh_;  // when !all_fresh_: the names read since the SOA last moved
  uint64_t zone_stamp_ = 0;                     // floor of every read stamp
  std::map<Name, uint64_t> read_stamps_;        // names read since (above the floor)
  uint64_t foreign_changes_ = 0;
  // Wire form of each empty-or-not interior name (strictly between an owner and the apex) ->
  // number of owner names below it; an entry is gone when its count drops to 0.
  std::unordered_map<std::string, uint32_t> below_;
};

// Groups RecordSets by (name, type) into RRsets (helper of load and reload_names).
Result<std::map<Key, RRset::Ptr>> group_record_sets(std::vector<r53::RecordSet> sets);

// What a working copy may change beyond the data Route 53 lets anyone write (see the top).
struct WriteRules {
  bool apex_ns = false;  // the apex NS set may be written (secondary zones with apex-ns = primary)
};

// An overlay on a Mirror where UPDATEs are applied in order. Reads see the overlay first, then
// the mirror. Every change can be undone back to a mark (an UPDATE that fails half-way leaves
// nothing behind; the group commit drops an UPDATE that makes the batch too big).
class WorkingCopy {
 public:
  explicit WorkingCopy(const Mirror& base, WriteRules rules = {});

  const Mirror& base() const { return *base_; }
  const WriteRules& rules() const { return rules_; }
  const Name& apex() const { return base_->apex(); }
  uint64_t base_generation() const { return base_generation_; }

  // Reads (recorded: see names_to_reload).
  RRset::Ptr find(const Name& owner, uint16_t type) const;
  std::vector<RRset::Ptr> at_name(const Name& owner) const;
  // At least one RRset at owner (an empty non-terminal is not "in use", RFC 2136 §2.4.4).
  bool name_in_use(const Name& owner) const;
  const RRset& soa() const;
  uint32_t serial() const { return soa().soa_serial(); }

  // Writes. put replaces the RRset of set->key() (set must be non-null); erase removes one.
  // kPermissionDenied (nothing written) for what the rules at the top of this file forbid,
  // kInvalidArgument for an owner outside the zone.
  [[nodiscard]] Status put(RRset::Ptr set);
  [[nodiscard]] Status erase(const Name& owner, uint16_t type);

  // What the answer of the edit being applied rests on in Route 53 (see the top). type ANY: the
  // name as a whole (in use / not in use). Recorded whatever the outcome; undone by rollback.
  void rely_present(const Key& key);
  void rely_absent(const Key& key);
  // Off: rely_* record nothing (the mirror is trusted; no assertion, no read). On by default.
  void track_reliances(bool on) { track_ = on; }
  // The RRsets diff() asserts (identical DELETE + CREATE): relied on, present in the mirror,
  // writable, and not changed by the batch.
  std::vector<Key> assertions() const;

  struct Mark {
    size_t undo_size = 0;
    size_t stale_size = 0;
    size_t relied_size = 0;
    size_t creates_size = 0;
  };
  Mark mark() const { return Mark{undo_.size(), stale_.size(), relied_.size(), relied_creates_.size()}; }
  // The names that what was applied since m rests on and that the batch cannot assert: they must
  // have been read from Route 53 after the edit arrived. `no_batch`: the edit failed or changed
  // nothing so far, so no batch may carry its assertions (everything it read from the mirror
  // counts). Otherwise the absences it relied on that the batch CREATEs are remembered, and
  // creates_hold() says whether the batch still CREATEs them all.
  std::vector<Name> unasserted_since(Mark m, bool no_batch);
  bool creates_hold() const;

  // Undoes every write made after m (and forgets the stale reads made after it).
  void rollback(Mark m);
  // Since m, something read a name the mirror does not vouch for (Mirror::is_fresh): what was
  // decided after m may rest on data another writer has changed. The caller rolls back to m and
  // re-reads those names first.
  bool read_stale_since(Mark m) const { return stale_.size() > m.stale_size; }

  // diff(*this) would not be empty.
  bool changed() const { return differing_ > 0; }
  // Exactly diff(*this).size, computed without building the batch (O(1) plus the SOA value).
  BatchSize size() const;
  // Every owner name read or written so far, plus the apex: what to re-read when the batch
  // built from this copy loses its compare-and-swap.
  std::vector<Name> names_to_reload() const;

 private:
  friend Batch diff(const WorkingCopy& wc);
  friend std::vector<ChangeGroup> change_groups(const WorkingCopy& wc);
  friend RRset::Ptr final_soa(const WorkingCopy& wc);
  friend std::vector<Batch> diff_in_requests(const WorkingCopy& wc, const std::vector<std::vector<size_t>>& requests,
                                             const std::vector<RRset::Ptr>& soas);
  struct Entry {
    RRset::Ptr set;     // nullptr: erased
    bool differs = false;
    BatchSize cost;     // DELETE of the mirror's version + CREATE of this one, when differs
  };
  void assign(const Key& key, RRset::Ptr set);
  Entry make_entry(const Key& key, RRset::Ptr set) const;
  void account(const Entry& e, bool add);
  void note_read(const Name& owner) const {
    read_.insert(owner);
    if (!base_->is_fresh(owner)) stale_.push_back(owner);
  }

  Status check_write(const Key& key, const RRset* set) const;

  const Mirror* base_;
  uint64_t base_generation_;
  WriteRules rules_;
  std::map<Key, Entry> overlay_;
  struct Undo {
    Key key;
    std::optional<Entry> before;  // nullopt: the key was not in the overlay
  };
  std::vector<Undo> undo_;
  BatchSize cost_;       // sum of cost over differing entries
  size_t differing_ = 0;
  bool soa_differs_ = false;
  mutable std::set<Name> read_;
  mutable std::vector<Name> stale_;  // reads of names that are not fresh, in order
  struct Reliance {
    bool present = false;
    Key key;              // type ANY: the whole name
    bool overlaid = false;  // the overlay decided it when it was read (an earlier edit's write)
  };
  bool overlay_differs(const Key& key) const;
  bool overlay_differs_at(const Name& owner) const;
  bool track_ = true;
  std::vector<Reliance> relied_;       // in order; rollback truncates
  std::vector<Key> relied_creates_;    // absences the batch asserts by CREATE
};

// One compare-and-swap change batch: the body of one ChangeResourceRecordSets request.
class Batch {
 public:
  struct Swap {
    Key key;
    RRset::Ptr before;  // the mirror's RRset, nullptr if none
    RRset::Ptr after;   // the new RRset, nullptr if deleted
  };

  bool empty() const { return swaps.empty(); }
  // Distinct owner names the batch writes (always includes the apex when not empty).
  std::vector<Name> names() const;

  // In request order: the DELETE of the exact old SOA, DELETEs of the exact stored version of
  // every changed RRset, CREATEs of the new versions, the CREATE of the new SOA. (An RRset that
  // is replaced appears as DELETE + CREATE: the DELETE is the lock, Route 53 refuses it if the
  // stored set differs.) Left empty by diff_in_requests (a push keeps one copy of its data, in
  // the swaps): request_changes() makes it when the request is sent.
  std::vector<r53::Change> changes;
  std::vector<Swap> swaps;        // what commit() applies to the mirror, SOA included
  std::vector<Key> asserted;      // RRsets asserted by an identical DELETE + CREATE (unchanged)
  uint32_t old_serial = 0;        // serial of the mirror's SOA
  uint32_t new_serial = 0;        // serial after the batch (old + 1, or what an UPDATE set)
  BatchSize size;                 // == size_of_changes(changes)
  uint64_t base_generation = 0;
};

// The batch that turns the mirror into the working copy: for each RRset that differs, a DELETE
// of its exact stored version and/or a CREATE of the new one, for each of wc.assertions() an
// identical DELETE + CREATE (right after the SOA's DELETE), plus the SOA pair: the exact old
// SOA out and the SOA with serial + 1 (RFC 1982, never 0) in — unless the working copy's SOA
// already differs (an UPDATE set a higher serial, a transfer the primary's), in which case that
// SOA goes in. An SOA put unchanged into the working copy (a transfer whose serial Route 53
// already holds) is kept: the pair is then an identical DELETE + CREATE, the lock alone. Empty
// when the working copy's data equals the mirror (no call, no serial bump). A bumped SOA never
// keeps the push lock's mark (soa.h): taking over a lock ends it.
Batch diff(const WorkingCopy& wc);

// The same change split into several requests (a push larger than one request, DESIGN.md "The
// push lock"). change_groups() lists the owner names whose RRsets differ (the SOA excluded), in
// name order, each with the cost of its DELETEs and CREATEs (`changes` left empty: plan_push needs
// the sizes only); `requests` assigns every group to one request (indices into change_groups(),
// each exactly once: zone/push_plan.h); soas[k] is the SOA request k leaves (the lock marks, then
// the final SOA: soas.size() == requests.size()). Request k swaps soas[k-1] (the mirror's SOA for
// k = 0) for soas[k]. The first batch has the working copy's base generation; the caller sets each
// later one's base_generation after committing the one before.
std::vector<ChangeGroup> change_groups(const WorkingCopy& wc);
std::vector<Batch> diff_in_requests(const WorkingCopy& wc, const std::vector<std::vector<size_t>>& requests,
                                    const std::vector<RRset::Ptr>& soas);
// The SOA the working copy leaves (one put into it, even unchanged; else the mirror's with
// serial + 1, as diff() makes it).
RRset::Ptr final_soa(const WorkingCopy& wc);

// The changes of the request `b` stands for: b.changes, or made from its swaps in the same order.
std::vector<r53::Change> request_changes(const Batch& b);

// The cost of a change list against the per-request limits (kMaxBatchRecords,
// kMaxBatchChars): every DELETE and CREATE counted (an UPSERT would count twice).
BatchSize size_of_changes(const std::vector<r53::Change>& changes);

}  // namespace r53d::zone
