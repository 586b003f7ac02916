// Tests for the Route 53 XML of record sets, change batches, ChangeInfo and HostedZone.
#include "r53/rrset_xml.h"

#include <gtest/gtest.h>

namespace r53d::r53 {
namespace {

RecordSet full_rrset() {
  RecordSet rs;
  rs.name = "geo.example.com.";
  rs.type = "A";
  rs.set_identifier = "Default";
  rs.weight = 10;
  rs.region = "us-east-1";
  rs.geo_location = GeoLocation{"EU", "DE", ""};
  rs.failover = "PRIMARY";
  rs.multi_value_answer = true;
  rs.ttl_s = 300;
  rs.values = {"192.0.2.1", "192.0.2.2"};
  rs.health_check_id = "hc-1";
  rs.traffic_policy_instance_id = "tp-1";
  rs.cidr_routing_config = CidrRoutingConfig{"c0ll", "loc"};
  rs.geo_proximity_location = GeoProximityLocation{"us-west-2", "", "1.5", "-2.25", 20};
  return rs;
}

std::vector<std::string> child_names(const pugi::xml_node& n) {
  std::vector<std::string> out;
  for (auto c = n.first_child(); c; c = c.next_sibling()) out.emplace_back(c.name());
  return out;
}

TEST(RrsetXml, WritesSchemaOrder) {
  pugi::xml_document doc;
  RecordSet rs = full_rrset();
  rs.alias_target = AliasTarget{"Z2FDTNDATAQYW2", "d1.cloudfront.net.", false};
  pugi::xml_node n = append_rrset(doc.append_child("X"), rs);
  EXPECT_EQ(child_names(n),
            (std::vector<std::string>{"Name", "Type", "SetIdentifier", "Weight", "Region",
                                      "GeoLocation", "Failover", "MultiValueAnswer", "TTL",
                                      "ResourceRecords", "AliasTarget", "HealthCheckId",
                                      "TrafficPolicyInstanceId", "CidrRoutingConfig",
                                      "GeoProximityLocation"}));
  EXPECT_EQ(child_names(n.child("AliasTarget")),
            (std::vector<std::string>{"HostedZoneId", "DNSName", "EvaluateTargetHealth"}));
}

TEST(RrsetXml, SimpleSetHasOnlyItsFields) {
  pugi::xml_document doc;
  RecordSet rs;
  rs.name = "www.example.com.";
  rs.type = "TXT";
  rs.ttl_s = 60;
  rs.values = {"\"v=spf1 -all\""};
  pugi::xml_node n = append_rrset(doc.append_child("X"), rs);
  EXPECT_EQ(child_names(n), (std::vector<std::string>{"Name", "Type", "TTL", "ResourceRecords"}));
  EXPECT_STREQ(n.child("ResourceRecords").child("ResourceRecord").child_value("Value"),
               "\"v=spf1 -all\"");
}

TEST(RrsetXml, RoundTrips) {
  pugi::xml_document doc;
  RecordSet rs = full_rrset();
  auto parsed = parse_rrset(append_rrset(doc.append_child("X"), rs));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, rs);

  RecordSet alias;
  alias.name = "example.com.";
  alias.type = "AAAA";
  alias.alias_target = AliasTarget{"Z1", "target.example.com.", true};
  auto p2 = parse_rrset(append_rrset(doc.append_child("Y"), alias));
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(*p2, alias);
}

TEST(RrsetXml, ParsesAnyOrderIgnoresUnknownAndPrefixes) {
  const char* xml =
      "<r:ResourceRecordSet xmlns:r=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
      "<r:TTL>300</r:TTL><r:Future>x</r:Future>"
      "<r:ResourceRecords><r:ResourceRecord><r:Value>1.2.3.4</r:Value></r:ResourceRecord>"
      "</r:ResourceRecords><r:Type>A</r:Type><r:Name>a.example.com.</r:Name>"
      "</r:ResourceRecordSet>";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml));
  auto rs = parse_rrset(doc.first_child());
  ASSERT_TRUE(rs.ok()) << rs.status().to_string();
  EXPECT_EQ(rs->name, "a.example.com.");
  EXPECT_EQ(rs->type, "A");
  EXPECT_EQ(rs->ttl_s, 300);
  EXPECT_EQ(rs->values, std::vector<std::string>{"1.2.3.4"});
}

TEST(RrsetXml, ParseErrors) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string("<ResourceRecordSet><Type>A</Type></ResourceRecordSet>"));
  EXPECT_FALSE(parse_rrset(doc.first_child()).ok());
  ASSERT_TRUE(doc.load_string("<ResourceRecordSet><Name>a.</Name></ResourceRecordSet>"));
  EXPECT_FALSE(parse_rrset(doc.first_child()).ok());
  ASSERT_TRUE(doc.load_string(
      "<ResourceRecordSet><Name>a.</Name><Type>A</Type><TTL>x</TTL></ResourceRecordSet>"));
  EXPECT_EQ(parse_rrset(doc.first_child()).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(doc.load_string("<ResourceRecordSet><Name>a.</Name><Type>A</Type>"
                              "<AliasTarget><HostedZoneId>Z</HostedZoneId></AliasTarget>"
                              "</ResourceRecordSet>"));
  EXPECT_FALSE(parse_rrset(doc.first_child()).ok());
}

