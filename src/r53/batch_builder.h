// Splits a list of record-set changes into ChangeResourceRecordSets requests that fit the limits.
//
// Route 53 limits one request to 1,000 ResourceRecord elements and 32,000 characters of Value
// text, UPSERT counting twice (route53-api.md §3.8, quirk 10). The builder
//   - keeps every change for one name in the same request (a name's changes are applied
//     atomically, and a DELETE + CREATE of one rrset must travel together),
//   - puts that name's DELETEs before its CREATEs/UPSERTs (otherwise order is kept),
//   - uses the fewest requests it can: when names are small against the limits, the count is
//     lower_bound() or lower_bound() + 1 (balanced bin packing; first-fit decreasing otherwise),
//   - refuses, with kResourceExhausted, a name whose changes can never fit one request, rather
//     than splitting it silently.
//
//   auto reqs = r53::build_batches(changes);          // default limits
//   if (!reqs.ok()) return reqs.status();              // "...needs 1200 ResourceRecord elements..."
//   for (auto& changes : *reqs) client.change_rrsets(zone, {.changes = changes}, cb);
#pragma once

#include <cstddef>
#include <vector>

#include "r53/model.h"
#include "util/status.h"

namespace r53d::r53 {

struct BatchLimits {
  size_t max_elements = 1000;      // ResourceRecord elements per request (alias sets count 1)
  size_t max_value_chars = 32000;  // characters of all Value elements per request
};

struct BatchCost {
  size_t elements = 0;
  size_t chars = 0;  // bytes of the Value texts (an upper bound of Route 53's character count)
  BatchCost& operator+=(const BatchCost& o) {
    elements += o.elements;
    chars += o.chars;
    return *this;
  }
  bool fits(const BatchLimits& l) const {
    return elements <= l.max_elements && chars <= l.max_value_chars;
  }
};

// What one change counts against the limits: values (alias: 1 element, no characters),
// doubled for UPSERT.
BatchCost change_cost(const Change& c);
BatchCost total_cost(const std::vector<Change>& changes);

// max(ceil(elements / max_elements), ceil(chars / max_value_chars)); 0 for no changes.
size_t lower_bound_requests(const BatchCost& total, const BatchLimits& limits = {});

// The requests, in order: each a list of changes, grouped by name as described above. The
// names are compared in Route 53's stored form (case and escapes normalised).
// Errors: kResourceExhausted naming the first name that cannot fit one request.
Result<std::vector<std::vector<Change>>> build_batches(const std::vector<Change>& changes,
                                                       const BatchLimits& limits = {});

}  // namespace r53d::r53
