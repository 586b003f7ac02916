// Tests for CredentialProvider: asynchronous delivery, container and IMDS sources, refresh,
// the chain's final error (fake HTTP).
#include "r53/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <fstream>

#include "loop/event_base.h"
#include "util/clock.h"
#include "util/log.h"

namespace r53d::r53 {
namespace {

// Dummy secrets only; the tests check they never leak into messages.
constexpr char kSecret[] = "dummy-secret-do-not-log";

// Records requests; the test answers them in order.
class FakeFetcher final : public Fetcher {
 public:
  struct Call {
    uint64_t id;
    HttpRequest req;
    HttpClient::Callback cb;
  };
  uint64_t start(HttpRequest req, HttpClient::Callback cb) override {
    seen.push_back(req);
    pending.push_back({next_id_, std::move(req), std::move(cb)});
    return next_id_++;
  }
  void cancel(uint64_t id) override {
    ++cancels;
    std::erase_if(pending, [&](const Call& c) { return c.id == id; });
  }
  // Answers the oldest pending request; returns it.
  HttpRequest respond(long status, std::string body) {
    EXPECT_FALSE(pending.empty());
    if (pending.empty()) return {};
    Call c = std::move(pending.front());
    pending.pop_front();
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    c.cb(std::move(r));
    return c.req;
  }
  HttpRequest fail(Status s) {
    EXPECT_FALSE(pending.empty());
    if (pending.empty()) return {};
    Call c = std::move(pending.front());
    pending.pop_front();
    c.cb(std::move(s));
    return c.req;
  }
  std::deque<Call> pending;
  std::vector<HttpRequest> seen;
  int cancels = 0;

 private:
  uint64_t next_id_ = 1;
};

std::string header(const HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.first == name) return h.second;
  }
  return "<absent>";
}

// A temporary HOME with helpers to write ~/.aws files.
class TempHome {
 public:
  TempHome() {
    const char* base = getenv("TEST_TMP");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/r53d-cred-XXXXXX";
    char* d = mkdtemp(tmpl.data());
    EXPECT_NE(d, nullptr);
    dir_ = tmpl;
    mkdir((dir_ + "/.aws").c_str(), 0700);
  }
  ~TempHome() {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (system(cmd.c_str()) != 0) ADD_FAILURE() << "cleanup failed";
  }
  const std::string& dir() const { return dir_; }
  std::string write(const std::string& rel, const std::string& text) const {
    std::string path = dir_ + "/" + rel;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::string dir_;
};

// ---- the provider: asynchronous delivery, remote sources, refresh ----

class ProviderTest : public ::testing::Test {
 protected:
  ProviderTest() : loop_(clock_) {}

  // The eventual result of one get(): empty until the callback ran.
  struct Pending {
    std::shared_ptr<std::optional<Result<Credentials>>> v =
        std::make_shared<std::optional<Result<Credentials>>>();
    explicit operator bool() const { return v->has_value(); }
    const Result<Credentials>& operator*() const { return **v; }
    const Result<Credentials>* operator->() const { return &**v; }
  };

  // Calls get() and runs the loop until the callback ran or HTTP is awaited.
  Pending get(CredentialProvider& p) {
    Pending out;
    auto slot = out.v;
    p.get([slot](Result<Credentials> r) { *slot = std::move(r); });
    EXPECT_FALSE(out) << "get() called back before returning";
    pump(out);
    return out;
  }
  void pump(const Pending& out) {
    for (int i = 0; i < 50 && !out; ++i) loop_.run_once(/*nonblocking=*/true);
  }
  // Answers HTTP calls in order, running the loop in between; then returns get()'s result.
  void run() {
    for (int i = 0; i < 50; ++i) loop_.run_once(true);
  }

  FakeClock clock_{1'440'938'160'000};
  loop::EventBase loop_;
  FakeFetcher http_;
  TempHome home_;
  static CredentialOptions test_options() {
    CredentialOptions o;
    o.container_base_url = "http://container.test";  // never contacted: the fetcher is fake
    o.imds_base_url = "http://imds.test";
    o.container_retry_delay_ms = 0;
    return o;
  }
  CredentialOptions opts_ = test_options();
  Env env_ = {{"HOME", home_.dir()}};
};

std::string creds_json(const char* akid, const char* expiration) {
  return std::string(R"({"AccessKeyId":")") + akid + R"(","SecretAccessKey":")" + kSecret +
         R"(","Token":"tok-)" + akid + R"(","Expiration":")" + expiration + R"("})";
}

TEST_F(ProviderTest, StaticCredentialsAreDeliveredLaterAndCached) {
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "ENVKEY");
  EXPECT_EQ(p.source(), "environment");
  clock_.advance_ms(365LL * 24 * 3600 * 1000);
  r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ(p.fetches(), 1u);
  EXPECT_TRUE(http_.seen.empty());
}

