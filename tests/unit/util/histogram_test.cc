// util/histogram.h: "le" buckets, sum and count.
#include "util/histogram.h"

#include <gtest/gtest.h>

namespace r53d {
namespace {

TEST(Histogram, ValuesGoToTheFirstBucketTheyDoNotExceed) {
  Histogram h({1, 10});
  h.observe(1);     // le="1"
  h.observe(1.5);   // le="10"
  h.observe(10);    // le="10"
  h.observe(11);    // +Inf
  EXPECT_EQ(h.bucket_counts(), (std::vector<uint64_t>{1, 2, 1}));
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.sum(), 23.5);
}

TEST(Histogram, DefaultBoundsAscend) {
  for (const auto* b : {&latency_bounds_s(), &insync_bounds_s(), &batch_records_bounds()})
    for (size_t i = 1; i < b->size(); ++i) EXPECT_LT((*b)[i - 1], (*b)[i]);
}

}  // namespace
}  // namespace r53d
