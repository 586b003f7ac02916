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
            "type='A'] but it was not found] (request id 7eb28fd5-9ce6-11e4-a8e8-9f105805808f)");
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
  // Well-formed HTML is not an error shape either: its root is not taken as the code.
  ApiError h = parse_error_response(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "");
  EXPECT_EQ(h.code, "502");
  EXPECT_EQ(h.message, "HTTP 502: <html><body><h1>502 Bad Gateway</h1></body></html>");
}

// Bug: error bodies not shaped exactly as <ErrorResponse><Error> lost their code and message
// (only the HTTP status was printed). Each shape of route53-api.md §6.2 keeps both.
TEST(ApiXml, BareErrorElementKeepsCodeAndMessage) {
  ApiError e = parse_error_response(
      400, "<Error><Code>Throttling</Code><Message>Rate exceeded</Message>"
           "<RequestId>1234-abcd</RequestId></Error>", "");
  EXPECT_EQ(e.code, "Throttling");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.request_id, "1234-abcd");
  EXPECT_EQ(e.to_string(), "Throttling: Rate exceeded (request id 1234-abcd)");
  // With the namespace and an XML declaration, as Route 53 writes its other bodies.
  e = parse_error_response(
      403, "<?xml version=\"1.0\"?>\n<Error xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
           "<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/x is not "
           "authorized</Message></Error>", "hdr-id");
  EXPECT_EQ(e.code, "AccessDenied");
  EXPECT_EQ(e.message, "User: arn:aws:iam::123456789012:user/x is not authorized");
  EXPECT_EQ(e.request_id, "hdr-id");
}

TEST(ApiXml, ErrorResponseWithExtraOrMissingElements) {
  // Extra elements anywhere, the Error element not first.
  ApiError e = parse_error_response(
      400, "<ErrorResponse><RequestId>rid-1</RequestId><Extra><Code>Nope</Code></Extra>"
           "<Error><Detail/><Type>Sender</Type><Message>Rate exceeded</Message>"
           "<Code>Throttling</Code><Unknown>x</Unknown></Error></ErrorResponse>", "");
  EXPECT_EQ(e.code, "Throttling");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.request_id, "rid-1");
  // No Message: the code alone.
  e = parse_error_response(400, "<ErrorResponse><Error><Code>PriorRequestNotComplete</Code></Error>"
                                "</ErrorResponse>", "");
  EXPECT_EQ(e.code, "PriorRequestNotComplete");
  EXPECT_EQ(e.message, "");
  EXPECT_EQ(e.to_string(), "PriorRequestNotComplete");
  // No Code: the status is the code, the message is kept.
  e = parse_error_response(400, "<ErrorResponse><Error><Message>Rate exceeded</Message></Error>"
                                "</ErrorResponse>", "");
  EXPECT_EQ(e.code, "400");
  EXPECT_EQ(e.message, "Rate exceeded");
  // No Error element: Code and Message straight under the root.
  e = parse_error_response(503, "<ErrorResponse><Code>ServiceUnavailable</Code>"
                                "<Message>Service is unavailable</Message></ErrorResponse>", "");
  EXPECT_EQ(e.code, "ServiceUnavailable");
  EXPECT_EQ(e.message, "Service is unavailable");
  // A <Messages> list inside <Error>.
  e = parse_error_response(400, "<ErrorResponse><Error><Code>InvalidChangeBatch</Code><Messages>"
                                "<Message>m1</Message><Message>m2</Message></Messages></Error>"
                                "</ErrorResponse>", "");
  EXPECT_EQ(e.code, "InvalidChangeBatch");
  EXPECT_EQ(e.messages, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(e.message, "[m1, m2]");
  // EC2's shape.
  e = parse_error_response(400, "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                                "<Message>Request limit exceeded.</Message></Error></Errors>"
                                "<RequestID>ec2-rid</RequestID></Response>", "");
  EXPECT_EQ(e.code, "RequestLimitExceeded");
  EXPECT_EQ(e.message, "Request limit exceeded.");
  EXPECT_EQ(e.request_id, "ec2-rid");
}

