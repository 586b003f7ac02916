// A fixed-bucket histogram of observed values (latencies, sizes), in the shape Prometheus
// exposes: upper bounds chosen up front, a count per bucket, the sum and the count.
//
//   Histogram h(kLatencyBoundsS);           // {0.005, 0.01, ..., 30}: upper bounds, ascending
//   h.observe(0.042);
//   h.bucket_counts();                      // per bucket (not cumulative); one more for +Inf
//
// Pure bookkeeping: no clock, no locking (the daemon has one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace r53d {

class Histogram {
 public:
  Histogram() = default;
  // bounds: upper bounds of the buckets, ascending; a last bucket (+Inf) is added.
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

  void observe(double v) {
    if (counts_.empty()) counts_.assign(bounds_.size() + 1, 0);
    size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;  // Prometheus buckets are "le": v <= bound
    ++counts_[i];
    sum_ += v;
    ++count_;
  }

  const std::vector<double>& bounds() const { return bounds_; }
  // One count per bound, then the +Inf bucket; not cumulative.
  const std::vector<uint64_t>& bucket_counts() const { return counts_; }
  double sum() const { return sum_; }
  uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Bucket bounds used across route53d, so that dashboards can rely on them.
inline const std::vector<double>& latency_bounds_s() {  // one API request
  static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return b;
}
inline const std::vector<double>& insync_bounds_s() {  // a change from PENDING to INSYNC
  static const std::vector<double> b = {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600};
  return b;
}
inline const std::vector<double>& batch_records_bounds() {  // records in one change request
  static const std::vector<double> b = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
  return b;
}

}  // namespace r53d
