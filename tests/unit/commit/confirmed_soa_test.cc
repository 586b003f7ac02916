// Tests for the confirmed-serial bookkeeping (src/commit/confirmed_soa.h), including batches
// without a change ID (found applied after their reply was lost).
#include "commit/confirmed_soa.h"

#include <gtest/gtest.h>

#include "tests/unit/zone/fixture.h"
#include "zone/mirror.h"

namespace r53d::commit {
namespace {

zone::RRset::Ptr soa(uint32_t serial) {
  auto set = zone::RRset::from_stored({testing::rs(
      "example.com.", "SOA", 900,
      {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. " + std::to_string(serial) + " 7200 900 1209600 86400"})});
  EXPECT_TRUE(set.ok());
  return *set;
}

TEST(ConfirmedSoa, InsyncConfirmsTheChangeAndEveryOlderOne) {
  ConfirmedSoa c(soa(100));
  c.accepted("/change/C1", soa(101));
  c.accepted("/change/C2", soa(102));
  EXPECT_EQ(c.serial(), 100u);
  EXPECT_EQ(c.newest_pending(), "/change/C2");
  EXPECT_TRUE(c.insync("C2"));
  EXPECT_EQ(c.serial(), 102u);
  EXPECT_FALSE(c.insync("/change/C1")) << "already confirmed through C2";
  EXPECT_EQ(c.pending(), 0u);
}

TEST(ConfirmedSoa, LostReplyBatchWaitsForALaterInsync) {
  ConfirmedSoa c(soa(100));
  c.accepted("/change/C1", soa(101));
  c.accepted("", soa(102));  // landed, reply lost: no ID
  EXPECT_EQ(c.newest_pending(), "/change/C1") << "an empty ID is never polled";
  EXPECT_FALSE(c.insync("")) << "nothing can report an unknown change INSYNC";
  EXPECT_EQ(c.serial(), 100u);
  EXPECT_TRUE(c.insync("/change/C1"));
  EXPECT_EQ(c.serial(), 101u) << "the ID-less batch is newer than C1: not confirmed by it";
  EXPECT_EQ(c.pending(), 1u);
  EXPECT_EQ(c.newest_pending(), "");
  c.accepted("/change/C3", soa(103));
  EXPECT_TRUE(c.insync("C3"));
  EXPECT_EQ(c.serial(), 103u);
  EXPECT_EQ(c.pending(), 0u);
}

TEST(ConfirmedSoa, LostReplyBatchAloneIsNeverConfirmed) {
  ConfirmedSoa c(soa(100));
  c.accepted("", soa(101));
  EXPECT_EQ(c.newest_pending(), "");
  EXPECT_FALSE(c.insync(""));
  EXPECT_EQ(c.serial(), 100u);
}

}  // namespace
}  // namespace r53d::commit
