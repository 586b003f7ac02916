// Splitting a zone transfer's push into Route 53 requests.
#include "zone/push_plan.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>

namespace r53d::zone {

namespace {

size_t ceil_div(size_t a, size_t b) { return b == 0 ? (a == 0 ? 0 : SIZE_MAX) : (a + b - 1) / b; }

bool fits_in(const BatchSize& used, const BatchSize& add, const BatchSize& cap) {
  return used.records + add.records <= cap.records && used.chars + add.chars <= cap.chars;
}

// The group's share of the record limit is at least its share of the character limit.
bool record_heavy(const BatchSize& s, const BatchSize& cap) {
  return static_cast<uint64_t>(s.records) * cap.chars >= static_cast<uint64_t>(s.chars) * cap.records;
}

// Removes and returns the first of the next kLookahead groups of q that fits beside `used`.
bool take_fitting(std::deque<size_t>& q, const std::vector<BatchSize>& sizes, const BatchSize& used,
                  const BatchSize& cap, size_t* out) {
  size_t n = std::min(q.size(), kLookahead);
  for (size_t i = 0; i < n; ++i) {
    if (fits_in(used, sizes[q[i]], cap)) {
      *out = q[i];
      q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

}  // namespace

PushPlan plan_push(const std::vector<BatchSize>& sizes, const BatchSize& reserve) {
  PushPlan plan;
  BatchSize cap;
  cap.records = reserve.records < kMaxBatchRecords ? kMaxBatchRecords - reserve.records : 0;
  cap.chars = reserve.chars < kMaxBatchChars ? kMaxBatchChars - reserve.chars : 0;

  std::deque<size_t> by_records, by_chars;  // owner order within each
  for (size_t i = 0; i < sizes.size(); ++i) {
    const BatchSize& s = sizes[i];
    if (s.records > cap.records || s.chars > cap.chars) {
      BatchSize need = s;
      need += reserve;
      plan.too_large.push_back(
          {i, Violation{Rule::kLargerThanRequest,
                        "the changes at this name take " + std::to_string(need.records) + " records and " +
                            std::to_string(need.chars) + " characters with the request's own; one Route 53 request holds " +
                            std::to_string(kMaxBatchRecords) + " and " + std::to_string(kMaxBatchChars)}});
      continue;
    }
    plan.data += s;
    (record_heavy(s, cap) ? by_records : by_chars).push_back(i);
  }
  plan.lower_bound = std::max(ceil_div(plan.data.records, cap.records), ceil_div(plan.data.chars, cap.chars));

  while (!by_records.empty() || !by_chars.empty()) {
    std::vector<size_t> req;
    BatchSize used;
    while (true) {
      // Feed the limit that is less full: records fill faster from record-heavy groups.
      bool want_records = static_cast<uint64_t>(used.records) * cap.chars <=
                          static_cast<uint64_t>(used.chars) * cap.records;
      std::deque<size_t>& first = want_records ? by_records : by_chars;
      std::deque<size_t>& second = want_records ? by_chars : by_records;
      size_t g = 0;
      if (!take_fitting(first, sizes, used, cap, &g) && !take_fitting(second, sizes, used, cap, &g)) break;
      used += sizes[g];
      req.push_back(g);
    }
    // Every queued group fits an empty request, so req is never empty here.
    std::sort(req.begin(), req.end());
    plan.requests.push_back(std::move(req));
  }
  return plan;
}

PushPlan plan_push(const std::vector<ChangeGroup>& groups, const BatchSize& reserve) {
  std::vector<BatchSize> sizes;
  sizes.reserve(groups.size());
  for (const auto& g : groups) sizes.push_back(g.size);
  return plan_push(sizes, reserve);
}

}  // namespace r53d::zone
