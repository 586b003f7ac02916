// AWS Signature Version 4: canonical request, string to sign, signing key, Authorization header.
#include "r53/sigv4.h"

#include <algorithm>
#include <ctime>

#include "util/crypto.h"
#include "util/text.h"

namespace r53d::r53 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Like r53d::trim, without the copy (header values are trimmed often).
std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §5.2.4 dot-segment removal plus collapsing of empty segments, as botocore's
// remove_dot_segments does ("//example//" -> "/example/").
std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(pos, slash - pos);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string result = "/";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

void erase_header(HeaderList& headers, std::string_view lower_name) {
  std::erase_if(headers, [&](const auto& h) { return ascii_lower(h.first) == lower_name; });
}

}  // namespace

std::string amz_date(int64_t wall_ms) {
  time_t t = static_cast<time_t>(wall_ms / 1000);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

Result<std::string> uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return Status::invalid_argument("truncated percent escape");
    }
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return Status::invalid_argument("bad percent escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string canonical_uri(std::string_view path) {
  return uri_encode(normalize_path(path), /*keep_slash=*/true);
}

std::string canonical_query(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

Result<QueryList> parse_query(std::string_view raw) {
  QueryList out;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t amp = raw.find('&', pos);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view item = raw.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view k = item.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    auto dk = uri_decode(k);
    if (!dk.ok()) return dk.status();
    auto dv = uri_decode(v);
    if (!dv.ok()) return dv.status();
    out.emplace_back(std::move(*dk), std::move(*dv));
  }
  return out;
}

