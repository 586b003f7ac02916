// Tests of route53-sim's SigV4 verification: the answers AWS gives for each kind of bad request.
#include "sim/auth.h"

#include <gtest/gtest.h>

namespace r53d::sim {
namespace {

r53::SignableRequest signed_request(const std::string& akid, const std::string& secret,
                                    const std::string& region, int64_t wall_ms) {
  r53::SignableRequest req;
  req.method = "POST";
  req.path = "/2013-04-01/hostedzone/Z1/rrset/";
  req.query = {};
  req.headers = {{"Host", "127.0.0.1:8053"}, {"Content-Type", "text/xml"}};
  req.body = "<ChangeResourceRecordSetsRequest/>";
  r53::Credentials c;
  c.access_key_id = akid;
  c.secret_access_key = secret;
  r53::SigningParams p;
  p.region = region;
  p.wall_ms = wall_ms;
  r53::sign(req, c, p);
  return req;
}

class SimAuth : public ::testing::Test {
 protected:
  FakeClock clock_{1'700'000'000'000};
  Authenticator auth_{{{"AKIDTEST", "secret1"}, {"AKID2", "secret2"}}, clock_};
};

TEST_F(SimAuth, AcceptsAGoodSignatureInAnyRegion) {
  for (const char* region : {"us-east-1", "us-west-2", "eu-central-1"}) {
    auto a = auth_.verify(signed_request("AKIDTEST", "secret1", region, clock_.wall_ms()));
    EXPECT_TRUE(a.ok) << region << ": " << a.code << " " << a.message;
    EXPECT_EQ(a.access_key_id, "AKIDTEST");
  }
  auto b = auth_.verify(signed_request("AKID2", "secret2", "us-east-1", clock_.wall_ms() - 60'000));
  EXPECT_TRUE(b.ok) << b.message;
  EXPECT_EQ(b.access_key_id, "AKID2");
}

TEST_F(SimAuth, WrongSecretIsSignatureDoesNotMatch) {
  auto a = auth_.verify(signed_request("AKIDTEST", "wrong", "us-east-1", clock_.wall_ms()));
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.http_status, 403);
  EXPECT_EQ(a.code, "SignatureDoesNotMatch");
  EXPECT_EQ(a.message.rfind("The request signature we calculated does not match the signature "
                            "you provided. Check your AWS Secret Access Key and signing method.",
                            0),
            0u);
  EXPECT_EQ(a.message.find("secret1"), std::string::npos);
}

TEST_F(SimAuth, TamperedBodyIsSignatureDoesNotMatch) {
  auto req = signed_request("AKIDTEST", "secret1", "us-east-1", clock_.wall_ms());
  req.body += " ";
  auto a = auth_.verify(req);
  EXPECT_EQ(a.code, "SignatureDoesNotMatch");
}

TEST_F(SimAuth, UnknownKeyIsInvalidClientTokenId) {
  auto a = auth_.verify(signed_request("AKIDOTHER", "secret1", "us-east-1", clock_.wall_ms()));
  EXPECT_EQ(a.http_status, 403);
  EXPECT_EQ(a.code, "InvalidClientTokenId");
  EXPECT_EQ(a.message, "The security token included in the request is invalid.");
}

TEST_F(SimAuth, MissingAuthorizationIsMissingAuthenticationToken) {
  r53::SignableRequest req;
  req.method = "GET";
  req.path = "/2013-04-01/hostedzone";
  req.headers = {{"Host", "127.0.0.1:8053"}};
  auto a = auth_.verify(req);
  EXPECT_EQ(a.http_status, 403);
  EXPECT_EQ(a.code, "MissingAuthenticationToken");
  EXPECT_EQ(a.message, "Missing Authentication Token");
}

TEST_F(SimAuth, MalformedAuthorizationIsIncompleteSignature) {
  r53::SignableRequest req;
  req.method = "GET";
  req.path = "/2013-04-01/hostedzone";
  req.headers = {{"Host", "h"}, {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST"}};
  auto a = auth_.verify(req);
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.code, "IncompleteSignature");
}

TEST_F(SimAuth, ClockSkewOverFiveMinutesIsRefused) {
  auto old = auth_.verify(signed_request("AKIDTEST", "secret1", "us-east-1", clock_.wall_ms() - 301'000));
  EXPECT_EQ(old.code, "SignatureDoesNotMatch");
  EXPECT_EQ(old.message.rfind("Signature expired: ", 0), 0u) << old.message;
  EXPECT_NE(old.message.find(" - 5 min.)"), std::string::npos) << old.message;
  auto future = auth_.verify(signed_request("AKIDTEST", "secret1", "us-east-1", clock_.wall_ms() + 301'000));
  EXPECT_EQ(future.code, "SignatureDoesNotMatch");
  EXPECT_EQ(future.message.rfind("Signature not yet current: ", 0), 0u) << future.message;
  auto edge = auth_.verify(signed_request("AKIDTEST", "secret1", "us-east-1", clock_.wall_ms() + 299'000));
  EXPECT_TRUE(edge.ok) << edge.message;
}

TEST_F(SimAuth, WrongServiceInScopeIsRefused) {
  r53::SignableRequest req;
  req.method = "GET";
  req.path = "/2013-04-01/hostedzone";
  req.headers = {{"Host", "h"}};
  r53::Credentials c;
  c.access_key_id = "AKIDTEST";
  c.secret_access_key = "secret1";
  r53::SigningParams p;
  p.service = "s3";
  p.wall_ms = clock_.wall_ms();
  r53::sign(req, c, p);
  auto a = auth_.verify(req);
  EXPECT_EQ(a.code, "SignatureDoesNotMatch");
  EXPECT_EQ(a.message, "Credential should be scoped to correct service: 'route53'. ");
}

TEST(SimAuthDisabled, AcceptsAnythingAndReportsTheKeyForRateLimiting) {
  FakeClock clock;
  Authenticator auth({}, clock);
  EXPECT_FALSE(auth.enabled());
  r53::SignableRequest req;
  req.headers = {{"Host", "h"}};
  auto a = auth.verify(req);
  EXPECT_TRUE(a.ok);
  EXPECT_EQ(a.access_key_id, "anonymous");
  auto b = auth.verify(signed_request("SOMEKEY", "x", "us-east-1", 0));
  EXPECT_TRUE(b.ok);
  EXPECT_EQ(b.access_key_id, "SOMEKEY");
}

}  // namespace
}  // namespace r53d::sim