TEST(ApiXml, RootInvalidChangeBatchWithOneMessage) {
  ApiError e = parse_error_response(
      400, "<InvalidChangeBatch><Message>Tried to create resource record set but it already exists"
           "</Message></InvalidChangeBatch>", "hdr");
  EXPECT_EQ(e.code, "InvalidChangeBatch");
  EXPECT_EQ(e.message, "Tried to create resource record set but it already exists");
  EXPECT_TRUE(e.messages.empty());
  EXPECT_EQ(e.request_id, "hdr");
  e = parse_error_response(400, "<InvalidChangeBatch/>", "");
  EXPECT_EQ(e.code, "InvalidChangeBatch");
  EXPECT_EQ(e.to_string(), "InvalidChangeBatch");
  e = parse_error_response(403, "<InvalidSignatureException/>", "");
  EXPECT_EQ(e.code, "InvalidSignatureException");
}

TEST(ApiXml, JsonErrorBody) {
  ApiError e = parse_error_response(
      400, R"({"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"})",
      "json-rid");
  EXPECT_EQ(e.code, "ThrottlingException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.to_string(), "ThrottlingException: Rate exceeded (request id json-rid)");
  e = parse_error_response(
      403, R"( {"__type":"ExpiredTokenException:http://internal.amazon.com/coral/","Message":"expired"})", "");
  EXPECT_EQ(e.code, "ExpiredTokenException");
  EXPECT_EQ(e.message, "expired");
  e = parse_error_response(400, R"({"Error":{"Code":"Throttling","Message":"Rate exceeded"},"RequestId":"r9"})", "");
  EXPECT_EQ(e.code, "Throttling");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.request_id, "r9");
  e = parse_error_response(429, R"({"message":"Too Many Requests"})", "");
  EXPECT_EQ(e.code, "429");
  EXPECT_EQ(e.message, "Too Many Requests");
  // JSON without a code or message is kept as text.
  e = parse_error_response(500, R"({"status":500})", "");
  EXPECT_EQ(e.code, "500");
  EXPECT_EQ(e.message, R"(HTTP 500: {"status":500})");
}

TEST(ApiXml, PlainTextBodyIsKeptOnOneLine) {
  ApiError e = parse_error_response(400, "Rate exceeded\r\n", "hdr-rid");
  EXPECT_EQ(e.code, "400");
  EXPECT_EQ(e.message, "HTTP 400: Rate exceeded");
  EXPECT_EQ(e.to_string(), "400: HTTP 400: Rate exceeded (request id hdr-rid)");
  // A body cannot start a new log line, nor fill it.
  e = parse_error_response(503, "line 1\nFAKE: line 2\t\x01" + std::string(1000, 'x'), "");
  EXPECT_EQ(e.message.find('\n'), std::string::npos);
  EXPECT_EQ(e.message.rfind("HTTP 503: line 1 FAKE: line 2 xxx", 0), 0u) << e.message;
  EXPECT_LE(e.message.size(), 220u);
  e = parse_error_response(400, "<Error><Code>Throttling</Code><Message>a\nb</Message></Error>", "x\ny");
  EXPECT_EQ(e.message, "a b");
}

TEST(ApiXml, ToStringNamesRequestIdAndAttempts) {
  ApiError e;
  e.code = "Throttling";
  e.message = "Rate exceeded";
  EXPECT_EQ(e.to_string(), "Throttling: Rate exceeded");
  EXPECT_EQ(e.to_string(3), "Throttling: Rate exceeded (after 3 attempts)");
  e.request_id = "1234-5678";
  EXPECT_EQ(e.to_string(1), "Throttling: Rate exceeded (request id 1234-5678)");
  EXPECT_EQ(e.to_string(3), "Throttling: Rate exceeded (request id 1234-5678, after 3 attempts)");
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
