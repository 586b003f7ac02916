// The Route 53 client stack built from the configuration: HTTP on the loop, credentials,
// endpoint, rate limiter and retries. Used by the one-shot modes and by the daemon, so both talk
// to Route 53 the same way.
//
//   loop::EventBase loop;
//   auto stack = Route53Stack::create(loop, cfg.aws, r53::process_environment());
//   if (!stack.ok()) ...;                    // bad endpoint URL (kInvalidArgument)
//   (*stack)->client().list_hosted_zones([&](auto r) { ...; loop.stop(); });
//   loop.run();
#pragma once

#include <memory>

#include "config/config.h"
#include "loop/event_base.h"
#include "r53/api.h"
#include "r53/credentials.h"
#include "r53/env.h"
#include "r53/http.h"
#include "util/status.h"

namespace r53d::daemon {

class Route53Stack {
 public:
  // loop must outlive the stack. env: the process environment (injectable for tests); the INI
  // `profile` overrides AWS_PROFILE in it.
  static Result<std::unique_ptr<Route53Stack>> create(loop::EventBase& loop, const config::AwsConfig& aws,
                                                      r53::Env env);
  Route53Stack(const Route53Stack&) = delete;
  Route53Stack& operator=(const Route53Stack&) = delete;

  r53::Route53Client& client() { return *client_; }
  r53::CredentialProvider& credentials() { return *creds_; }

 private:
  Route53Stack() = default;
  // Declared in dependency order so they are destroyed client first, HTTP last.
  std::unique_ptr<r53::HttpClient> http_;
  std::unique_ptr<r53::HttpClientFetcher> fetcher_;
  std::unique_ptr<r53::CredentialProvider> creds_;
  std::unique_ptr<r53::Route53Client> client_;
};

}  // namespace r53d::daemon