// Bug: the environment's keys beat access-key-id/secret-access-key of the INI. The source is
// logged once, with the access key masked and never the secret.
TEST_F(ProviderTest, IniKeysWinOverEnvironmentAndTheSourceIsLoggedOnce) {
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEYENVKEYENVKEY01";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  opts_.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  opts_.secret_access_key = kSecret;
  CredentialProvider p(loop_, http_, env_, opts_);
  log::Level level = log::level();
  log::set_level(log::Level::kInfo);
  testing::internal::CaptureStderr();
  auto r = get(p);
  auto again = get(p);
  std::string logged = testing::internal::GetCapturedStderr();
  log::set_level(level);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ((*r)->secret_access_key, kSecret);
  EXPECT_EQ(p.source(), "configuration file [aws]");
  ASSERT_TRUE(again && again->ok());
  const std::string line =
      "AWS credentials: from configuration file [aws] (access key AKIA...MPLE)";
  size_t at = logged.find(line);
  EXPECT_NE(at, std::string::npos) << logged;
  EXPECT_EQ(logged.find(line, at + 1), std::string::npos) << "logged twice: " << logged;
  EXPECT_EQ(logged.find(kSecret), std::string::npos);
  EXPECT_EQ(logged.find("IOSFODNN7EX"), std::string::npos);
}

TEST(MaskedAccessKeyId, ShowsOnlyTheEnds) {
  EXPECT_EQ(masked_access_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA...MPLE");
  EXPECT_EQ(masked_access_key_id("ASIA12345678"), "ASIA...5678");
  EXPECT_EQ(masked_access_key_id("SHORTKEY"), "...EY");
  EXPECT_EQ(masked_access_key_id("A"), "...");
  EXPECT_EQ(masked_access_key_id(""), "...");
}

TEST_F(ProviderTest, NoCredentialsErrorListsEverySourceTried) {
  env_["AWS_EC2_METADATA_DISABLED"] = "TRUE";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(r->status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(r->status().message(),
            "no AWS credentials found; tried: configuration file [aws] (no access-key-id), "
            "environment (AWS_ACCESS_KEY_ID not set), shared credentials file " +
                home_.dir() + "/.aws/credentials (not found), shared config file " + home_.dir() +
                "/.aws/config (not found), container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/"
                "_FULL_URI not set), instance metadata (AWS_EC2_METADATA_DISABLED=true)");
  EXPECT_TRUE(http_.seen.empty());
  // Failures are not cached: a key that appears later is found.
  home_.write(".aws/credentials", "[default]\naws_access_key_id = LATE\naws_secret_access_key = l\n");
  r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "LATE");
}

TEST_F(ProviderTest, ContainerRelativeUriWithTokenAndRefresh) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "auth-token";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  EXPECT_FALSE(r);
  ASSERT_EQ(http_.pending.size(), 1u);
  HttpRequest req = http_.respond(200, creds_json("C1", "2015-08-30T13:36:00Z"));
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, "http://container.test/v2/credentials/abc");
  EXPECT_EQ(header(req, "Accept"), "application/json");
  EXPECT_EQ(header(req, "Authorization"), "auth-token");
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "C1");
  EXPECT_EQ((*r)->session_token, "tok-C1");
  EXPECT_EQ(p.source(), "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)");

  // 54 minutes later: still more than 5 minutes left, cached.
  clock_.advance_ms(54 * 60 * 1000);
  r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ(http_.seen.size(), 1u);
  // 56 minutes: inside the refresh window, fetched again.
  clock_.advance_ms(2 * 60 * 1000);
  r = get(p);
  EXPECT_FALSE(r);
  ASSERT_EQ(http_.pending.size(), 1u);
  http_.respond(200, creds_json("C2", "2015-08-30T14:36:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "C2");
  EXPECT_EQ(p.fetches(), 2u);
}

TEST_F(ProviderTest, ContainerTokenFileIsReadEachTime) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "env-token";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = home_.write("token", "token-one\n");
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  HttpRequest req = http_.respond(200, creds_json("C1", "2015-08-30T13:00:00Z"));
  EXPECT_EQ(header(req, "Authorization"), "token-one");
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  home_.write("token", "token-two");
  clock_.advance_ms(20 * 60 * 1000);  // 4 minutes before expiry
  r = get(p);
  req = http_.respond(200, creds_json("C2", "2015-08-30T14:00:00Z"));
  EXPECT_EQ(header(req, "Authorization"), "token-two");
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "C2");
}

