// Per-type value checks of route53-sim (route53-api.md §3.6, §4.2-4.4).
//
// Route 53 words value errors as "Invalid Resource Record: FATAL problem: <Code> (<explanation>)
// encountered with '<value>'". The codes for A (ARRDATANotSingleField), TXT
// (InvalidCharacterString, CharacterStringTooLong) and empty names (DomainNameEmpty) are observed;
// the others follow the same pattern and are our inference [inf].
#include "sim/validate.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "r53/names.h"

namespace r53d::sim {
namespace {

std::string fatal(std::string_view code, std::string_view explanation, std::string_view value) {
  std::string m = "Invalid Resource Record: FATAL problem: ";
  m.append(code).append(" (").append(explanation).append(") encountered with '");
  m.append(value).append("'");
  return m;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Token {
  std::string text;  // as written (quotes kept for quoted tokens)
  bool quoted = false;
  std::string unescaped;  // quoted tokens: content with \" \\ \ddd decoded
};

// Splits a value into whitespace-separated tokens; "..." (with backslash escapes) is one token.
// A quoted string directly followed by another ("a""b") gives two tokens. Returns false on an
// unterminated quote or a bad escape.
bool tokenize(std::string_view v, std::vector<Token>* out) {
  size_t i = 0;
  while (i < v.size()) {
    if (is_space(v[i])) { ++i; continue; }
    Token t;
    if (v[i] == '"') {
      t.quoted = true;
      size_t start = i++;
      bool closed = false;
      while (i < v.size()) {
        char c = v[i];
        if (c == '\\') {
          char b;
          if (!r53::read_escape(v, i, b)) return false;  // \ooo octal or \X, as Route 53 reads them
          t.unescaped.push_back(b);
        } else if (c == '"') {
          closed = true;
          ++i;
          break;
        } else {
          t.unescaped.push_back(c);
          ++i;
        }
      }
      if (!closed) return false;
      t.text = std::string(v.substr(start, i - start));
    } else {
      size_t start = i;
      while (i < v.size() && !is_space(v[i])) {
        if (v[i] == '"') return false;  // quote glued to an unquoted token
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        ++i;
      }
      t.text = std::string(v.substr(start, i - start));
    }
    out->push_back(std::move(t));
  }
  return true;
}

std::vector<std::string> fields(std::string_view v) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && is_space(v[i])) ++i;
    size_t start = i;
    while (i < v.size() && !is_space(v[i])) ++i;
    if (i > start) out.emplace_back(v.substr(start, i - start));
  }
  return out;
}

bool has_space(std::string_view v) {
  for (char c : v) {
    if (is_space(c)) return true;
  }
  return false;
}

bool parse_uint(std::string_view s, uint64_t max, uint64_t* out = nullptr) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  if (out) *out = v;
  return true;
}

bool is_hex(std::string_view s, bool allow_empty = false) {
  if (s.empty()) return allow_empty;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A domain name inside a value; nullopt when fine, else the inner "FATAL problem: ..." text.
std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) return "DomainNameEmpty (Domain name is empty)";
  if (name == ".") return std::nullopt;
  auto r = r53::split_name(name);
  if (!r.ok()) return r.status().message();
  return std::nullopt;
}

std::optional<std::string> check_name_value(std::string_view type, std::string_view value) {
  if (value.empty()) return fatal("DomainNameEmpty", "Domain name is empty", value);
  if (has_space(value))
    return fatal(std::string(type) + "RRDATANotSingleField", "Value contains spaces", value);
  if (auto p = name_problem(value)) {
    return "Invalid Resource Record: FATAL problem: " + *p + " encountered with '" +
           std::string(value) + "'";
  }
  return std::nullopt;
}

std::optional<std::string> wrong_fields(std::string_view type, std::string_view layout,
                                        std::string_view value) {
  return fatal(std::string(type) + "RRDATAIllegalFormat",
               "Value must be of the form " + std::string(layout), value);
}

std::optional<std::string> check_target(std::string_view type, std::string_view target,
                                        std::string_view value) {
  if (auto p = name_problem(target)) {
    (void)type;
    return "Invalid Resource Record: FATAL problem: " + *p + " encountered with '" +
           std::string(value) + "'";
  }
  return std::nullopt;
}

std::optional<std::string> check_txt(std::string_view value) {
  std::vector<Token> toks;
  bool ok = tokenize(value, &toks) && !toks.empty();
  for (const auto& t : toks) ok = ok && t.quoted;
  if (!ok) {
    return fatal("InvalidCharacterString", "Value should be enclosed in quotation marks", value);
  }
  for (const auto& t : toks) {
    if (t.unescaped.size() > kMaxCharacterString)
      return fatal("CharacterStringTooLong", "Value is too long", value);
  }
  return std::nullopt;
}

