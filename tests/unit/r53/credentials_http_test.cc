// Container and IMDSv2 credentials end to end: the real HttpClient on a real event loop against
// a small evhttp server on 127.0.0.1 (port chosen by the kernel) that plays ECS and IMDS.
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/credentials.h"
#include "r53/http.h"
#include "util/clock.h"

namespace r53d::r53 {
namespace {

constexpr int64_t kStartMs = 1'440'938'160'000;  // 2015-08-30T12:36:00Z

// Plays the ECS credentials endpoint (/ecs/creds) and IMDS (/latest/...), checking the headers
// a real service would check.
class MetadataServer {
 public:
  explicit MetadataServer(event_base* base) {
    http_ = evhttp_new(base);
    evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_PUT);
    evhttp_set_gencb(http_, &MetadataServer::on_request_cb, this);
    evhttp_bound_socket* sock = evhttp_bind_socket_with_handle(http_, "127.0.0.1", 0);
    EXPECT_NE(sock, nullptr);
    sockaddr_in sin{};
    socklen_t len = sizeof sin;
    getsockname(evhttp_bound_socket_get_fd(sock), reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~MetadataServer() { evhttp_free(http_); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  int token_puts = 0;
  int role_gets = 0;
  int cred_gets = 0;
  int ecs_gets = 0;
  std::string expiration = "2015-08-30T18:36:00Z";

 private:
  static void on_request_cb(evhttp_request* req, void* arg) {
    static_cast<MetadataServer*>(arg)->on_request(req);
  }
  void reply(evhttp_request* req, int code, const std::string& body) {
    evbuffer* out = evbuffer_new();
    evbuffer_add(out, body.data(), body.size());
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", out);
    evbuffer_free(out);
  }
  std::string in_header(evhttp_request* req, const char* name) {
    const char* v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
    return v ? v : "";
  }
  std::string creds(const std::string& akid) {
    return R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":")" + akid +
           R"(","SecretAccessKey":"dummy-secret","Token":"dummy-token","Expiration":")" +
           expiration + "\"}";
  }
  void on_request(evhttp_request* req) {
    std::string path = evhttp_request_get_uri(req);
    auto cmd = evhttp_request_get_command(req);
    if (path == "/latest/api/token" && cmd == EVHTTP_REQ_PUT) {
      if (in_header(req, "X-aws-ec2-metadata-token-ttl-seconds") != "21600") return reply(req, 400, "");
      ++token_puts;
      token_ = "imds-token-" + std::to_string(token_puts);
      return reply(req, 200, token_);
    }
    if (path.rfind("/latest/meta-data/iam/security-credentials/", 0) == 0 && cmd == EVHTTP_REQ_GET) {
      if (token_.empty() || in_header(req, "X-aws-ec2-metadata-token") != token_) {
        return reply(req, 401, "");
      }
      std::string role = path.substr(strlen("/latest/meta-data/iam/security-credentials/"));
      if (role.empty()) {
        ++role_gets;
        return reply(req, 200, "dns-role");
      }
      if (role != "dns-role") return reply(req, 404, "");
      ++cred_gets;
      return reply(req, 200, creds("IMDS" + std::to_string(cred_gets)));
    }
    if (path == "/ecs/creds" && cmd == EVHTTP_REQ_GET) {
      if (in_header(req, "Authorization") != "ecs-auth") return reply(req, 403, "");
      if (in_header(req, "Accept") != "application/json") return reply(req, 406, "");
      ++ecs_gets;
      return reply(req, 200, creds("ECS" + std::to_string(ecs_gets)));
    }
    reply(req, 404, "");
  }

  evhttp* http_ = nullptr;
  uint16_t port_ = 0;
  std::string token_;
};

class CredentialsHttp : public ::testing::Test {
 protected:
  CredentialsHttp() : loop_(clock_), http_(loop_.base()), fetcher_(http_), server_(loop_.base()) {
    const char* base = getenv("TEST_TMP");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/r53d-credhttp-XXXXXX";
    home_ = mkdtemp(tmpl.data());
    env_ = {{"HOME", home_}};
    opts_.imds_base_url = "http://127.0.0.1:1";         // never the real 169.254.169.254
    opts_.container_base_url = "http://127.0.0.1:1";
  }
  ~CredentialsHttp() override { rmdir(home_.c_str()); }

