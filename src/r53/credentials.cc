// The AWS credential chain on the loop: static sources first, then ECS container credentials and
// IMDSv2; cached and refreshed before expiry.
#include "r53/credentials.h"

#include <curl/curl.h>
#include <strings.h>

#include <cctype>
#include <cstdlib>

#include "util/c_ptr.h"
#include "util/log.h"
#include "util/text.h"

namespace r53d::r53 {
namespace {

constexpr size_t kMaxResponseBytes = 64u << 10;
constexpr std::string_view kRolePath = "/latest/meta-data/iam/security-credentials/";

// True for an http:// container URL botocore accepts: loopback or the ECS/EKS addresses.
bool allowed_container_host(std::string host) {
  host = ascii_lower(host);
  if (host == "localhost" || host == "[::1]" || host == "169.254.170.2" ||
      host == "169.254.170.23" || host == "[fd00:ec2::23]") {
    return true;
  }
  return host.rfind("127.", 0) == 0;
}

Status check_container_url(const std::string& url) {
  using UrlPtr = CPtr<CURLU, &curl_url_cleanup>;
  UrlPtr u(curl_url());
  if (!u) return Status::internal("curl_url failed");
  auto bad = [&](const char* why) {
    return Status::invalid_argument(std::string("AWS_CONTAINER_CREDENTIALS_FULL_URI: ") + why);
  };
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return bad("not a URL");
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(u.get(), CURLUPART_HOST, &host, 0);
  std::string sch = scheme ? ascii_lower(scheme) : "", h = host ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (sch == "https") return Status();
  if (sch != "http") return bad("scheme must be http or https");
  if (!allowed_container_host(h)) {
    return bad("plain http is only allowed to loopback, 169.254.170.2, 169.254.170.23 or "
               "fd00:ec2::23");
  }
  return Status();
}

std::string imds_base(const Env& env, const CredentialOptions& opts) {
  std::string base = env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty() && strcasecmp(env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").c_str(),
                                 "ipv6") == 0) {
    base = "http://[fd00:ec2::254]";
  }
  if (base.empty()) base = opts.imds_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string http_failure(const Result<HttpResponse>& r) {
  if (!r.ok()) return r.status().message();
  return "HTTP " + std::to_string(r->status);
}

}  // namespace

std::string masked_access_key_id(std::string_view access_key_id) {
  if (access_key_id.size() < 12) {
    return "..." + std::string(access_key_id.substr(access_key_id.size() - std::min<size_t>(2, access_key_id.size() / 2)));
  }
  return std::string(access_key_id.substr(0, 4)) + "..." +
         std::string(access_key_id.substr(access_key_id.size() - 4));
}

CredentialProvider::CredentialProvider(loop::EventBase& loop, Fetcher& fetcher, Env env,
                                       CredentialOptions opts)
    : loop_(loop),
      fetcher_(fetcher),
      env_(std::move(env)),
      opts_(std::move(opts)),
      retry_timer_(loop, [this] {
        auto fn = std::move(retry_fn_);
        retry_fn_ = nullptr;
        if (fn) fn();
      }) {}

CredentialProvider::~CredentialProvider() {
  if (fetch_id_) fetcher_.cancel(fetch_id_);
}

bool CredentialProvider::fresh(int64_t now_ms) const {
  if (!cached_) return false;
  if (cached_->expiration_ms == 0) return true;
  if (now_ms < cached_->expiration_ms - opts_.refresh_before_ms) return true;
  // Inside the refresh window: still usable without a new attempt if one was made recently.
  return now_ms < cached_->expiration_ms &&
         now_ms - last_attempt_ms_ < opts_.min_refresh_interval_ms;
}

void CredentialProvider::get(Callback cb) {
  int64_t now = loop_.wall_ms();
  // During a refresh, credentials valid for another minute are good enough for this caller.
  bool usable_now = busy_ && cached_ &&
                    (cached_->expiration_ms == 0 || now < cached_->expiration_ms - 60'000);
  if ((!busy_ && fresh(now)) || usable_now) {
    std::weak_ptr<int> alive = alive_;
    Credentials c = *cached_;
    loop_.defer([alive, cb = std::move(cb), c = std::move(c)]() mutable {
      if (!alive.expired()) cb(std::move(c));
    });
    return;
  }
  waiters_.push_back(std::move(cb));
  if (!busy_) resolve();
}

void CredentialProvider::deliver(Result<Credentials> r) {
  std::vector<Callback> waiters;
  waiters.swap(waiters_);
  std::weak_ptr<int> alive = alive_;
  loop_.defer([alive, waiters = std::move(waiters), r = std::move(r)]() {
    for (const auto& cb : waiters) {
      if (alive.expired()) return;  // a callback destroyed the provider
      cb(r);
    }
  });
}

void CredentialProvider::finish(Result<Credentials> r) {
  busy_ = false;
  int64_t now = loop_.wall_ms();
  if (r.ok()) {
    if (r->expiration_ms != 0 && r->expiration_ms <= now) {
      r = Status::unavailable(r->source + ": returned credentials that have already expired");
    }
  }
  if (r.ok()) {
    if (source_ != r->source) {
      log::info("AWS credentials: from %s (access key %s)", r->source.c_str(),
                masked_access_key_id(r->access_key_id).c_str());
    }
    source_ = r->source;
    cached_ = *r;
    deliver(std::move(r));
    return;
  }
  if (cached_ && (cached_->expiration_ms == 0 || now < cached_->expiration_ms)) {
    log::warning("refreshing AWS credentials failed, using the current ones until they expire: %s",
                 r.status().message().c_str());
    deliver(*cached_);
    return;
  }
  deliver(std::move(r));
}

void CredentialProvider::resolve() {
  busy_ = true;
  ++fetches_;
  last_attempt_ms_ = loop_.wall_ms();
  auto done = [this](Result<Credentials> r) { finish(std::move(r)); };

  if (kind_ == Kind::kContainer) return fetch_container(1, done);
  if (kind_ == Kind::kImds) return fetch_imds(done);

  // First resolution (or every previous one failed): walk the chain.
  auto st = lookup_static_credentials(env_, {opts_.access_key_id, opts_.secret_access_key,
                                             opts_.session_token, opts_.profile_set});
  if (!st.ok()) return finish(st.status());
  if (st->credentials) {
    kind_ = Kind::kStatic;
    return finish(std::move(*st->credentials));
  }
  tried_ = std::move(st->tried);

  if (!env_get(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
      !env_get(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    return fetch_container(1, [this](Result<Credentials> r) {
      if (r.ok()) kind_ = Kind::kContainer;
      finish(std::move(r));
    });
  }
  tried_.emplace_back("container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI not set)");

  if (env_true(env_, "AWS_EC2_METADATA_DISABLED")) {
    tried_.emplace_back("instance metadata (AWS_EC2_METADATA_DISABLED=true)");
    std::string msg = "no AWS credentials found; tried: ";
    for (size_t i = 0; i < tried_.size(); ++i) msg += (i ? ", " : "") + tried_[i];
    return finish(Status::failed_precondition(msg));
  }
  fetch_imds([this](Result<Credentials> r) {
    if (r.ok()) {
      kind_ = Kind::kImds;
      return finish(std::move(r));
    }
    tried_.push_back(r.status().message());
    std::string msg = "no AWS credentials found; tried: ";
    for (size_t i = 0; i < tried_.size(); ++i) msg += (i ? ", " : "") + tried_[i];
    finish(Status::failed_precondition(msg));
  });
}

void CredentialProvider::http(HttpRequest req, HttpClient::Callback cb) {
  req.max_response_bytes = kMaxResponseBytes;
  std::weak_ptr<int> alive = alive_;
  fetch_id_ = fetcher_.start(std::move(req), [this, alive, cb = std::move(cb)](Result<HttpResponse> r) {
    if (alive.expired()) return;
    fetch_id_ = 0;
    cb(std::move(r));
  });
}

void CredentialProvider::fetch_container(int attempt, StepCallback done) {
  std::string rel = env_get(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string url;
  if (!rel.empty()) {
    url = opts_.container_base_url + (rel[0] == '/' ? "" : "/") + rel;
  } else {
    url = env_get(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    Status s = check_container_url(url);
    if (!s.ok()) return done(s);
  }
  // Source names the variable, not the URL (it may carry a credential id).
  std::string source = rel.empty() ? "container (AWS_CONTAINER_CREDENTIALS_FULL_URI)"
                                   : "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)";
  HttpRequest req;
  req.method = "GET";
  req.url = url;
  req.timeout_ms = opts_.container_timeout_ms;
  req.connect_timeout_ms = opts_.container_timeout_ms;
  req.headers.emplace_back("Accept", "application/json");
  std::string token;
  std::string token_file = env_get(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (!token_file.empty()) {
    auto t = read_small_file(token_file);
    if (!t.ok()) return done(Status::invalid_argument(source + ": token file " + t.status().message()));
    if (!t->has_value()) {
      return done(Status::invalid_argument(source + ": token file " + token_file + " not found"));
    }
    token = trim(**t);
  } else {
    token = env_get(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return done(Status::invalid_argument(source + ": authorization token contains a line break"));
  }
  if (!token.empty()) req.headers.emplace_back("Authorization", token);

  http(std::move(req), [this, attempt, source, done = std::move(done)](Result<HttpResponse> r) {
    if (r.ok() && r->status == 200) return done(parse_credentials_json(r->body, source));
    bool retryable = !r.ok() || r->status >= 500;
    std::string why = http_failure(r);
    if (retryable && attempt < opts_.container_attempts) {
      log::debug("%s: attempt %d failed (%s), retrying", source.c_str(), attempt, why.c_str());
      retry_fn_ = [this, attempt, done] { fetch_container(attempt + 1, done); };
      retry_timer_.start_once(opts_.container_retry_delay_ms);
      return;
    }
    done(Status::unavailable(source + ": " + why));
  });
}

void CredentialProvider::fetch_imds(const StepCallback& done) {
  std::string base = imds_base(env_, opts_);
  int64_t timeout = opts_.imds_timeout_ms;
  std::string t = env_get(env_, "AWS_METADATA_SERVICE_TIMEOUT");
  if (!t.empty() && atoi(t.c_str()) > 0) timeout = atoi(t.c_str()) * 1000LL;
  std::string source = "instance metadata " + base;

  auto make = [base, timeout](const char* method, const std::string& path, const std::string& token) {
    HttpRequest req;
    req.method = method;
    req.url = base + path;
    req.timeout_ms = timeout;
    req.connect_timeout_ms = timeout;
    if (!token.empty()) req.headers.emplace_back("X-aws-ec2-metadata-token", token);
    return req;
  };

  // Step 3: the role's credentials.
  auto get_creds = [this, make, source, done](const std::string& token, const std::string& role) {
    http(make("GET", std::string(kRolePath) + role, token), [source, role, done](Result<HttpResponse> r) {
      if (!r.ok() || r->status != 200) {
        return done(Status::unavailable(source + " (credentials of role " + role + ": " +
                                        http_failure(r) + ")"));
      }
      auto c = parse_credentials_json(r->body, source);
      if (!c.ok()) return done(c.status());
      c->source = "instance metadata (role " + role + ")";
      done(std::move(c));
    });
  };
  // Step 2: the role name.
  auto get_role = [this, make, source, done, get_creds](const std::string& token) {
    http(make("GET", std::string(kRolePath), token), [source, done, get_creds, token](Result<HttpResponse> r) {
      if (r.ok() && r->status == 404) {
        return done(Status::unavailable(source + " (no IAM role attached to the instance)"));
      }
      if (!r.ok() || r->status != 200) {
        return done(Status::unavailable(source + " (role name: " + http_failure(r) + ")"));
      }
      std::string role = trim(r->body.substr(0, r->body.find('\n')));
      if (role.empty() || role.find('/') != std::string::npos) {
        return done(Status::unavailable(source + " (no IAM role attached to the instance)"));
      }
      get_creds(token, role);
    });
  };
  // Step 1: the session token (IMDSv2).
  HttpRequest put = make("PUT", "/latest/api/token", "");
  put.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                           std::to_string(opts_.imds_token_ttl_s));
  bool v1_disabled = env_true(env_, "AWS_EC2_METADATA_V1_DISABLED");
  http(std::move(put), [source, done, get_role, v1_disabled](Result<HttpResponse> r) {
    if (r.ok() && r->status == 200 && !r->body.empty()) return get_role(trim(r->body));
    if (r.ok() && (r->status == 403 || r->status == 404 || r->status == 405) && !v1_disabled) {
      return get_role("");  // IMDSv1 fallback, as botocore does
    }
    done(Status::unavailable(source + " (token: " + http_failure(r) + ")"));
  });
}

}  // namespace r53d::r53
