// Tests of route53-sim's API layer: Store calls rendered as Route 53 XML (element order,
// status codes, Location, ErrorResponse), with a real Store and no sockets.
#include "sim/api.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace r53d::sim {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class SimApi : public ::testing::Test {
 protected:
  SimApi() : store_(StoreOptions{.insync_after_ms = 1000, .seed = 1}), api_(store_) {
    CreateZoneRequest cz;
    cz.name = "example.com";
    cz.caller_reference = "r";
    cz.id = "ZAPITEST";
    EXPECT_TRUE(store_.create_hosted_zone(cz, kNow).ok());
  }
  ApiResponse call(const char* method, const char* path, std::string body = {},
                   r53::QueryList query = {}) {
    ApiRequest req;
    req.body = std::move(body);
    req.query = std::move(query);
    req.host = "127.0.0.1:8053";
    req.request_id = "rid";
    req.now_ms = kNow;
    return api_.handle(route(method, path), req);
  }
  // Names of the root's child elements, in order.
  static std::string children(const std::string& xml) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
    std::string out;
    for (pugi::xml_node n : doc.document_element().children()) out += std::string(n.name()) + ",";
    return out;
  }
  Store store_;
  Api api_;
};

const char* kCreateZone =
    "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
    "<Name>other.example</Name><CallerReference>ref-2</CallerReference>"
    "<HostedZoneConfig><Comment>hi</Comment></HostedZoneConfig></CreateHostedZoneRequest>";

TEST_F(SimApi, CreateHostedZoneAnswers201WithLocation) {
  ApiResponse r = call("POST", "/2013-04-01/hostedzone", kCreateZone);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.state_changed);
  EXPECT_EQ(r.location, "http://127.0.0.1:8053/2013-04-01/hostedzone/" + r.zone_id);
  EXPECT_EQ(children(r.body), "HostedZone,ChangeInfo,DelegationSet,");
  EXPECT_NE(r.body.find("<Comment>hi</Comment>"), std::string::npos);
  EXPECT_EQ(r.body.rfind("<?xml", 0), 0u);
  EXPECT_NE(r.body.find("<CreateHostedZoneResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"),
            std::string::npos);
  ApiResponse again = call("POST", "/2013-04-01/hostedzone", kCreateZone);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.error_code, "HostedZoneAlreadyExists");
}

TEST_F(SimApi, CreateHostedZoneWithAWrongRootIsRefused) {
  ApiResponse r = call("POST", "/2013-04-01/hostedzone", "<Nope/>");
  EXPECT_EQ(r.status, 400);
  ApiResponse bad = call("POST", "/2013-04-01/hostedzone", "not xml");
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(bad.state_changed);
}

TEST_F(SimApi, GetHostedZoneHasTheDelegationSet) {
  ApiResponse r = call("GET", "/2013-04-01/hostedzone/ZAPITEST");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(children(r.body), "HostedZone,DelegationSet,");
  ApiResponse missing = call("GET", "/2013-04-01/hostedzone/ZNOPE");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("<Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: ZNOPE</Message>"),
            std::string::npos);
  EXPECT_NE(missing.body.find("<RequestId>rid</RequestId>"), std::string::npos);
}

TEST_F(SimApi, ListResourceRecordSetsElementOrderAndPaging) {
  ApiResponse r = call("GET", "/2013-04-01/hostedzone/ZAPITEST/rrset", {}, {{"maxitems", "1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(children(r.body), "ResourceRecordSets,IsTruncated,NextRecordName,NextRecordType,MaxItems,");
  EXPECT_NE(r.body.find("<NextRecordName>example.com.</NextRecordName><NextRecordType>SOA</NextRecordType>"),
            std::string::npos) << r.body;
  ApiResponse all = call("GET", "/2013-04-01/hostedzone/ZAPITEST/rrset/");
  EXPECT_EQ(children(all.body), "ResourceRecordSets,IsTruncated,MaxItems,");
}

TEST_F(SimApi, ChangeThenGetChange) {
  const char* batch =
      "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
      "<ChangeBatch><Comment>c1</Comment><Changes><Change><Action>CREATE</Action><ResourceRecordSet>"
      "<Name>www.example.com</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord>"
      "<Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
      "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>";
  ApiResponse r = call("POST", "/2013-04-01/hostedzone/ZAPITEST/rrset/", batch);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.state_changed);
  EXPECT_EQ(r.zone_id, "ZAPITEST");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  std::string id = doc.document_element().child("ChangeInfo").child("Id").text().get();
  ASSERT_EQ(id.rfind("/change/C", 0), 0u);
  ApiResponse g = call("GET", ("/2013-04-01/change/" + id.substr(8)).c_str());
  EXPECT_EQ(g.status, 200);
  EXPECT_NE(g.body.find("<Status>PENDING</Status>"), std::string::npos) << g.body;
  EXPECT_NE(g.body.find("<Comment>c1</Comment>"), std::string::npos);
  ApiResponse dup = call("POST", "/2013-04-01/hostedzone/ZAPITEST/rrset", batch);
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(dup.error_code, "InvalidChangeBatch");
  EXPECT_FALSE(dup.state_changed);
  ApiResponse nochange = call("GET", "/2013-04-01/change/CNOPE");
  EXPECT_EQ(nochange.status, 404);
  EXPECT_EQ(nochange.error_code, "NoSuchChange");
}

TEST_F(SimApi, MalformedBatchForAMissingZoneIsNoSuchHostedZone) {
  ApiResponse r = call("POST", "/2013-04-01/hostedzone/ZNOPE/rrset/", "<x/>");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code, "NoSuchHostedZone");
  ApiResponse m = call("POST", "/2013-04-01/hostedzone/ZAPITEST/rrset/", "<x/>");
  EXPECT_EQ(m.status, 400);
}

TEST_F(SimApi, ListHostedZonesOmitsMarkerUnlessSent) {
  ApiResponse r = call("GET", "/2013-04-01/hostedzone");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(children(r.body), "HostedZones,IsTruncated,MaxItems,");
  ApiResponse n = call("GET", "/2013-04-01/hostedzonesbyname", {}, {{"dnsname", "example.com"}});
  ASSERT_EQ(n.status, 200) << n.body;
  EXPECT_EQ(children(n.body), "HostedZones,DNSName,IsTruncated,MaxItems,");
}

TEST_F(SimApi, DeleteHostedZone) {
  ApiResponse r = call("DELETE", "/2013-04-01/hostedzone/ZAPITEST");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.state_changed);
  EXPECT_EQ(children(r.body), "ChangeInfo,");
  EXPECT_EQ(call("GET", "/2013-04-01/hostedzone/ZAPITEST").status, 404);
}

TEST_F(SimApi, UnknownRouteIsAnErrorResponse) {
  ApiResponse r = call("GET", "/2013-04-01/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<ErrorResponse"), std::string::npos);
}

}  // namespace
}  // namespace r53d::sim