  // Runs the loop until get() calls back (5 s guard).
  Result<Credentials> wait_get(CredentialProvider& p) {
    auto out = std::make_shared<std::optional<Result<Credentials>>>();
    p.get([this, out](Result<Credentials> r) {
      *out = std::move(r);
      loop_.stop();
    });
    loop::Timer guard(loop_, [this] { loop_.stop(); });
    guard.start_once(5000);
    loop_.run();
    if (!out->has_value()) return Status::deadline_exceeded("no callback within 5 s");
    return std::move(**out);
  }

  FakeClock clock_{kStartMs};
  loop::EventBase loop_;
  HttpClient http_;
  HttpClientFetcher fetcher_;
  MetadataServer server_;
  std::string home_;
  Env env_;
  CredentialOptions opts_;
};

TEST_F(CredentialsHttp, ImdsV2AgainstALocalServerAndRefresh) {
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server_.base_url() + "/";
  CredentialProvider p(loop_, fetcher_, env_, opts_);
  auto c = wait_get(p);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "IMDS1");
  EXPECT_EQ(c->session_token, "dummy-token");
  EXPECT_EQ(c->expiration_ms, kStartMs + 6 * 3600 * 1000LL);
  EXPECT_EQ(p.source(), "instance metadata (role dns-role)");
  EXPECT_EQ(server_.token_puts, 1);

  // Cached while more than 5 minutes remain.
  clock_.advance_ms((5 * 60 + 50) * 60 * 1000LL);
  c = wait_get(p);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "IMDS1");
  EXPECT_EQ(server_.cred_gets, 1);

  // Four minutes before expiry: a new token, role and credentials.
  server_.expiration = "2015-08-30T19:36:00Z";
  clock_.advance_ms(6 * 60 * 1000);
  c = wait_get(p);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "IMDS2");
  EXPECT_EQ(server_.token_puts, 2);
  EXPECT_EQ(server_.role_gets, 2);
}

TEST_F(CredentialsHttp, ContainerFullUriWithAuthorization) {
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server_.base_url() + "/ecs/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth";
  CredentialProvider p(loop_, fetcher_, env_, opts_);
  auto c = wait_get(p);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "ECS1");
  EXPECT_EQ(p.source(), "container (AWS_CONTAINER_CREDENTIALS_FULL_URI)");
  EXPECT_EQ(server_.token_puts, 0);  // IMDS never asked
}

TEST_F(CredentialsHttp, ContainerRelativeUriAndWrongToken) {
  opts_.container_base_url = server_.base_url();
  opts_.container_retry_delay_ms = 10;
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/ecs/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong";
  {
    CredentialProvider p(loop_, fetcher_, env_, opts_);
    auto c = wait_get(p);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().message(), "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): HTTP 403");
  }
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth";
  CredentialProvider p(loop_, fetcher_, env_, opts_);
  auto c = wait_get(p);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "ECS1");
}

TEST_F(CredentialsHttp, RefusedImdsEndsTheChainWithTheList) {
  // A port that was free a moment ago: connection refused.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  close(fd);
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(ntohs(sin.sin_port));
  CredentialProvider p(loop_, fetcher_, env_, opts_);
  auto c = wait_get(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(c.status().message().find("no AWS credentials found; tried: configuration file [aws]"), std::string::npos);
  EXPECT_NE(c.status().message().find("instance metadata http://127.0.0.1:"), std::string::npos)
      << c.status().message();
}

}  // namespace
}  // namespace r53d::r53
