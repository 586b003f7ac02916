// Tests for Route 53 response parsing: the three error shapes and the operation results.
#include "r53/api_xml.h"

#include <gtest/gtest.h>

namespace r53d::r53 {
namespace {

TEST(ApiXml, StandardErrorResponse) {
  const char* body = R"(<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <Error><Type>Sender</Type><Code>InvalidChangeBatch</Code>
  <Message>[Tried to delete resource record set [name='k.example.net.', type='A'] but it was not found]</Message></Error>
  <RequestId>7eb28fd5-9ce6-11e4-a8e8-9f105805808f</RequestId>
</ErrorResponse>)";
  ApiError e = parse_error_response(400, body, "header-id");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "InvalidChangeBatch");
  EXPECT_EQ(e.message,
            "[Tried to delete resource record set [name='k.example.net.', type='A'] but it was not found]");
  EXPECT_EQ(e.request_id, "7eb28fd5-9ce6-11e4-a8e8-9f105805808f");
  EXPECT_EQ(e.to_string(),
            "InvalidChangeBatch: [Tried to delete resource record set [name='k.example.net.', "
            "type='A'] but it was not found]");
}

TEST(ApiXml, RootInvalidChangeBatchWithMessages) {
  const char* body = R"(<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <Messages><Message>msg 1</Message><Message>msg 2</Message></Messages>
  <RequestId>rid</RequestId></InvalidChangeBatch>)";
  ApiError e = parse_error_response(400, body, "");
  EXPECT_EQ(e.code, "InvalidChangeBatch");
  EXPECT_EQ(e.messages, (std::vector<std::string>{"msg 1", "msg 2"}));
  EXPECT_EQ(e.message, "[msg 1, msg 2]");
  EXPECT_EQ(e.request_id, "rid");
}

TEST(ApiXml, OtherRootIsTheCode) {
  const char* body =
      "<InvalidSignatureException><Message>The request signature we calculated does not match"
      "</Message></InvalidSignatureException>";
  ApiError e = parse_error_response(403, body, "hdr");
  EXPECT_EQ(e.code, "InvalidSignatureException");
  EXPECT_EQ(e.message, "The request signature we calculated does not match");
  EXPECT_EQ(e.request_id, "hdr");
}

TEST(ApiXml, EmptyOrGarbageBodyUsesTheStatus) {
  ApiError e = parse_error_response(503, "", "r1");
  EXPECT_EQ(e.code, "503");
  EXPECT_EQ(e.message, "HTTP 503");
  EXPECT_EQ(e.request_id, "r1");
  ApiError g = parse_error_response(502, "<html>Bad gateway", "");
  EXPECT_EQ(g.code, "502");
  EXPECT_EQ(g.message, "HTTP 502: <html>Bad gateway");
}

TEST(ApiXml, ListResourceRecordSetsPage) {
  const char* body = R"(<?xml version="1.0"?>
<ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <ResourceRecordSets>
    <ResourceRecordSet><Name>example.com.</Name><Type>NS</Type><TTL>172800</TTL>
      <ResourceRecords><ResourceRecord><Value>ns-144.awsdns-18.com.</Value></ResourceRecord>
      <ResourceRecord><Value>ns-145.awsdns-18.net.</Value></ResourceRecord></ResourceRecords>
    </ResourceRecordSet>
    <ResourceRecordSet><Name>\052.example.com.</Name><Type>TXT</Type><TTL>60</TTL>
      <ResourceRecords><ResourceRecord><Value>"a &amp; b"</Value></ResourceRecord></ResourceRecords>
      <Unknown>ignored</Unknown>
    </ResourceRecordSet>
  </ResourceRecordSets>
  <IsTruncated>true</IsTruncated>
  <NextRecordName>w.example.com.</NextRecordName>
  <NextRecordType>A</NextRecordType>
  <NextRecordIdentifier>blue</NextRecordIdentifier>
  <MaxItems>2</MaxItems>
</ListResourceRecordSetsResponse>)";
  auto p = parse_list_rrsets_response(body);
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  ASSERT_EQ(p->rrsets.size(), 2u);
  EXPECT_EQ(p->rrsets[0].values.size(), 2u);
  EXPECT_EQ(p->rrsets[1].name, "\\052.example.com.");
  EXPECT_EQ(p->rrsets[1].values[0], "\"a & b\"");
  EXPECT_TRUE(p->is_truncated);
  EXPECT_EQ(p->next_name, "w.example.com.");
  EXPECT_EQ(p->next_type, "A");
  EXPECT_EQ(p->next_identifier, "blue");
}

TEST(ApiXml, WrongRootOrNotXmlIsAnError) {
  EXPECT_FALSE(parse_list_rrsets_response("<GetChangeResponse/>").ok());
  EXPECT_FALSE(parse_list_rrsets_response("not xml <").ok());
  auto r = parse_list_rrsets_response(
      "<ListResourceRecordSetsResponse><ResourceRecordSets/><IsTruncated>true</IsTruncated>"
      "</ListResourceRecordSetsResponse>");
  EXPECT_FALSE(r.ok());  // truncated without NextRecordName
}

TEST(ApiXml, HostedZonesPages) {
  const char* body = R"(<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <HostedZones><HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name>
  <CallerReference>r</CallerReference><Config><PrivateZone>true</PrivateZone></Config>
  <ResourceRecordSetCount>7</ResourceRecordSetCount></HostedZone></HostedZones>
  <Marker></Marker><IsTruncated>true</IsTruncated><NextMarker>Z2</NextMarker><MaxItems>1</MaxItems>
</ListHostedZonesResponse>)";
  auto p = parse_list_hosted_zones_response(body);
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  ASSERT_EQ(p->zones.size(), 1u);
  EXPECT_EQ(p->zones[0].id, "/hostedzone/Z1");
  EXPECT_TRUE(p->zones[0].private_zone);
  EXPECT_EQ(p->zones[0].record_set_count, 7);
  EXPECT_EQ(p->next_marker, "Z2");

  const char* by_name = R"(<ListHostedZonesByNameResponse><HostedZones/>
  <IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesByNameResponse>)";
  auto q = parse_list_hosted_zones_by_name_response(by_name);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->zones.empty());
  EXPECT_FALSE(q->is_truncated);
}

TEST(ApiXml, GetHostedZoneAndChangeInfo) {
  const char* body = R"(<GetHostedZoneResponse><HostedZone><Id>/hostedzone/Z9</Id><Name>a.example.</Name>
  <CallerReference>c</CallerReference><Config><PrivateZone>false</PrivateZone></Config>
  <ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>
  <DelegationSet><NameServers><NameServer>ns-1.awsdns-1.com</NameServer>
  <NameServer>ns-2.awsdns-2.net</NameServer></NameServers></DelegationSet></GetHostedZoneResponse>)";
  auto d = parse_get_hosted_zone_response(body);
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->zone.id, "/hostedzone/Z9");
  EXPECT_EQ(d->name_servers, (std::vector<std::string>{"ns-1.awsdns-1.com", "ns-2.awsdns-2.net"}));

  const char* ci = R"(<GetChangeResponse><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status>
  <SubmittedAt>2017-02-10T01:36:41.958Z</SubmittedAt></ChangeInfo></GetChangeResponse>)";
  auto c = parse_change_info_response(ci, "GetChangeResponse");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, "INSYNC");
  EXPECT_FALSE(parse_change_info_response(ci, "ChangeResourceRecordSetsResponse").ok());
}

}  // namespace
}  // namespace r53d::r53