std::string canonical_header_value(std::string_view value) {
  value = trim_view(value);
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (is_ascii_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

bool is_signable_header(std::string_view n) {
  static constexpr std::string_view kSkip[] = {
      "authorization", "user-agent", "expect", "transfer-encoding", "connection",
      "keep-alive",    "te",         "trailer", "upgrade",          "x-amzn-trace-id"};
  for (auto s : kSkip) {
    if (n == s) return false;
  }
  return n.substr(0, 6) != "proxy-";
}

std::vector<std::string> headers_to_sign(const HeaderList& headers) {
  std::vector<std::string> names;
  for (const auto& h : headers) {
    std::string n = ascii_lower(trim_view(h.first));
    if (is_signable_header(n)) names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string canonical_request(const SignableRequest& req,
                              const std::vector<std::string>& signed_headers) {
  std::string out = req.method;
  out += '\n';
  out += canonical_uri(req.path);
  out += '\n';
  out += canonical_query(req.query);
  out += '\n';
  std::string list;
  for (const auto& name : signed_headers) {
    std::string value;
    bool first = true;
    for (const auto& h : req.headers) {
      if (ascii_lower(trim_view(h.first)) != name) continue;
      if (!first) value += ',';
      value += canonical_header_value(h.second);
      first = false;
    }
    out += name;
    out += ':';
    out += value;
    out += '\n';
    if (!list.empty()) list += ';';
    list += name;
  }
  out += '\n';
  out += list;
  out += '\n';
  out += sha256_hex(req.body);
  return out;
}

std::string credential_scope(std::string_view date8, std::string_view region,
                             std::string_view service) {
  std::string s(date8);
  s += '/';
  s += region;
  s += '/';
  s += service;
  s += "/aws4_request";
  return s;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string s(kAlgorithm);
  s += '\n';
  s += amz_date;
  s += '\n';
  s += scope;
  s += '\n';
  s += sha256_hex(canonical_request);
  return s;
}

std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service) {
  std::string k = "AWS4";
  k += secret;
  std::string kdate = hmac_sha256(k, date8);
  std::string kregion = hmac_sha256(kdate, region);
  std::string kservice = hmac_sha256(kregion, service);
  return hmac_sha256(kservice, "aws4_request");
}

SignatureParts compute_signature(const SignableRequest& req,
                                 const std::vector<std::string>& signed_headers,
                                 std::string_view secret, std::string_view amz_date,
                                 std::string_view region, std::string_view service) {
  SignatureParts p;
  std::string_view date8 = amz_date.substr(0, 8);
  p.canonical_request = canonical_request(req, signed_headers);
  p.scope = credential_scope(date8, region, service);
  p.string_to_sign = string_to_sign(amz_date, p.scope, p.canonical_request);
  p.signature =
      hex_encode(hmac_sha256(signing_key(secret, date8, region, service), p.string_to_sign));
  for (const auto& n : signed_headers) {
    if (!p.signed_headers.empty()) p.signed_headers += ';';
    p.signed_headers += n;
  }
  return p;
}

void sign(SignableRequest& req, const Credentials& creds, const SigningParams& params) {
  erase_header(req.headers, "authorization");
  erase_header(req.headers, "x-amz-date");
  erase_header(req.headers, "x-amz-security-token");
  std::string date = amz_date(params.wall_ms);
  req.headers.emplace_back("X-Amz-Date", date);
  if (!creds.session_token.empty()) {
    req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  SignatureParts p = compute_signature(req, headers_to_sign(req.headers), creds.secret_access_key,
                                       date, params.region, params.service);
  std::string auth(kAlgorithm);
  auth += " Credential=";
  auth += creds.access_key_id;
  auth += '/';
  auth += p.scope;
  auth += ", SignedHeaders=";
  auth += p.signed_headers;
  auth += ", Signature=";
  auth += p.signature;
  req.headers.emplace_back("Authorization", std::move(auth));
}

Result<AuthorizationHeader> parse_authorization(std::string_view value) {
  value = trim_view(value);
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm ||
      (value.size() > kAlgorithm.size() && !is_ascii_space(value[kAlgorithm.size()]))) {
    return Status::invalid_argument("Authorization: algorithm is not AWS4-HMAC-SHA256");
  }
  value.remove_prefix(kAlgorithm.size());
  std::string_view credential, signed_headers, signature;
  bool have_cred = false, have_sh = false, have_sig = false;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = trim_view(value.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::invalid_argument("Authorization: component without '=': " +
                                      std::string(item.substr(0, 40)));
    }
    std::string_view k = trim_view(item.substr(0, eq)), v = trim_view(item.substr(eq + 1));
    if (k == "Credential") {
      credential = v;
      have_cred = true;
    } else if (k == "SignedHeaders") {
      signed_headers = v;
      have_sh = true;
    } else if (k == "Signature") {
      signature = v;
      have_sig = true;
    } else {
      return Status::invalid_argument("Authorization: unknown component " + std::string(k));
    }
  }
  if (!have_cred) return Status::invalid_argument("Authorization: missing Credential");
  if (!have_sh) return Status::invalid_argument("Authorization: missing SignedHeaders");
  if (!have_sig) return Status::invalid_argument("Authorization: missing Signature");

  std::vector<std::string> parts;
  size_t p = 0;
  while (true) {
    size_t slash = credential.find('/', p);
    parts.emplace_back(credential.substr(p, slash == std::string_view::npos ? slash : slash - p));
    if (slash == std::string_view::npos) break;
    p = slash + 1;
  }
  if (parts.size() != 5) {
    return Status::invalid_argument(
        "Authorization: Credential must be AKID/date/region/service/aws4_request");
  }
  for (const auto& part : parts) {
    if (part.empty()) return Status::invalid_argument("Authorization: empty Credential part");
  }
  AuthorizationHeader h;
  h.access_key_id = parts[0];
  h.date = parts[1];
  h.region = parts[2];
  h.service = parts[3];
  h.terminator = parts[4];
  size_t q = 0;
  while (q <= signed_headers.size()) {
    size_t semi = signed_headers.find(';', q);
    if (semi == std::string_view::npos) semi = signed_headers.size();
    std::string_view name = signed_headers.substr(q, semi - q);
    if (name.empty()) return Status::invalid_argument("Authorization: empty name in SignedHeaders");
    h.signed_headers.emplace_back(name);
    q = semi + 1;
  }
  h.signature = std::string(signature);
  if (h.signature.empty()) return Status::invalid_argument("Authorization: empty Signature");
  return h;
}

}  // namespace r53d::r53