std::optional<std::string> check_caa(std::string_view value) {
  std::vector<Token> toks;
  if (!tokenize(value, &toks) || toks.size() != 3 || toks[0].quoted || toks[1].quoted)
    return wrong_fields("CAA", "flags tag \"value\"", value);
  if (!parse_uint(toks[0].text, 255))
    return fatal("CAARRDATAIllegalFlags", "Flags must be an integer from 0 to 255", value);
  const std::string& tag = toks[1].text;
  bool tag_ok = !tag.empty() && tag.size() <= 15;
  for (char c : tag) tag_ok = tag_ok && std::isalnum(static_cast<unsigned char>(c));
  if (!tag_ok)
    return fatal("CAARRDATAIllegalTag", "Tag must be 1-15 letters and digits", value);
  if (!toks[2].quoted)
    return fatal("InvalidCharacterString", "Value should be enclosed in quotation marks", value);
  return std::nullopt;
}

std::optional<std::string> check_naptr(std::string_view value) {
  std::vector<Token> toks;
  if (!tokenize(value, &toks) || toks.size() != 6 || toks[0].quoted || toks[1].quoted ||
      !toks[2].quoted || !toks[3].quoted || !toks[4].quoted || toks[5].quoted)
    return wrong_fields("NAPTR", "order preference \"flags\" \"service\" \"regexp\" replacement",
                        value);
  if (!parse_uint(toks[0].text, 65535) || !parse_uint(toks[1].text, 65535))
    return fatal("NAPTRRDATAIllegalOrderOrPreference",
                 "Order and preference must be integers from 0 to 65535", value);
  for (char c : toks[2].unescaped) {
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return fatal("NAPTRRDATAIllegalFlags", "Flags must be letters and digits", value);
  }
  if (!toks[4].unescaped.empty() && toks[5].text != ".")
    return fatal("NAPTRRDATAIllegalReplacement",
                 "Either the regular expression or the replacement must be empty", value);
  return check_target("NAPTR", toks[5].text, value);
}

std::optional<std::string> check_svcb(std::string_view type, std::string_view value) {
  std::vector<std::string> f = fields(value);
  if (f.size() < 2) return wrong_fields(type, "priority target [key=value ...]", value);
  if (!parse_uint(f[0], 65535))
    return fatal(std::string(type) + "RRDATAIllegalPriority",
                 "Priority must be an integer from 0 to 65535", value);
  if (auto p = check_target(type, f[1], value)) return p;
  for (size_t i = 2; i < f.size(); ++i) {
    std::string_view kv = f[i];
    std::string_view key = kv.substr(0, kv.find('='));
    static constexpr std::string_view kKeys[] = {"mandatory", "alpn",     "no-default-alpn",
                                                 "port",      "ipv4hint", "ech",
                                                 "ipv6hint",  "dohpath",  "ohttp"};
    bool known = key.size() > 3 && key.substr(0, 3) == "key" && parse_uint(key.substr(3), 65535);
    for (auto k : kKeys) known = known || k == key;
    if (!known)
      return fatal(std::string(type) + "RRDATAIllegalParameter", "Unknown SvcParamKey", value);
    if (key == "port" && kv.size() > 5 && !parse_uint(kv.substr(5), 65535))
      return fatal(std::string(type) + "RRDATAIllegalParameter", "Port must be an integer",
                   value);
  }
  return std::nullopt;
}

std::optional<std::string> check_hex_record(std::string_view type, std::string_view layout,
                                            std::string_view value, size_t n_ints,
                                            const uint64_t* max) {
  std::vector<std::string> f = fields(value);
  if (f.size() < n_ints + 1) return wrong_fields(type, layout, value);
  for (size_t i = 0; i < n_ints; ++i) {
    if (!parse_uint(f[i], max[i])) return wrong_fields(type, layout, value);
  }
  std::string hex;
  for (size_t i = n_ints; i < f.size(); ++i) hex += f[i];
  if (!is_hex(hex) || hex.size() % 2 != 0)
    return fatal(std::string(type) + "RRDATAIllegalHex",
                 "Value must end with an even number of hexadecimal digits", value);
  return std::nullopt;
}

}  // namespace