TEST(RrsetXml, ChangeBatchRoundTrip) {
  ChangeBatch b;
  b.comment = "sync <1> & more";
  RecordSet txt;
  txt.name = "www.example.com.";
  txt.type = "TXT";
  txt.ttl_s = 300;
  txt.values = {"\"a \\\"quoted\\\" <b>\""};
  b.changes.push_back({Action::kDelete, txt});
  txt.values = {"\"new\""};
  b.changes.push_back({Action::kCreate, txt});
  b.changes.push_back({Action::kUpsert, full_rrset()});
  std::string body = build_change_batch_request(b);
  EXPECT_EQ(body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ChangeResourceRecordSetsRequest "
                       "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch>"
                       "<Comment>sync &lt;1&gt; &amp; more</Comment><Changes><Change>"
                       "<Action>DELETE</Action><ResourceRecordSet><Name>www.example.com.</Name>",
                       0),
            0u)
      << body;
  auto parsed = parse_change_batch_request(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error_message;
  EXPECT_EQ(parsed.batch.comment, b.comment);
  EXPECT_EQ(parsed.batch.changes, b.changes);
}

TEST(RrsetXml, ChangeBatchWithoutDeclarationOrComment) {
  auto p = parse_change_batch_request(
      "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
      "<ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet>"
      "<Name>x.example.com</Name><Type>A</Type><TTL>1</TTL><ResourceRecords><ResourceRecord>"
      "<Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
      "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
  ASSERT_TRUE(p.ok()) << p.error_message;
  ASSERT_EQ(p.batch.changes.size(), 1u);
  EXPECT_EQ(p.batch.changes[0].action, Action::kUpsert);
  EXPECT_EQ(p.batch.changes[0].rrset.name, "x.example.com");  // not normalised here
  EXPECT_TRUE(p.batch.comment.empty());
}

TEST(RrsetXml, ChangeBatchErrors) {
  auto p = parse_change_batch_request("not xml <");
  EXPECT_EQ(p.error_code, "MalformedInput");
  p = parse_change_batch_request("<CreateHostedZoneRequest/>");
  EXPECT_EQ(p.error_code, "MalformedInput");
  EXPECT_EQ(p.error_message, "ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest");
  p = parse_change_batch_request("<ChangeResourceRecordSetsRequest/>");
  EXPECT_EQ(p.error_code, "InvalidInput");
  p = parse_change_batch_request(
      "<ChangeResourceRecordSetsRequest><ChangeBatch><Changes/></ChangeBatch>"
      "</ChangeResourceRecordSetsRequest>");
  EXPECT_EQ(p.error_code, "InvalidInput");
  p = parse_change_batch_request(
      "<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>MODIFY</Action>"
      "<ResourceRecordSet><Name>a.</Name><Type>A</Type></ResourceRecordSet></Change></Changes>"
      "</ChangeBatch></ChangeResourceRecordSetsRequest>");
  EXPECT_EQ(p.error_code, "InvalidInput");
  EXPECT_NE(p.error_message.find("'MODIFY'"), std::string::npos);
  p = parse_change_batch_request(
      "<ChangeResourceRecordSetsRequest><ChangeBatch><Changes><Change><Action>CREATE</Action>"
      "<ResourceRecordSet><Name>a.</Name><Type>A</Type><TTL>3</TTL><ResourceRecords/>"
      "</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
  EXPECT_EQ(p.error_code, "InvalidInput");
  EXPECT_EQ(p.error_message,
            "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'ResourceRecords' is "
            "not complete. One of "
            "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":ResourceRecord}' is expected.");
}

TEST(RrsetXml, ChangeInfoAndHostedZone) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("R");
  ChangeInfo ci{"/change/C123", "PENDING", "2017-02-10T01:36:41.958Z", ""};
  pugi::xml_node n = append_change_info(root, ci);
  EXPECT_EQ(child_names(n), (std::vector<std::string>{"Id", "Status", "SubmittedAt"}));
  auto back = parse_change_info(n);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, ci.id);
  EXPECT_EQ(back->status, ci.status);
  EXPECT_EQ(back->submitted_at, ci.submitted_at);

  HostedZone hz{"/hostedzone/Z1", "example.com.", "ref", std::string("c"), false, 2};
  pugi::xml_node h = append_hosted_zone(root, hz);
  EXPECT_EQ(child_names(h), (std::vector<std::string>{"Id", "Name", "CallerReference", "Config",
                                                      "ResourceRecordSetCount"}));
  auto hb = parse_hosted_zone(h);
  ASSERT_TRUE(hb.ok());
  EXPECT_EQ(hb->id, hz.id);
  EXPECT_EQ(hb->comment, hz.comment);
  EXPECT_EQ(hb->record_set_count, 2);
  HostedZone no_comment = hz;
  no_comment.comment.reset();
  pugi::xml_node h2 = append_hosted_zone(root, no_comment);
  EXPECT_EQ(child_names(h2.child("Config")), std::vector<std::string>{"PrivateZone"});
  EXPECT_FALSE(parse_hosted_zone(h2)->comment.has_value());
}

}  // namespace
}  // namespace r53d::r53