TEST_F(ProviderTest, ContainerFullUriMustBeLoopbackOrHttps) {
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://192.0.2.1/creds";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(r->status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(http_.seen.empty());

  for (const char* ok : {"http://127.0.0.1:9/creds", "http://localhost/creds",
                         "http://169.254.170.23/v1/credentials", "https://creds.example.test/x",
                         "http://[::1]:80/c"}) {
    SCOPED_TRACE(ok);
    env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ok;
    CredentialProvider q(loop_, http_, env_, opts_);
    auto s = get(q);
    ASSERT_EQ(http_.pending.size(), 1u);
    EXPECT_EQ(http_.respond(200, creds_json("F", "2015-08-30T13:00:00Z")).url, ok);
    pump(s);
    ASSERT_TRUE(s && s->ok());
  }
}

TEST_F(ProviderTest, ContainerRetriesServerErrorsButNotClientErrors) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/creds";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  http_.respond(500, "oops");
  pump(r);
  ASSERT_EQ(http_.pending.size(), 1u);
  http_.fail(Status::unavailable("connection refused"));
  pump(r);
  ASSERT_EQ(http_.pending.size(), 1u);
  http_.respond(200, creds_json("C3", "2015-08-30T13:00:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ(http_.seen.size(), 3u);

  CredentialProvider q(loop_, http_, env_, opts_);
  auto s = get(q);
  http_.respond(403, "denied dummy-secret-do-not-log");
  pump(s);
  ASSERT_TRUE(s);
  ASSERT_FALSE(s->ok());
  EXPECT_EQ(s->status().code(), Code::kUnavailable);
  EXPECT_EQ(s->status().message(), "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): HTTP 403");
  EXPECT_EQ(http_.seen.size(), 4u);

  // Three failures in a row: gives up after container_attempts.
  CredentialProvider t(loop_, http_, env_, opts_);
  auto u = get(t);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(http_.pending.size(), 1u) << i;
    http_.respond(503, "");
    pump(u);
  }
  ASSERT_TRUE(u);
  EXPECT_EQ(u->status().message(), "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): HTTP 503");
}

