// Tests for Route53Client against a scripted Route 53 (evhttp on 127.0.0.1, port from the kernel):
// retries and their classification, error shapes, paging, IDs, signing per attempt, rate limit.
#include "r53/api.h"

#include "tests/unit/r53/fake_route53.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace r53d::r53 {
namespace {

using namespace r53d::r53::fake;  // NOLINT

class Route53ClientTest : public ::testing::Test {
 protected:
  Route53ClientTest()
      : loop_(clock_), http_(loop_.base()), server_(loop_.base()) {}

  std::unique_ptr<Route53Client> make_client(Route53Options opts = fast_options()) {
    Endpoint ep;
    ep.scheme = "http";
    ep.host = "127.0.0.1";
    ep.port = server_.port;
    ep.host_header = "127.0.0.1:" + std::to_string(server_.port);
    ep.base_url = "http://" + ep.host_header;
    ep.region = ep.signing_region = "us-east-1";
    ep.partition = "aws";
    return std::make_unique<Route53Client>(
        loop_, http_,
        [this](std::function<void(Result<Credentials>)> cb) {
          creds_calls_++;
          Credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", 0, "test"};
          loop_.defer([cb, c] { cb(c); });
        },
        ep, std::move(opts));
  }
  static Route53Options fast_options() {
    Route53Options o;
    o.rate = {.requests_per_second = 0, .burst = 1};  // unlimited
    o.backoff = {.base_ms = 5, .cap_ms = 20, .max_attempts = 4};
    o.rng = [] { return 0.5; };
    return o;
  }
  template <class T>
  ApiResult<T> wait(ApiResult<T>& slot, bool& done) {
    Timer guard(loop_, [this] { loop_.stop(); });
    guard.start_once(10000);
    while (!done && loop_.run_once()) {
    }
    return slot;
  }
  using Timer = loop::Timer;

