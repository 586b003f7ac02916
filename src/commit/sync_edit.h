// A zone transfer's result as an edit of the commit pipeline (edit.h): make Route 53 hold what the
// primary's zone asks for (zone/desired.h), name by name, with the primary's serial — over the
// whole zone (after an AXFR, at start, after a push lock was taken over) or over the names an
// IXFR changed.
//
//   auto report = std::make_shared<commit::SyncReport>();
//   committer.submit(std::make_unique<commit::SyncEdit>(primary, std::nullopt, options, "AXFR serial 12", report),
//                    [report](const commit::EditAnswer& a) { ... report->creates ... });
//
// apply() on a working copy, for each name in scope: the desired RRsets are put, every other
// plain RRset at the name is erased; what desired_at() leaves alone (read-only sets, the apex NS
// set unless configured, the SOA) is not touched. Then the SOA: Route 53's MNAME/RNAME, the
// primary's serial, TTL and timers kept or taken per policy (a push lock's mark never survives).
// It refuses, changing nothing (rcode REFUSED, report->refused set, the reason says the numbers):
//  - a change that deletes or changes more than max_change_percent of the zone's record sets
//    (zones of more than 10; not with force);
//  - a primary zone with nothing besides its SOA and apex NS while Route 53 holds more: never
//    taken as "delete everything", not even with force, whatever the scope (AXFR or IXFR);
//  - a result larger than the hosted zone's record-set quota.
// And it does nothing (rcode SERVFAIL, report->route53_newer) when Route 53 already holds a newer
// serial than the primary's (another writer pushed a later version): the caller checks again; nor
// (SERVFAIL, report->scope_stale) when a scoped edit finds Route 53 at another serial than the one
// its names changed from: the caller compares the whole zone.
// The edit may be applied several times (after a lost compare-and-swap): the report describes the
// last evaluation.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commit/edit.h"
#include "zone/desired.h"
#include "zone/primary_zone.h"

namespace r53d::commit {

struct SyncOptions {
  zone::SyncPolicy policy;
  int max_change_percent = 30;
  bool force = false;               // --sync --force: the change-percent threshold does not apply
  size_t record_set_quota = 10000;  // the hosted zone's MAX_RRSETS_BY_ZONE
  bool want_plan = false;           // fill SyncReport::plan (--sync prints it)
  // With a scope (an IXFR's names): the version those names changed from. The scope is all that
  // differs only while Route 53 holds that serial; when it holds another (an earlier push failed,
  // another writer pushed), apply() changes nothing and sets SyncReport::scope_stale: the caller
  // compares the whole zone instead.
  std::optional<uint32_t> scope_base_serial;
};

// One line of a sync plan.
struct PlanItem {
  enum class Kind { kCreate, kDelete, kChange };
  Kind kind = Kind::kCreate;
  zone::RRset::Ptr before;  // kDelete, kChange
  zone::RRset::Ptr after;   // kCreate, kChange
};

struct SyncReport {
  size_t creates = 0, deletes = 0, changes = 0;  // record sets
  size_t route53_sets = 0;                       // record sets Route 53 held before
  size_t result_sets = 0;                        // ... and would hold after
  bool soa_changes = false;                      // the SOA differs (serial, timers)
  zone::SkipCounts skips;
  std::vector<zone::Skipped> skipped;            // in name order
  size_t ttl_lowered = 0;
  std::vector<std::string> ttl_lowered_text;     // "www.example.com. A: 60 (the primary had 60..300)"
  bool refused = false;                          // a safety rule said no (reason in the answer)
  bool route53_newer = false;
  bool scope_stale = false;                      // see SyncOptions::scope_base_serial
  uint32_t route53_serial = 0;
  std::vector<PlanItem> plan;                    // with SyncOptions::want_plan
};

class SyncEdit final : public Edit {
 public:
  // primary: the primary's zone (shared: it must not change while the edit is queued or in
  // flight). scope: the names to compare, nullopt for every name (the primary's and Route 53's).
  SyncEdit(std::shared_ptr<const zone::PrimaryZone> primary, std::optional<std::vector<zone::Name>> scope,
           SyncOptions options, std::string what, std::shared_ptr<SyncReport> report);

  std::string describe() const override { return what_; }
  EditResult apply(zone::WorkingCopy& wc) override;
  std::vector<zone::Name> names_read(const zone::Name& apex) const override;
  bool reads_whole_zone() const override { return !scope_.has_value(); }
  bool exclusive() const override { return true; }

 private:
  std::shared_ptr<const zone::PrimaryZone> primary_;
  std::optional<std::vector<zone::Name>> scope_;
  SyncOptions options_;
  std::string what_;
  std::shared_ptr<SyncReport> report_;
};

// The fixed per-request reserve desired_at() needs for "RRset larger than one request": the SOA
// pair every request of a push carries, at its largest (10-digit numbers, the longest MNAME and
// RNAME of the zone's SOA text).
zone::BatchSize sync_request_reserve(const zone::RRset& route53_soa);

}  // namespace r53d::commit