bool is_known_type(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"SOA", "A",   "TXT", "NS",   "CNAME", "MX",
                                                "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA",
                                                "DS",  "TLSA", "SSHFP", "SVCB", "HTTPS"};
  for (auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

std::optional<std::string> check_domain_name(std::string_view name) {
  if (auto p = name_problem(name)) {
    return "FATAL problem: " + *p + " encountered with '" + std::string(name) + "'";
  }
  return std::nullopt;
}

std::optional<std::string> check_value(std::string_view type, std::string_view value) {
  if (type == "A") {
    if (has_space(value) || value.find(',') != std::string_view::npos)
      return fatal("ARRDATANotSingleField", "Value contains spaces", value);
    in_addr a;
    if (inet_pton(AF_INET, std::string(value).c_str(), &a) != 1)
      return fatal("ARRDATAIllegalIPv4Address", "Value is not a valid IPv4 address", value);
    return std::nullopt;
  }
  if (type == "AAAA") {
    if (has_space(value))
      return fatal("AAAARRDATANotSingleField", "Value contains spaces", value);
    in6_addr a;
    if (inet_pton(AF_INET6, std::string(value).c_str(), &a) != 1)
      return fatal("AAAARRDATAIllegalIPv6Address", "Value is not a valid IPv6 address", value);
    return std::nullopt;
  }
  if (type == "CNAME" || type == "NS" || type == "PTR") return check_name_value(type, value);
  if (type == "TXT" || type == "SPF") return check_txt(value);
  if (type == "MX") {
    std::vector<std::string> f = fields(value);
    if (f.size() != 2 || !parse_uint(f[0], 65535)) {
      if (f.size() == 1)
        return fatal("MXRRDATAPriorityRequired", "MX records must have a priority", value);
      return wrong_fields("MX", "priority domain-name", value);
    }
    return check_target("MX", f[1], value);
  }
  if (type == "SRV") {
    std::vector<std::string> f = fields(value);
    if (f.size() != 4) return wrong_fields("SRV", "priority weight port target", value);
    for (int i = 0; i < 3; ++i) {
      if (!parse_uint(f[i], 65535))
        return fatal("SRVRRDATAIllegalNumber",
                     "Priority, weight and port must be integers from 0 to 65535", value);
    }
    return check_target("SRV", f[3], value);
  }
  if (type == "SOA") {
    std::vector<std::string> f = fields(value);
    if (f.size() != 7)
      return wrong_fields("SOA", "mname rname serial refresh retry expire minimum", value);
    if (auto p = check_target("SOA", f[0], value)) return p;
    if (auto p = check_target("SOA", f[1], value)) return p;
    for (int i = 2; i < 7; ++i) {
      if (!parse_uint(f[i], 4294967295ULL))
        return fatal("SOARRDATAIllegalNumber",
                     "Serial and timers must be integers from 0 to 4294967295", value);
    }
    return std::nullopt;
  }
  if (type == "CAA") return check_caa(value);
  if (type == "NAPTR") return check_naptr(value);
  if (type == "DS") {
    static constexpr uint64_t kMax[] = {65535, 255, 255};
    return check_hex_record("DS", "key-tag algorithm digest-type digest", value, 3, kMax);
  }
  if (type == "SSHFP") {
    static constexpr uint64_t kMax[] = {255, 255};
    return check_hex_record("SSHFP", "algorithm fingerprint-type fingerprint", value, 2, kMax);
  }
  if (type == "TLSA") {
    static constexpr uint64_t kMax[] = {255, 255, 255};
    return check_hex_record("TLSA", "usage selector matching-type data", value, 3, kMax);
  }
  if (type == "SVCB" || type == "HTTPS") return check_svcb(type, value);
  return std::nullopt;
}

std::string canonical_value(std::string_view type, std::string_view value) {
  auto canon_name = [](std::string_view n) -> std::string {
    auto r = r53::normalize_name(n);
    return r.ok() ? *r : std::string(n);
  };
  if (type == "A") {
    in_addr a;
    char buf[INET_ADDRSTRLEN];
    if (inet_pton(AF_INET, std::string(value).c_str(), &a) == 1 &&
        inet_ntop(AF_INET, &a, buf, sizeof buf))
      return buf;
    return std::string(value);
  }
  if (type == "AAAA") {
    in6_addr a;
    char buf[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, std::string(value).c_str(), &a) == 1 &&
        inet_ntop(AF_INET6, &a, buf, sizeof buf))
      return buf;
    return std::string(value);
  }
  if (type == "CNAME" || type == "NS" || type == "PTR") return canon_name(value);
  if (type == "MX" || type == "SRV" || type == "SOA" || type == "SVCB" || type == "HTTPS") {
    std::vector<std::string> f = fields(value);
    std::string out;
    for (size_t i = 0; i < f.size(); ++i) {
      bool is_name = (type == "MX" && i == 1) || (type == "SRV" && i == 3) ||
                     (type == "SOA" && i < 2) || ((type == "SVCB" || type == "HTTPS") && i == 1);
      uint64_t n;
      std::string part = is_name ? canon_name(f[i])
                         : (!is_name && parse_uint(f[i], UINT64_MAX, &n)) ? std::to_string(n)
                                                                         : f[i];
      if (i) out.push_back(' ');
      out += part;
    }
    return out;
  }
  return std::string(value);
}

size_t value_chars(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace r53d::sim
