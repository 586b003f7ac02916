// AWS Signature Version 4 (AWS4-HMAC-SHA256): signing for the Route 53 client, and the pieces a
// server (route53-sim) needs to verify a signature.
//
// Client:
//   SignableRequest req;
//   req.method = "GET";
//   req.path = endpoint.path_prefix + "/2013-04-01/hostedzone";  // as it will appear in the URL
//   req.query = {{"maxitems", "100"}};                  // decoded values
//   req.headers = {{"Host", endpoint.host_header}};
//   SigningParams sp;                                   // service "route53"
//   sp.region = endpoint.signing_region;
//   sp.wall_ms = clock.wall_ms();
//   sign(req, creds, sp);
//   // req.headers now also has X-Amz-Date, [X-Amz-Security-Token,] Authorization.
//   std::string url = endpoint.base_url + req.path + "?" + canonical_query(req.query);
//
// Server:
//   auto auth = parse_authorization(header_value);      // Result<AuthorizationHeader>
//   SignableRequest req{method, raw_path, parse_query(raw_query), headers, body};
//   SignatureParts p = compute_signature(req, auth->signed_headers, secret, amz_date,
//                                        auth->region, auth->service);
//   bool good = constant_time_equal(p.signature, auth->signature);
//
// Re-sign every attempt (the date changes). Nothing here logs; never log a secret or a signing key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace r53d::r53 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

// AWS credentials. `session_token` is empty for long-term keys. `expiration_ms` is wall-clock
// milliseconds since the Unix epoch, 0 when the credentials do not expire.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  int64_t expiration_ms = 0;
  // Where they came from ("environment", "shared-credentials-file", "imds", ...): for logs.
  std::string source;
};

// An HTTP request as SigV4 sees it.
struct SignableRequest {
  std::string method;   // "GET", "POST", ...
  std::string path;     // URL path exactly as sent (already percent-encoded where needed)
  QueryList query;      // decoded names and values, any order; a name without value has ""
  HeaderList headers;   // names in any case; must contain Host (with :port if not default)
  std::string body;
};

struct SigningParams {
  std::string region = "us-east-1";
  std::string service = "route53";
  int64_t wall_ms = 0;  // signing time, milliseconds since the Unix epoch (UTC)
};

// Signs `req` in place: removes any existing Authorization, X-Amz-Date and X-Amz-Security-Token
// headers, then adds X-Amz-Date, X-Amz-Security-Token (when creds.session_token is set) and
// Authorization. Every header present (except the hop-by-hop ones botocore skips, see
// is_signable_header) is signed.
void sign(SignableRequest& req, const Credentials& creds, const SigningParams& params);

// ---- pieces, exposed for verification and tests ----

// "20150830T123600Z" for a wall-clock time in milliseconds.
std::string amz_date(int64_t wall_ms);

// RFC 3986 encoding for SigV4: unreserved A-Z a-z 0-9 - _ . ~ kept, every other byte %XX with
// upper-case hex (so space -> %20, '*' -> %2A, '/' -> %2F unless keep_slash).
std::string uri_encode(std::string_view s, bool keep_slash = false);

// Percent-decodes %XX sequences ('+' stays '+'). Fails on a malformed escape.
Result<std::string> uri_decode(std::string_view s);

// Canonical URI of a URL path as sent: dot segments and empty segments removed (a trailing '/'
// kept), then each byte encoded with uri_encode(keep_slash=true). As for every non-S3 service,
// '%' of an already-encoded path is encoded again (botocore behaviour). "" -> "/".
std::string canonical_uri(std::string_view path);

// Canonical query string: uri_encode(name)=uri_encode(value) sorted by encoded name then value,
// joined with '&'. Also the right form to put in the URL.
std::string canonical_query(const QueryList& query);

// Splits a raw URL query string ("a=1&b=%2A") into decoded pairs (server side).
Result<QueryList> parse_query(std::string_view raw_query);

// Header value as signed: leading/trailing whitespace removed, inner runs collapsed to one space.
std::string canonical_header_value(std::string_view value);

// False for the headers botocore never signs: user-agent, expect, transfer-encoding, connection,
// keep-alive, te, trailer, upgrade, x-amzn-trace-id, proxy-*, and authorization itself.
bool is_signable_header(std::string_view lower_name);

// Lower-case names of the headers sign() would sign, sorted and unique.
std::vector<std::string> headers_to_sign(const HeaderList& headers);

// The canonical request (six lines, see route53-api.md §1.3) signing exactly `signed_headers`
// (lower-case names). Values of repeated headers are joined with ','. A signed header absent from
// `headers` contributes "name:" (so the signature simply will not match).
std::string canonical_request(const SignableRequest& req,
                              const std::vector<std::string>& signed_headers);

// "20150830/us-east-1/route53/aws4_request".
std::string credential_scope(std::string_view date8, std::string_view region,
                             std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical request>".
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// The 32-byte signing key (raw bytes): HMAC chain over date8, region, service, "aws4_request".
std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service);

// Everything computed on the way to a signature (none of it secret).
struct SignatureParts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string scope;
  std::string signature;       // 64 lower-case hex characters
};

// Computes the signature of `req` over `signed_headers` at `amz_date` ("YYYYMMDDTHHMMSSZ").
SignatureParts compute_signature(const SignableRequest& req,
                                 const std::vector<std::string>& signed_headers,
                                 std::string_view secret, std::string_view amz_date,
                                 std::string_view region, std::string_view service);

// A parsed "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
struct AuthorizationHeader {
  std::string access_key_id;
  std::string date;        // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::string terminator;  // should be "aws4_request"; checked by the caller
  std::vector<std::string> signed_headers;  // as listed (lower-case expected)
  std::string signature;
};

// Parses the header value. Fails (kInvalidArgument, message naming what is wrong, no secret in
// it) if the algorithm is not AWS4-HMAC-SHA256, a component is missing, or the credential does
// not have five '/'-separated parts.
Result<AuthorizationHeader> parse_authorization(std::string_view value);

}  // namespace r53d::r53