  SystemClock& clock_ = SystemClock::instance();
  loop::EventBase loop_;
  HttpClient http_;
  FakeRoute53 server_;
  int creds_calls_ = 0;
};

TEST_F(Route53ClientTest, GetChangeStripsPrefixAndSigns) {
  auto client = make_client();
  server_.script = {{200, change_info_body("GetChangeResponse", "INSYNC")}};
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->get_change("/change/C123", [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got.value().status, "INSYNC");
  EXPECT_EQ(got.attempts, 1);
  ASSERT_EQ(server_.seen.size(), 1u);
  EXPECT_EQ(server_.seen[0].uri, "/2013-04-01/change/C123");
  std::string auth = server_.seen[0].header("Authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/us-east-1/route53/aws4_request"), std::string::npos);
  EXPECT_EQ(server_.seen[0].header("Host"), "127.0.0.1:" + std::to_string(server_.port));
  EXPECT_FALSE(server_.seen[0].header("X-Amz-Date").empty());
}

TEST_F(Route53ClientTest, ThrottlingIsRetriedThenSucceeds) {
  auto client = make_client();
  server_.script = {{400, error_body("Throttling", "Rate exceeded")},
                    {400, error_body("PriorRequestNotComplete", "still processing")},
                    {503, ""},
                    {200, change_info_body("ChangeResourceRecordSetsResponse", "PENDING")}};
  ChangeBatch batch;
  Change c;
  c.rrset.name = "www.example.com.";
  c.rrset.type = "A";
  c.rrset.ttl_s = 300;
  c.rrset.values = {"192.0.2.1"};
  batch.changes.push_back(c);
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->change_rrsets("/hostedzone/Z1PA6795UKMFR9", batch,
                        [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got.value().id, "/change/C123");
  EXPECT_EQ(got.attempts, 4);
  EXPECT_EQ(got.requests, 4);
  ASSERT_EQ(server_.seen.size(), 4u);
  for (const Seen& s : server_.seen) {
    EXPECT_EQ(s.method, "POST");
    EXPECT_EQ(s.uri, "/2013-04-01/hostedzone/Z1PA6795UKMFR9/rrset/");
    EXPECT_NE(s.body.find("<Name>www.example.com.</Name>"), std::string::npos);
  }
  EXPECT_EQ(client->stats().retries, 3u);
  EXPECT_EQ(client->stats().throttled, 1u);
  EXPECT_EQ(creds_calls_, 4);  // credentials fetched (and the request re-signed) per attempt
}

TEST_F(Route53ClientTest, InvalidChangeBatchIsNotRetried) {
  auto client = make_client();
  server_.script = {{400, error_body("InvalidChangeBatch",
                                     "[Tried to create resource record set [name='a.example.com.', "
                                     "type='TXT'] but it already exists]")}};
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->change_rrsets("Z1", ChangeBatch{}, [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(got.status().message(),
            "InvalidChangeBatch: [Tried to create resource record set [name='a.example.com.', "
            "type='TXT'] but it already exists] (request id body-req-id)");
  ASSERT_TRUE(got.error.has_value());
  EXPECT_EQ(got.error->code, "InvalidChangeBatch");
  EXPECT_EQ(got.error->http_status, 400);
  EXPECT_EQ(got.error->request_id, "body-req-id");
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(server_.seen.size(), 1u);
}

TEST_F(Route53ClientTest, MaybeAppliedAfterAnUnansweredAttemptOnly) {
  auto client = make_client();
  const std::string cas = error_body("InvalidChangeBatch",
                                     "[Tried to delete resource record set [name='example.com.', type='SOA'] "
                                     "but the values provided do not match the current values]");
  // Throttled first (not carried out): the InvalidChangeBatch that follows is definite.
  server_.script = {{400, error_body("Throttling", "Rate exceeded")}, {400, cas}};
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->change_rrsets("Z1", ChangeBatch{}, [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.attempts, 2);
  EXPECT_FALSE(got.maybe_applied);
  // A 5xx first: that attempt may have been carried out, and the retry met its result.
  server_.script = {{500, ""}, {400, cas}};
  done = false;
  client->change_rrsets("Z1", ChangeBatch{}, [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error->code, "InvalidChangeBatch");
  EXPECT_EQ(got.attempts, 2);
  EXPECT_TRUE(got.maybe_applied);
}

TEST_F(Route53ClientTest, RootInvalidChangeBatchShapeIsParsed) {
  auto client = make_client();
  server_.script = {{400, "<InvalidChangeBatch xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                          "<Messages><Message>m1</Message><Message>m2</Message></Messages>"
                          "</InvalidChangeBatch>"}};
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->change_rrsets("Z1", ChangeBatch{}, [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "InvalidChangeBatch: [m1, m2] (request id hdr-req-id)");
  EXPECT_EQ(got.error->messages.size(), 2u);
  EXPECT_EQ(got.error->request_id, "hdr-req-id");
}

TEST_F(Route53ClientTest, NoSuchHostedZoneIsNotFound) {
  auto client = make_client();
  server_.script = {{404, error_body("NoSuchHostedZone", "No hosted zone found with ID: ZX")}};
  ApiResult<HostedZoneDetails> got;
  bool done = false;
  client->get_hosted_zone("ZX", [&](ApiResult<HostedZoneDetails> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_EQ(got.status().message(),
            "NoSuchHostedZone: No hosted zone found with ID: ZX (request id body-req-id)");
  EXPECT_EQ(server_.seen[0].uri, "/2013-04-01/hostedzone/ZX");
}

TEST_F(Route53ClientTest, RetriesAreBoundedAndTheFinalErrorSaysSo) {
  auto client = make_client();
  server_.handler = [](const Seen&) { return Reply{400, error_body("Throttling", "Rate exceeded")}; };
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->get_change("C1", [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kUnavailable);
  EXPECT_EQ(got.status().message(),
            "Throttling: Rate exceeded (request id body-req-id, after 4 attempts)");
  EXPECT_EQ(got.error->code, "Throttling");
  EXPECT_EQ(server_.seen.size(), 4u);
}

// Bug: a body not shaped as <ErrorResponse><Error> lost its code: a bare <Error> Throttling was
// code "Error", so it was neither retried nor counted as throttling.
TEST_F(Route53ClientTest, BareErrorBodyKeepsItsCodeAndRequestId) {
  auto client = make_client();
  server_.handler = [](const Seen&) {
    return Reply{400, "<Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"};
  };
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->get_change("C1", [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kUnavailable);
  EXPECT_EQ(got.status().message(),
            "Throttling: Rate exceeded (request id hdr-req-id, after 4 attempts)");
  EXPECT_EQ(got.error->code, "Throttling");
  EXPECT_EQ(server_.seen.size(), 4u);
  EXPECT_EQ(client->stats().throttled, 4u);
}

TEST_F(Route53ClientTest, EmptyBody500UsesStatusAsCode) {
  auto client = make_client();
  server_.handler = [](const Seen&) { return Reply{500, ""}; };
  ApiResult<ChangeInfo> got;
  bool done = false;
  client->get_change("C1", [&](ApiResult<ChangeInfo> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error->code, "500");
  EXPECT_EQ(got.status().message(), "500: HTTP 500 (request id hdr-req-id, after 4 attempts)");
}

TEST_F(Route53ClientTest, ConnectionRefusedIsRetriedThenUnavailable) {
  Route53Options o = fast_options();
  auto client = make_client(o);
  // Point a second client at a closed port.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);
  close(fd);
  Endpoint ep = client->endpoint();
  ep.port = port;
  ep.host_header = "127.0.0.1:" + std::to_string(port);
  ep.base_url = "http://" + ep.host_header;
  Route53Client dead(loop_, http_,
                     [this](std::function<void(Result<Credentials>)> cb) {
                       loop_.defer([cb] { cb(Credentials{"AK", "SK", "", 0, "t"}); });
                     },
                     ep, o);
  ApiResult<std::vector<HostedZone>> got;
  bool done = false;
  dead.list_hosted_zones([&](ApiResult<std::vector<HostedZone>> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kUnavailable) << got.status().to_string();
  EXPECT_NE(got.status().message().find("(after 4 attempts)"), std::string::npos);
  EXPECT_FALSE(got.error.has_value());
}

TEST_F(Route53ClientTest, ListRrsetsFollowsEveryPageWithIdentifier) {
  auto client = make_client();
  // Three pages; the second starts inside a weighted group, the third at a wildcard name.
  server_.handler = [](const Seen& s) {
    auto rr = [](const std::string& name, const std::string& sid) {
      std::string x = "<ResourceRecordSet><Name>" + name + "</Name><Type>A</Type>";
      if (!sid.empty()) x += "<SetIdentifier>" + sid + "</SetIdentifier><Weight>1</Weight>";
      return x + "<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value>"
                 "</ResourceRecord></ResourceRecords></ResourceRecordSet>";
    };
    std::string head = "<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ResourceRecordSets>";
    if (s.uri == "/2013-04-01/hostedzone/Z1/rrset?maxitems=300") {
      return Reply{200, head + rr("a.example.com.", "") + rr("w.example.com.", "blue") +
                            "</ResourceRecordSets><IsTruncated>true</IsTruncated>"
                            "<NextRecordName>w.example.com.</NextRecordName><NextRecordType>A</NextRecordType>"
                            "<NextRecordIdentifier>green</NextRecordIdentifier><MaxItems>300</MaxItems>"
                            "</ListResourceRecordSetsResponse>"};
    }
    if (s.uri == "/2013-04-01/hostedzone/Z1/rrset?identifier=green&maxitems=300&name=w.example.com.&type=A") {
      return Reply{200, head + rr("w.example.com.", "green") +
                            "</ResourceRecordSets><IsTruncated>true</IsTruncated>"
                            "<NextRecordName>\\052.x.example.com.</NextRecordName><NextRecordType>A</NextRecordType>"
                            "<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>"};
    }
    if (s.uri == "/2013-04-01/hostedzone/Z1/rrset?maxitems=300&name=%5C052.x.example.com.&type=A") {
      return Reply{200, head + rr("\\052.x.example.com.", "") +
                            "</ResourceRecordSets><IsTruncated>false</IsTruncated>"
                            "<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>"};
    }
    return Reply{400, error_body("InvalidInput", "unexpected " + s.uri)};
  };
  ApiResult<std::vector<RecordSet>> got;
  bool done = false;
  client->list_rrsets("/hostedzone/Z1", [&](ApiResult<std::vector<RecordSet>> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got.value().size(), 4u);
  EXPECT_EQ(got.value()[1].set_identifier, "blue");
  EXPECT_EQ(got.value()[2].set_identifier, "green");
  EXPECT_EQ(got.value()[3].name, "\\052.x.example.com.");
  EXPECT_EQ(got.requests, 3);
}

TEST_F(Route53ClientTest, ListHostedZonesFollowsMarkers) {
  auto client = make_client();
  auto zone = [](const std::string& id, const std::string& name) {
    return "<HostedZone><Id>/hostedzone/" + id + "</Id><Name>" + name +
           "</Name><CallerReference>r</CallerReference><Config><PrivateZone>false</PrivateZone>"
           "</Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>";
  };
  server_.handler = [&](const Seen& s) {
    if (s.uri == "/2013-04-01/hostedzone?maxitems=100") {
      return Reply{200, "<ListHostedZonesResponse><HostedZones>" + zone("Z1", "a.com.") +
                            "</HostedZones><Marker/><IsTruncated>true</IsTruncated><NextMarker>Z2</NextMarker>"
                            "<MaxItems>100</MaxItems></ListHostedZonesResponse>"};
    }
    if (s.uri == "/2013-04-01/hostedzone?marker=Z2&maxitems=100") {
      return Reply{200, "<ListHostedZonesResponse><HostedZones>" + zone("Z2", "b.com.") +
                            zone("Z3", "c.com.") +
                            "</HostedZones><Marker>Z2</Marker><IsTruncated>false</IsTruncated>"
                            "<MaxItems>100</MaxItems></ListHostedZonesResponse>"};
    }
    return Reply{400, error_body("InvalidInput", s.uri)};
  };
  ApiResult<std::vector<HostedZone>> got;
  bool done = false;
  client->list_hosted_zones([&](ApiResult<std::vector<HostedZone>> r) { got = std::move(r); done = true; });
  wait(got, done);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got.value().size(), 3u);
  EXPECT_EQ(got.value()[2].name, "c.com.");
}

TEST_F(Route53ClientTest, FindHostedZonesByNameKeepsExactMatchesOnly) {
  auto client = make_client();
  auto zone = [](const std::string& id, const std::string& name) {
    return "<HostedZone><Id>/hostedzone/" + id + "</Id><Name>" + name +
           "</Name><CallerReference>r</CallerReference><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>";
  };
  server_.handler = [&](const Seen& s) {
    if (s.uri == "/2013-04-01/hostedzonesbyname?dnsname=example.com.&maxitems=100") {
      return Reply{200, "<ListHostedZonesByNameResponse><HostedZones>" + zone("Z1", "example.com.") +
                            zone("Z2", "example.com.") + zone("Z3", "www.example.com.") +
                            "</HostedZones><IsTruncated>true</IsTruncated><NextDNSName>zzz.com.</NextDNSName>"
                            "<NextHostedZoneId>Z4</NextHostedZoneId></ListHostedZonesByNameResponse>"};
    }
    return Reply{400, error_body("InvalidInput", s.uri)};
  };
  ApiResult<std::vector<HostedZone>> got;
  bool done = false;
  client->find_hosted_zones_by_name("EXAMPLE.com", [&](ApiResult<std::vector<HostedZone>> r) {
    got = std::move(r);
    done = true;
  });
  wait(got, done);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got.value().size(), 2u);
  EXPECT_EQ(got.value()[1].id, "/hostedzone/Z2");
  EXPECT_EQ(server_.seen.size(), 1u);  // stopped at the first other name
}

TEST_F(Route53ClientTest, EachAttemptIsSignedWithANewDate) {
  FakeClock fake(1'440'938'160'000, 1'000'000);
  loop::EventBase loop(fake);
  HttpClient http(loop.base());
  FakeRoute53 server(loop.base());
  Route53Options o = fast_options();
  Endpoint ep;
  ep.host_header = "127.0.0.1:" + std::to_string(server.port);
  ep.base_url = "http://" + ep.host_header;
  ep.signing_region = "eu-central-1";
  Route53Client client(loop, http,
                       [&](std::function<void(Result<Credentials>)> cb) {
                         loop.defer([cb] { cb(Credentials{"AK", "SK", "TOKEN", 0, "t"}); });
                       },
                       ep, o);
  server.handler = [&](const Seen& s) {
    fake.advance_ms(2000);  // time passes between attempts
    if (server.seen.size() < 2) return Reply{500, ""};
    (void)s;
    return Reply{200, change_info_body("GetChangeResponse", "PENDING")};
  };
  bool done = false;
  client.get_change("C9", [&](ApiResult<ChangeInfo> r) {
    EXPECT_TRUE(r.ok());
    done = true;
  });
  while (!done && loop.run_once()) {
  }
  ASSERT_EQ(server.seen.size(), 2u);
  EXPECT_EQ(server.seen[0].header("X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(server.seen[1].header("X-Amz-Date"), "20150830T123602Z");
  EXPECT_NE(server.seen[0].header("Authorization"), server.seen[1].header("Authorization"));
  EXPECT_EQ(server.seen[1].header("X-Amz-Security-Token"), "TOKEN");
  EXPECT_NE(server.seen[1].header("Authorization").find("/eu-central-1/route53/"), std::string::npos);
}

TEST_F(Route53ClientTest, EveryRequestWaitsForARateLimiterToken) {
  Route53Options o = fast_options();
  o.rate = {.requests_per_second = 20, .burst = 1};
  auto client = make_client(o);
  server_.handler = [](const Seen&) { return Reply{200, change_info_body("GetChangeResponse", "PENDING")}; };
  int done = 0;
  int64_t start = clock_.mono_ms();
  for (int i = 0; i < 6; i++) client->get_change("C" + std::to_string(i), [&](ApiResult<ChangeInfo>) { done++; });
  Timer guard(loop_, [this] { loop_.stop(); });
  guard.start_once(5000);
  while (done < 6 && loop_.run_once()) {
  }
  int64_t took = clock_.mono_ms() - start;
  EXPECT_EQ(done, 6);
  EXPECT_GE(took, 240);  // 5 intervals of 50 ms after the first token
  EXPECT_EQ(client->limiter().stats().granted, 6u);
}

TEST_F(Route53ClientTest, CancelDuringBackoffSuppressesTheCallback) {
  Route53Options o = fast_options();
  o.backoff = {.base_ms = 200, .cap_ms = 200, .max_attempts = 5};
  o.rng = [] { return 1.0; };
  auto client = make_client(o);
  server_.handler = [](const Seen&) { return Reply{400, error_body("Throttling", "Rate exceeded")}; };
  bool called = false;
  uint64_t id = client->get_change("C1", [&](ApiResult<ChangeInfo>) { called = true; });
  Timer cancel(loop_, [&] { client->cancel(id); });
  cancel.start_once(100);  // after the first reply, during the 200 ms back-off
  Timer stop(loop_, [this] { loop_.stop(); });
  stop.start_once(600);
  loop_.run();
  EXPECT_FALSE(called);
  EXPECT_EQ(server_.seen.size(), 1u);
}

TEST_F(Route53ClientTest, DestroyingTheClientCancelsEverything) {
  auto client = make_client();
  server_.handler = [](const Seen&) { return Reply{200, change_info_body("GetChangeResponse", "PENDING")}; };
  bool called = false;
  client->get_change("C1", [&](ApiResult<ChangeInfo>) { called = true; });
  client->list_rrsets("Z1", [&](ApiResult<std::vector<RecordSet>>) { called = true; });
  client.reset();
  Timer stop(loop_, [this] { loop_.stop(); });
  stop.start_once(100);
  loop_.run();
  EXPECT_FALSE(called);
}

TEST_F(Route53ClientTest, BadZoneNameFailsFromTheLoop) {
  auto client = make_client();
  bool returned = false;
  ApiResult<std::vector<HostedZone>> got;
  bool done = false;
  client->find_hosted_zones_by_name("a..b", [&](ApiResult<std::vector<HostedZone>> r) {
    EXPECT_TRUE(returned);
    got = std::move(r);
    done = true;
  });
  returned = true;
  wait(got, done);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(server_.seen.empty());
}

}  // namespace
}  // namespace r53d::r53
