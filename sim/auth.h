// SigV4 verification of route53-sim: answers exactly as AWS does when a request is unsigned,
// signed with an unknown key, signed wrongly or signed too far from now (route53-api.md §1.3).
//
//   Authenticator auth(opts.credentials, SystemClock::instance());
//   AuthOutcome a = auth.verify(req);          // req: r53::SignableRequest from the HTTP request
//   if (!a.ok) reply_error(a.http_status, a.code, a.message);
//   rate_limiter.allow(a.access_key_id);
//
// Any region in the credential scope is accepted (SDKs sign custom endpoints with their own
// region); the service must be "route53". Without credentials nothing is checked (enabled()
// is false) and verify() only extracts the access key, if any, for rate limiting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "r53/sigv4.h"
#include "sim/options.h"
#include "util/clock.h"

namespace r53d::sim {

inline constexpr int64_t kMaxClockSkewMs = 5 * 60 * 1000;

struct AuthOutcome {
  bool ok = false;
  std::string access_key_id;  // "anonymous" when none could be read (only when not enabled)
  // On failure: the HTTP status (403 or 400), AWS error code and message. Never holds a secret.
  int http_status = 0;
  std::string code;
  std::string message;
};

class Authenticator {
 public:
  // Borrows clock. credentials are copied.
  Authenticator(const std::vector<Credential>& credentials, const Clock& clock);
  bool enabled() const { return !secrets_.empty(); }
  AuthOutcome verify(const r53::SignableRequest& req) const;

 private:
  std::vector<Credential> secrets_;
  const Clock& clock_;
};

// The value of the first header named `name` (case-insensitive), or nullptr.
const std::string* find_header(const r53::HeaderList& headers, std::string_view name);

}  // namespace r53d::sim
