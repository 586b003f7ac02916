// AWS credentials for the Route 53 client: the SDK default chain, cached and refreshed.
//
// Sources, in the order of the AWS SDKs (route53-api.md §1.6) except that route53d's own
// configuration comes first, as it does for endpoint and region; the first that has credentials
// wins and stays the source for later refreshes:
//   1. the INI `[aws]` keys access-key-id + secret-access-key [+ session-token] (passed in)
//   2. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]; skipped when
//      the INI names a profile (as botocore skips it for a profile passed explicitly)
//   3. shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials),
//      section [NAME] of the profile (AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default")
//   4. shared config file (AWS_CONFIG_FILE, default ~/.aws/config), section [profile NAME]
//      ([default] for the default profile): static keys only (role_arn, credential_process,
//      SSO and web identity are reported as unsupported)
//   5. ECS/EKS container credentials: GET http://169.254.170.2 + AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
//      or GET AWS_CONTAINER_CREDENTIALS_FULL_URI, Authorization from
//      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read each time) or _TOKEN
//   6. EC2 instance role through IMDSv2 (PUT token, GET role, GET role credentials), falling back
//      to IMDSv1 on 403/404/405 unless AWS_EC2_METADATA_V1_DISABLED=true; base URL
//      AWS_EC2_METADATA_SERVICE_ENDPOINT (or _MODE=IPv6); skipped if AWS_EC2_METADATA_DISABLED=true
// Credentials with an Expiration (5, 6) are fetched again `refresh_before_ms` before they expire;
// callers arriving during that refresh get the current ones at once if they are valid for at
// least one more minute; if the refresh fails while the old ones are still valid, the old ones
// are used (and a warning logged).
// With no credentials anywhere, get() fails with kFailedPrecondition "no AWS credentials found;
// tried: ..." naming every source and why it had nothing. A source that is configured but broken
// (only one of the two keys, an unparsable shared file, a profile named in AWS_PROFILE that does
// not exist, a forbidden container URL) fails with kInvalidArgument naming it; a container or
// IMDS transport failure with kUnavailable.
//
// The first success, and any later change of source, is logged at info level: "AWS credentials:
// from SOURCE (access key AKIA...WXYZ)". Secrets never appear in messages or logs.
//
//   HttpClient http(loop.base());
//   HttpClientFetcher fetcher(http);
//   CredentialOptions opts;
//   opts.access_key_id = cfg.access_key_id;  // ... secret_access_key, session_token
//   CredentialProvider creds(loop, fetcher, process_environment(), opts);
//   creds.get([&](Result<Credentials> c) {            // always called later, from the loop
//     if (!c.ok()) return fail(c.status());
//     sign(req, *c, {...});
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/credential_sources.h"
#include "r53/env.h"
#include "r53/http.h"
#include "r53/sigv4.h"
#include "util/status.h"

namespace r53d::r53 {

// The HTTP seam of the provider: HttpClient in production, a scripted fake in unit tests.
// Same contract as HttpClient: start() never calls back before returning; no callback after
// cancel().
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual uint64_t start(HttpRequest req, HttpClient::Callback cb) = 0;
  virtual void cancel(uint64_t id) = 0;
};

// Fetcher over a borrowed HttpClient (which must outlive it).
class HttpClientFetcher final : public Fetcher {
 public:
  explicit HttpClientFetcher(HttpClient& http) : http_(http) {}
  uint64_t start(HttpRequest req, HttpClient::Callback cb) override {
    return http_.start(std::move(req), std::move(cb));
  }
  void cancel(uint64_t id) override { http_.cancel(id); }

 private:
  HttpClient& http_;
};

struct CredentialOptions {
  // Explicit keys from the INI [aws] section; "" when not set.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // The INI [aws] profile is set (and passed as AWS_PROFILE in env): skip the environment's keys.
  bool profile_set = false;
  // Base URL for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (tests point it at a local server).
  std::string container_base_url = "http://169.254.170.2";
  // IMDS base URL when AWS_EC2_METADATA_SERVICE_ENDPOINT is not set.
  std::string imds_base_url = "http://169.254.169.254";
  int64_t refresh_before_ms = 5 * 60 * 1000;  // refresh this long before Expiration
  int64_t min_refresh_interval_ms = 30 * 1000;  // between refresh attempts while still valid
  int64_t imds_timeout_ms = 1000;       // per IMDS request (AWS_METADATA_SERVICE_TIMEOUT, s)
  int imds_token_ttl_s = 21600;
  int64_t container_timeout_ms = 2000;  // per container request
  int container_attempts = 3;
  int64_t container_retry_delay_ms = 1000;
};

// An access key ID as logs show it: its first 4 and last 4 characters ("AKIA...MPLE"); only the
// last 2 of an ID shorter than 12. The key ID is not a secret, but a log needs no more to tell
// keys apart.
std::string masked_access_key_id(std::string_view access_key_id);

class CredentialProvider {
 public:
  using Callback = std::function<void(Result<Credentials>)>;

  // loop and fetcher must outlive the provider. env is copied (read once per resolution).
  CredentialProvider(loop::EventBase& loop, Fetcher& fetcher, Env env, CredentialOptions opts = {});
  // Cancels fetches in flight; callbacks not yet delivered are dropped.
  ~CredentialProvider();
  CredentialProvider(const CredentialProvider&) = delete;
  CredentialProvider& operator=(const CredentialProvider&) = delete;

  // Calls cb exactly once, always later from the loop (never before get() returns): with the
  // cached credentials when they are fresh (or, during a refresh, still valid for a minute),
  // otherwise after resolving or refreshing them.
  // Concurrent calls share one fetch. Failures are not cached: the next get() tries again.
  void get(Callback cb);

  // Where the current credentials came from ("" before the first success). For logs.
  const std::string& source() const { return source_; }
  // Number of resolutions/refreshes started (for tests and the status endpoint).
  uint64_t fetches() const { return fetches_; }

 private:
  enum class Kind { kNone, kStatic, kContainer, kImds };
  using StepCallback = std::function<void(Result<Credentials>)>;

  bool fresh(int64_t now_ms) const;
  void resolve();
  void finish(Result<Credentials> r);
  void deliver(Result<Credentials> r);

  void fetch_container(int attempt, StepCallback done);
  void fetch_imds(const StepCallback& done);
  void http(HttpRequest req, HttpClient::Callback cb);

  loop::EventBase& loop_;
  Fetcher& fetcher_;
  Env env_;
  CredentialOptions opts_;

  Kind kind_ = Kind::kNone;
  std::optional<Credentials> cached_;
  std::string source_;
  std::vector<std::string> tried_;  // of the resolution in progress
  std::vector<Callback> waiters_;
  bool busy_ = false;
  int64_t last_attempt_ms_ = 0;  // wall time of the last fetch start
  uint64_t fetch_id_ = 0;        // HTTP transfer in flight (0: none)
  uint64_t fetches_ = 0;
  std::function<void()> retry_fn_;  // what retry_timer_ runs
  loop::Timer retry_timer_;
  // Deferred deliveries and HTTP callbacks hold a weak_ptr to this token so nothing runs on a
  // destroyed provider (the loop's deferred queue may outlive it): the written reason for
  // shared_ptr here.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace r53d::r53
