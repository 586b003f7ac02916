// Splitting a change too large for one Route 53 request into several, for a zone transfer's push
// (DESIGN.md "One commit pipeline, two sources"). The caller groups the changes by owner name (a
// group holds the exact DELETEs and the CREATEs of every changed RRset of ONE name, so that a CNAME
// replacing other data, or the other way round, is never split) and adds to every request a fixed
// reserve (its SOA DELETE + CREATE pair, a lock record). Pure: no I/O, same plan for the same input.
//
//   std::vector<zone::ChangeGroup> groups = ...;               // in owner order
//   zone::PushPlan plan = zone::plan_push(groups, soa_pair_size);
//   for (const auto& t : plan.too_large) skip(groups[t.group].owner, t.why);   // kLargerThanRequest
//   for (const auto& req : plan.requests) {                    // data first, the SOA last
//     changes = the changes of groups[i] for i in req, then the SOA pair; send; wait; next
//   }
//
// Packing: two limits per request (kMaxBatchRecords ResourceRecord elements, kMaxBatchChars Value
// characters) minus the reserve. Groups are split into record-heavy and character-heavy ones (by
// their share of each limit), each kept in owner order; a request is filled from the queue that
// balances its two fills, taking the first group that fits among the next kLookahead of a queue,
// and closed when nothing fits. On a 100,000-record mixed zone this comes within 1% of the lower
// bound max(ceil(records / records_cap), ceil(chars / chars_cap)) (push_plan_test.cc measures it).
#pragma once

#include <cstddef>
#include <vector>

#include "r53/model.h"
#include "zone/name.h"
#include "zone/route53_rules.h"
#include "zone/rrset.h"

namespace r53d::zone {

// The changes at one owner name, all or none of which go in a request.
struct ChangeGroup {
  Name owner;
  std::vector<r53::Change> changes;  // DELETEs of the exact stored versions, then CREATEs
  BatchSize size;                    // size_of_changes(changes) (zone/mirror.h)
};

struct PushPlan {
  // Each request: indices of groups, ascending. Every group that fits is in exactly one request;
  // each request's groups plus the reserve fit within kMaxBatchRecords and kMaxBatchChars.
  std::vector<std::vector<size_t>> requests;
  // Groups that alone, beside the reserve, exceed one request: in no request.
  struct TooLarge {
    size_t group = 0;
    Violation why;  // Rule::kLargerThanRequest
  };
  std::vector<TooLarge> too_large;
  BatchSize data;          // total size of the planned groups (reserve not included)
  size_t lower_bound = 0;  // fewest requests that could carry `data`, each beside the reserve
};

// How many groups ahead of a queue's head a request looks for one that fits.
inline constexpr size_t kLookahead = 32;

PushPlan plan_push(const std::vector<ChangeGroup>& groups, const BatchSize& reserve);
// The same from the groups' sizes alone.
PushPlan plan_push(const std::vector<BatchSize>& sizes, const BatchSize& reserve);

}  // namespace r53d::zone
