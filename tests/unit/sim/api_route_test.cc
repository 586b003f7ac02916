// Tests of route53-sim's REST routing and error bodies.
#include "sim/api.h"

#include <gtest/gtest.h>

namespace r53d::sim {
namespace {

TEST(SimRoute, MapsEveryOperation) {
  struct Case {
    const char* method;
    const char* path;
    const char* op;
    const char* id;
  };
  const Case cases[] = {
      {"POST", "/2013-04-01/hostedzone", "CreateHostedZone", ""},
      {"GET", "/2013-04-01/hostedzone", "ListHostedZones", ""},
      {"GET", "/2013-04-01/hostedzone/", "ListHostedZones", ""},
      {"GET", "/2013-04-01/hostedzonesbyname", "ListHostedZonesByName", ""},
      {"GET", "/2013-04-01/hostedzone/Z1ABC", "GetHostedZone", "Z1ABC"},
      {"DELETE", "/2013-04-01/hostedzone/Z1ABC", "DeleteHostedZone", "Z1ABC"},
      {"POST", "/2013-04-01/hostedzone/Z1ABC/rrset/", "ChangeResourceRecordSets", "Z1ABC"},
      {"POST", "/2013-04-01/hostedzone/Z1ABC/rrset", "ChangeResourceRecordSets", "Z1ABC"},
      {"GET", "/2013-04-01/hostedzone/Z1ABC/rrset", "ListResourceRecordSets", "Z1ABC"},
      {"GET", "/2013-04-01/hostedzone/Z1ABC/rrset/", "ListResourceRecordSets", "Z1ABC"},
      {"GET", "/2013-04-01/change/C2XYZ", "GetChange", "C2XYZ"},
  };
  for (const auto& c : cases) {
    Route r = route(c.method, c.path);
    EXPECT_TRUE(r.ok()) << c.path;
    EXPECT_EQ(r.op, c.op) << c.method << " " << c.path;
    EXPECT_EQ(r.id, c.id) << c.path;
  }
}

TEST(SimRoute, UnknownPathsAndMethods) {
  EXPECT_EQ(route("GET", "/").op, "Unknown");
  EXPECT_EQ(route("GET", "/2012-12-12/hostedzone").op, "Unknown");
  EXPECT_EQ(route("GET", "/2013-04-01/hostedzone/hostedzone/Z1/rrset").op, "Unknown");
  Route r = route("PUT", "/2013-04-01/hostedzone/Z1");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_status, 405);
}

TEST(SimErrorBody, HasTheStandardShape) {
  std::string b = error_body(400, "Throttling", "Rate exceeded", "rid-1");
  EXPECT_EQ(b,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error>"
            "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
            "<RequestId>rid-1</RequestId></ErrorResponse>");
  EXPECT_NE(error_body(503, "ServiceUnavailable", "x", "r").find("<Type>Receiver</Type>"),
            std::string::npos);
  EXPECT_NE(error_body(400, "InvalidChangeBatch", "[a <b> & c]", "r").find("[a &lt;b&gt; &amp; c]"),
            std::string::npos);
}

}  // namespace
}  // namespace r53d::sim
