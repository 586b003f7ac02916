// Route53Client::operation_name: the operation label of /metrics for each request the client sends.
#include <gtest/gtest.h>

#include "r53/api.h"

namespace r53d::r53 {
namespace {

TEST(Route53ClientMetrics, OperationNames) {
  EXPECT_EQ(Route53Client::operation_name("POST", "/hostedzone/Z1/rrset/"), "ChangeResourceRecordSets");
  EXPECT_EQ(Route53Client::operation_name("GET", "/hostedzone/Z1/rrset"), "ListResourceRecordSets");
  EXPECT_EQ(Route53Client::operation_name("GET", "/hostedzone/Z1"), "GetHostedZone");
  EXPECT_EQ(Route53Client::operation_name("GET", "/hostedzone"), "ListHostedZones");
  EXPECT_EQ(Route53Client::operation_name("GET", "/hostedzonesbyname"), "ListHostedZonesByName");
  EXPECT_EQ(Route53Client::operation_name("GET", "/change/C1"), "GetChange");
}

}  // namespace
}  // namespace r53d::r53
