// SigV4 verification for route53-sim: header parsing, scope, clock skew, signature compare.
#include "sim/auth.h"

#include <openssl/crypto.h>
#include <strings.h>

#include <ctime>

namespace r53d::sim {
namespace {

AuthOutcome fail(int status, std::string code, std::string message) {
  AuthOutcome o;
  o.http_status = status;
  o.code = std::move(code);
  o.message = std::move(message);
  return o;
}

// "20150830T123600Z" -> ms since the epoch; -1 if malformed.
int64_t parse_amz_date(const std::string& s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return -1;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return -1;
  }
  tm t{};
  t.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  t.tm_mon = std::stoi(s.substr(4, 2)) - 1;
  t.tm_mday = std::stoi(s.substr(6, 2));
  t.tm_hour = std::stoi(s.substr(9, 2));
  t.tm_min = std::stoi(s.substr(11, 2));
  t.tm_sec = std::stoi(s.substr(13, 2));
  if (t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 || t.tm_min > 59 ||
      t.tm_sec > 60) {
    return -1;
  }
  return static_cast<int64_t>(timegm(&t)) * 1000;
}

bool equal_ct(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

const std::string* find_header(const r53::HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return &v;
  }
  return nullptr;
}

Authenticator::Authenticator(const std::vector<Credential>& credentials, const Clock& clock)
    : secrets_(credentials), clock_(clock) {}

AuthOutcome Authenticator::verify(const r53::SignableRequest& req) const {
  const std::string* authz = find_header(req.headers, "Authorization");
  if (!enabled()) {
    AuthOutcome o;
    o.ok = true;
    o.access_key_id = "anonymous";
    if (authz) {
      auto parsed = r53::parse_authorization(*authz);
      if (parsed.ok() && !parsed->access_key_id.empty()) o.access_key_id = parsed->access_key_id;
    }
    return o;
  }
  if (!authz || authz->empty()) {
    return fail(403, "MissingAuthenticationToken", "Missing Authentication Token");
  }
  auto parsed = r53::parse_authorization(*authz);
  if (!parsed.ok()) return fail(400, "IncompleteSignature", parsed.status().message());
  const r53::AuthorizationHeader& ah = *parsed;

  const Credential* cred = nullptr;
  for (const auto& c : secrets_) {
    if (c.access_key_id == ah.access_key_id) cred = &c;
  }
  if (!cred) {
    return fail(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
  }
  const std::string* date = find_header(req.headers, "X-Amz-Date");
  if (!date) {
    return fail(400, "IncompleteSignature",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                "header.");
  }
  int64_t t_ms = parse_amz_date(*date);
  if (t_ms < 0) {
    return fail(400, "IncompleteSignature",
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (ah.service != "route53") {
    return fail(403, "SignatureDoesNotMatch",
                "Credential should be scoped to correct service: 'route53'. ");
  }
  if (ah.terminator != "aws4_request") {
    return fail(403, "SignatureDoesNotMatch",
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    ah.terminator + "'. ");
  }
  if (ah.date != date->substr(0, 8)) {
    return fail(403, "SignatureDoesNotMatch",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" + ah.date + "' != '" + date->substr(0, 8) + "', from '" + *date +
                    "'.");
  }
  bool host_signed = false;
  for (const auto& h : ah.signed_headers) host_signed = host_signed || h == "host";
  if (!host_signed) {
    return fail(403, "SignatureDoesNotMatch",
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  int64_t now = clock_.wall_ms();
  if (t_ms < now - kMaxClockSkewMs) {
    return fail(403, "SignatureDoesNotMatch",
                "Signature expired: " + *date + " is now earlier than " +
                    r53::amz_date(now - kMaxClockSkewMs) + " (" + r53::amz_date(now) +
                    " - 5 min.)");
  }
  if (t_ms > now + kMaxClockSkewMs) {
    return fail(403, "SignatureDoesNotMatch",
                "Signature not yet current: " + *date + " is still later than " +
                    r53::amz_date(now + kMaxClockSkewMs) + " (" + r53::amz_date(now) +
                    " + 5 min.)");
  }
  r53::SignatureParts parts = r53::compute_signature(req, ah.signed_headers, cred->secret, *date,
                                                     ah.region, ah.service);
  if (!equal_ct(parts.signature, ah.signature)) {
    return fail(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.\n\nThe Canonical String for this request should have "
                "been\n'" + parts.canonical_request + "'\n\nThe String-to-Sign should have been\n'" +
                    parts.string_to_sign + "'\n");
  }
  AuthOutcome o;
  o.ok = true;
  o.access_key_id = ah.access_key_id;
  return o;
}

}  // namespace r53d::sim