TEST_F(ProviderTest, ImdsV2FlowAndRefreshBeforeExpiry) {
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  ASSERT_EQ(http_.pending.size(), 1u);
  HttpRequest put = http_.respond(200, "imds-session-token");
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.url, "http://imds.test/latest/api/token");
  EXPECT_EQ(header(put, "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(put.timeout_ms, 1000);
  HttpRequest role = http_.respond(200, "dns-role\n");
  EXPECT_EQ(role.method, "GET");
  EXPECT_EQ(role.url, "http://imds.test/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(header(role, "X-aws-ec2-metadata-token"), "imds-session-token");
  HttpRequest cr = http_.respond(
      200, R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"I1","SecretAccessKey":"s","Token":"t","Expiration":"2015-08-30T18:36:00Z"})");
  EXPECT_EQ(cr.url, "http://imds.test/latest/meta-data/iam/security-credentials/dns-role");
  EXPECT_EQ(header(cr, "X-aws-ec2-metadata-token"), "imds-session-token");
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "I1");
  EXPECT_EQ(p.source(), "instance metadata (role dns-role)");

  // 5 h 54 min later: cached. 5 h 56 min: refreshed.
  clock_.advance_ms((5 * 60 + 54) * 60 * 1000LL);
  r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ(http_.seen.size(), 3u);
  clock_.advance_ms(2 * 60 * 1000);
  r = get(p);
  http_.respond(200, "token2");
  http_.respond(200, "dns-role");
  http_.respond(200, creds_json("I2", "2015-08-30T19:36:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "I2");
  EXPECT_EQ(http_.seen.size(), 6u);
}

TEST_F(ProviderTest, RefreshFailureKeepsValidCredentialsThenFails) {
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  http_.respond(200, "t");
  http_.respond(200, "role");
  http_.respond(200, creds_json("I1", "2015-08-30T13:36:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");

  clock_.advance_ms(58 * 60 * 1000);  // 2 minutes left
  r = get(p);
  http_.fail(Status::deadline_exceeded("timeout"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "I1");
  // Within min_refresh_interval: no new attempt.
  clock_.advance_ms(10 * 1000);
  r = get(p);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_TRUE(http_.pending.empty());

  clock_.advance_ms(2 * 60 * 1000);  // expired now
  r = get(p);
  http_.respond(500, "");
  pump(r);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(r->status().code(), Code::kUnavailable);
  EXPECT_EQ(r->status().message(), "instance metadata http://imds.test (token: HTTP 500)");
}

TEST_F(ProviderTest, ImdsV1FallbackUnlessDisabled) {
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  http_.respond(405, "");
  HttpRequest role = http_.respond(200, "r");
  EXPECT_EQ(header(role, "X-aws-ec2-metadata-token"), "<absent>");
  http_.respond(200, creds_json("V1", "2015-08-30T13:36:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok()) << (r ? r->status().to_string() : "no result");
  EXPECT_EQ((*r)->access_key_id, "V1");

  env_["AWS_EC2_METADATA_V1_DISABLED"] = "true";
  CredentialProvider q(loop_, http_, env_, opts_);
  auto s = get(q);
  http_.respond(403, "");
  pump(s);
  ASSERT_TRUE(s);
  ASSERT_FALSE(s->ok());
  EXPECT_EQ(s->status().code(), Code::kFailedPrecondition);
  EXPECT_NE(s->status().message().find("instance metadata http://imds.test (token: HTTP 403)"),
            std::string::npos);
}

TEST_F(ProviderTest, ImdsUnreachableEndsTheChainWithTheList) {
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1/";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  HttpRequest put = http_.fail(Status::unavailable("Connection refused"));
  EXPECT_EQ(put.url, "http://127.0.0.1:1/latest/api/token");
  pump(r);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_EQ(r->status().code(), Code::kFailedPrecondition);
  const std::string& m = r->status().message();
  EXPECT_EQ(m.rfind("no AWS credentials found; tried: configuration file [aws]", 0), 0u) << m;
  EXPECT_NE(m.find("container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI not set), "
                   "instance metadata http://127.0.0.1:1 (token: Connection refused)"),
            std::string::npos)
      << m;
}

TEST_F(ProviderTest, ImdsWithoutRole) {
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "IPv6";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  EXPECT_EQ(http_.respond(200, "t").url, "http://[fd00:ec2::254]/latest/api/token");
  http_.respond(404, "");
  pump(r);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_NE(r->status().message().find("(no IAM role attached to the instance)"), std::string::npos);
}

TEST_F(ProviderTest, ExpiredCredentialsFromTheSourceAreRefused) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/c";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  http_.respond(200, creds_json("OLD", "2015-08-30T12:00:00Z"));
  pump(r);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->ok());
  EXPECT_NE(r->status().message().find("already expired"), std::string::npos);
}

TEST_F(ProviderTest, ConcurrentGetsShareOneFetch) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/c";
  CredentialProvider p(loop_, http_, env_, opts_);
  int calls = 0;
  for (int i = 0; i < 5; ++i) {
    p.get([&](Result<Credentials> r) {
      EXPECT_TRUE(r.ok());
      ++calls;
    });
  }
  run();
  EXPECT_EQ(http_.pending.size(), 1u);
  http_.respond(200, creds_json("C", "2015-08-30T13:36:00Z"));
  EXPECT_EQ(calls, 0);  // delivered from the loop, not inside the HTTP callback
  run();
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(http_.seen.size(), 1u);
}

TEST_F(ProviderTest, DestroyingTheProviderCancelsAndDropsCallbacks) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/c";
  bool called = false;
  {
    CredentialProvider p(loop_, http_, env_, opts_);
    p.get([&](Result<Credentials>) { called = true; });
    run();
    EXPECT_EQ(http_.pending.size(), 1u);
  }
  EXPECT_EQ(http_.cancels, 1);
  EXPECT_TRUE(http_.pending.empty());
  // A delivery already queued on the loop is dropped too.
  env_.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  env_["AWS_ACCESS_KEY_ID"] = "K";
  env_["AWS_SECRET_ACCESS_KEY"] = kSecret;
  {
    CredentialProvider p(loop_, http_, env_, opts_);
    p.get([&](Result<Credentials>) { called = true; });
  }
  run();
  EXPECT_FALSE(called);
}

TEST_F(ProviderTest, CallersDuringARefreshGetValidCredentialsAtOnce) {
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/c";
  CredentialProvider p(loop_, http_, env_, opts_);
  auto r = get(p);
  http_.respond(200, creds_json("C1", "2015-08-30T13:36:00Z"));
  pump(r);
  ASSERT_TRUE(r && r->ok());

  clock_.advance_ms(56 * 60 * 1000);  // 4 minutes left: refresh starts, waits for HTTP
  auto first = get(p);
  EXPECT_FALSE(first);
  ASSERT_EQ(http_.pending.size(), 1u);
  auto second = get(p);  // still valid for 4 minutes: served from the cache
  ASSERT_TRUE(second && second->ok());
  EXPECT_EQ((*second)->access_key_id, "C1");
  clock_.advance_ms(3 * 60 * 1000 + 30 * 1000);  // 30 s left: waits for the refresh
  auto third = get(p);
  EXPECT_FALSE(third);
  http_.respond(200, creds_json("C2", "2015-08-30T14:36:00Z"));
  pump(first);
  pump(third);
  ASSERT_TRUE(first && first->ok());
  ASSERT_TRUE(third && third->ok());
  EXPECT_EQ((*first)->access_key_id, "C2");
  EXPECT_EQ((*third)->access_key_id, "C2");
  EXPECT_EQ(http_.seen.size(), 2u);
}

}  // namespace
}  // namespace r53d::r53
