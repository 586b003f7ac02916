// Wiring of HttpClient, CredentialProvider and Route53Client from the [aws] configuration.
#include "daemon/route53_stack.h"

#include "r53/endpoint.h"

namespace r53d::daemon {

Result<std::unique_ptr<Route53Stack>> Route53Stack::create(loop::EventBase& loop,
                                                          const config::AwsConfig& aws, r53::Env env) {
  if (!aws.profile.empty()) env["AWS_PROFILE"] = aws.profile;
  auto ep = r53::resolve_endpoint(
      {.endpoint = aws.endpoint,
       .region = aws.region,
       .profile_region = aws.region.empty() ? r53::shared_config_region(env) : ""},
      env);
  if (!ep.ok()) return ep.status();

  std::unique_ptr<Route53Stack> s(new Route53Stack());
  s->http_ = std::make_unique<r53::HttpClient>(loop.base());
  s->fetcher_ = std::make_unique<r53::HttpClientFetcher>(*s->http_);
  r53::CredentialOptions copts;
  copts.access_key_id = aws.access_key_id;
  copts.secret_access_key = aws.secret_access_key;
  copts.session_token = aws.session_token;
  copts.profile_set = !aws.profile.empty();
  s->creds_ = std::make_unique<r53::CredentialProvider>(loop, *s->fetcher_, env, copts);

  r53::Route53Options ropts;
  ropts.rate.requests_per_second = aws.requests_per_second;
  ropts.rate.adapt.min_requests_per_second = aws.min_requests_per_second;
  ropts.backoff.max_attempts = aws.max_attempts;
  r53::CredentialProvider* creds = s->creds_.get();
  s->client_ = std::make_unique<r53::Route53Client>(
      loop, *s->http_,
      [creds](std::function<void(Result<r53::Credentials>)> cb) { creds->get(std::move(cb)); },
      *ep, ropts);
  return s;
}

}  // namespace r53d::daemon
