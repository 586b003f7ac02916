// The key table of route53d.ini: every key, its default and the function that checks and stores
// its value (see key_table.h; the Builder that applies it is builder.cc).
#include "config/key_table.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "config/bind_keys.h"
#include "util/text.h"

namespace r53d::config {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(trim(s.substr(start, p == std::string_view::npos ? p : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Status bad(std::string why) { return Status::invalid_argument(std::move(why)); }

Result<long long> parse_int(std::string_view text, long long min, long long max) {
  std::string t = trim(text);
  if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 12) {
    return bad("\"" + t + "\" is not a whole number");
  }
  long long v = std::stoll(t);
  if (v < min || v > max) {
    return bad(t + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

Result<ListenAddr> parse_listen(const std::string& item) {
  ListenAddr a;
  std::string host, port;
  if (!item.empty() && item[0] == '[') {
    size_t close = item.find("]:");
    if (close == std::string::npos) return bad("\"" + item + "\": write IPv6 as [ADDR]:PORT");
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
    a.ipv6 = true;
    in6_addr tmp;
    if (inet_pton(AF_INET6, host.c_str(), &tmp) != 1) return bad("\"" + host + "\" is not an IPv6 address");
  } else {
    size_t colon = item.rfind(':');
    if (colon == std::string::npos) return bad("\"" + item + "\" needs a port (ADDR:PORT or [V6]:PORT)");
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    in_addr tmp;
    if (host.find(':') != std::string::npos) return bad("\"" + item + "\": write IPv6 as [ADDR]:PORT");
    if (inet_pton(AF_INET, host.c_str(), &tmp) != 1) return bad("\"" + host + "\" is not an IPv4 address");
  }
  auto p = parse_int(port, 1, 65535);
  if (!p.ok()) return bad("port " + p.status().message());
  a.host = host;
  a.port = static_cast<uint16_t>(*p);
  return a;
}


bool in_zone(const std::string& name, const std::string& zone) {
  if (zone == "." || name == zone) return true;
  return name.size() > zone.size() &&
         name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
         name[name.size() - zone.size() - 1] == '.';
}

constexpr const char* kR53Types[] = {"A",   "AAAA", "CAA", "CNAME", "DS",    "HTTPS",
                                     "MX",  "NAPTR", "NS", "PTR",   "SOA",   "SPF",
                                     "SRV", "SSHFP", "SVCB", "TLSA", "TXT"};

Result<UpdateRule> parse_rule(std::string_view text, const ZoneConfig& zone) {
  std::vector<std::string> w = words(text);
  UpdateRule r;
  const char* grammar = " (key NAME [names PATTERN[,PATTERN]] [types TYPE[,TYPE]] | address CIDR)";
  if (w.empty()) return bad(std::string("empty rule;") + grammar);
  if (w[0] == "address") {
    if (w.size() != 2) return bad(std::string("address takes one CIDR;") + grammar);
    auto c = parse_cidr(w[1]);
    if (!c.ok()) return c.status();
    r.kind = UpdateRule::Kind::kAddress;
    r.network = *c;
    return r;
  }
  if (w[0] != "key") return bad("\"" + w[0] + "\" is not a rule;" + grammar);
  if (w.size() < 2) return bad(std::string("key needs a name;") + grammar);
  auto kn = normalize_dns_name(w[1]);
  if (!kn.ok()) return bad("key name: " + kn.status().message());
  r.kind = UpdateRule::Kind::kKey;
  r.key = *kn;
  size_t i = 2;
  bool had_names = false, had_types = false;
  while (i < w.size()) {
    std::string clause = w[i++];
    std::string list;
    while (i < w.size() && w[i] != "names" && w[i] != "types") list += w[i++];
    if (clause != "names" && clause != "types") return bad("unexpected \"" + clause + "\";" + grammar);
    if (list.empty()) return bad(clause + " needs a comma-separated list");
    if (clause == "names") {
      if (had_names) return bad("names given twice");
      had_names = true;
      for (const std::string& p : split(list, ',')) {
        if (p.empty()) return bad("empty name in names list");
        NamePattern pat;
        std::string base = p;
        if (p.rfind("*.", 0) == 0) {
          pat.wildcard = true;
          base = p.substr(2);
        }
        auto n = normalize_dns_name(base);
        if (!n.ok()) return bad("names: " + n.status().message());
        if (!in_zone(*n, zone.name)) return bad("name " + p + " is not in zone " + zone.name);
        pat.name = *n;
        r.names.push_back(pat);
      }
    } else {
      if (had_types) return bad("types given twice");
      had_types = true;
      for (std::string t : split(list, ',')) {
        for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // DHCID only with dhcid = txt (checked once the whole section is read).
        if (t != "DHCID" && std::find_if(std::begin(kR53Types), std::end(kR53Types),
                                         [&](const char* k) { return t == k; }) == std::end(kR53Types)) {
          return bad("type \"" + t + "\" is not a Route 53 record type");
        }
        r.types.push_back(t);
      }
    }
  }
  return r;
}

// ---- apply functions -------------------------------------------------------------------------

Status set_listen(KeyContext& c, std::string_view v) {
  std::vector<ListenAddr> out;
  for (const std::string& item : split(v, ',')) {
    if (item.empty()) return bad("empty address in list");
    auto a = parse_listen(item);
    if (!a.ok()) return a.status();
    a->where = c.where;
    for (const auto* list : {&c.config.server.listen, &out}) {
      for (const ListenAddr& o : *list) {
        if (o.host == a->host && o.port == a->port) {
          return bad(a->str() + " is listed twice (also at line " + std::to_string(o.where.line) + ")");
        }
      }
    }
    out.push_back(*a);
  }
  for (auto& a : out) c.config.server.listen.push_back(a);
  return {};
}

Status set_key_file(KeyContext& c, std::string_view v) {
  std::string p = trim(v);
  if (p.empty()) return bad("empty path");
  c.config.server.key_files.push_back(p);
  c.config.server.key_file_where.push_back(c.where);
  return {};
}

Status set_log_level(KeyContext& c, std::string_view v) {
  static const std::pair<const char*, log::Level> kLevels[] = {
      {"debug", log::Level::kDebug}, {"info", log::Level::kInfo}, {"notice", log::Level::kNotice},
      {"warning", log::Level::kWarning}, {"error", log::Level::kError}};
  std::string t = trim(v);
  for (const auto& [n, l] : kLevels) {
    if (strcasecmp(t.c_str(), n) == 0) {
      c.config.server.log_level = l;
      return {};
    }
  }
  return bad("\"" + t + "\" is not a level (debug, info, notice, warning, error)");
}

Status set_tcp_timeout(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d < 100 || *d > 3600000) return bad("must be between 100ms and 1h");
  c.config.server.tcp_timeout_ms = *d;
  return {};
}

Status set_max_tcp_clients(KeyContext& c, std::string_view v) {
  auto n = parse_int(v, 1, 65535);
  if (!n.ok()) return n.status();
  c.config.server.max_tcp_clients = static_cast<int>(*n);
  return {};
}

Status set_user(KeyContext& c, std::string_view v) {
  std::string u = trim(v);
  if (u.empty()) return {};
  if (getpwnam(u.c_str()) == nullptr) return bad("no such user \"" + u + "\"");
  c.config.server.user = u;
  return {};
}

Status set_log(KeyContext& c, std::string_view v) {
  std::string t = trim(v);
  if (t == "stderr") c.config.server.log_syslog = false;
  else if (t == "syslog") c.config.server.log_syslog = true;
  else return bad("\"" + t + "\" is not stderr or syslog");
  return {};
}

Status set_syslog_facility(KeyContext& c, std::string_view v) {
  static const std::pair<const char*, int> kFacilities[] = {
      {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
      {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
      {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}};
  std::string t = ascii_lower(trim(v));
  for (const auto& [name, code] : kFacilities) {
    if (t == name) {
      c.config.server.syslog_facility = code;
      c.config.server.syslog_facility_name = name;
      return {};
    }
  }
  return bad("\"" + t + "\" is not a facility (daemon, user, local0 .. local7)");
}

Status set_http_listen(KeyContext& c, std::string_view v) {
  std::string t = trim(v);
  if (t.empty() || t == "none") {
    c.config.server.http_listen.reset();
    return {};
  }
  auto a = parse_listen(t);
  if (!a.ok()) return a.status();
  a->where = c.where;
  c.config.server.http_listen = *a;
  return {};
}

Status add_http_allow(KeyContext& c, std::string_view v) {
  for (const std::string& item : split(v, ',')) {
    if (item.empty()) return bad("empty item in the list");
    auto cidr = parse_cidr(item);
    if (!cidr.ok()) return cidr.status();
    c.config.server.http_allow.push_back(*cidr);
  }
  return {};
}

Status set_control_socket(KeyContext& c, std::string_view v) {
  std::string p = trim(v);
  if (p == "none" || p.empty()) {
    c.config.server.control_socket.clear();
    return {};
  }
  if (p[0] != '/') return bad("\"" + p + "\" is not an absolute path (or none)");
  if (p.size() > 100) return bad("path longer than 100 bytes (a Unix socket's limit is 107)");
  c.config.server.control_socket = p;
  return {};
}

Status set_shutdown_grace(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d > 600000) return bad("must be between 0 and 10m");
  c.config.server.shutdown_grace_ms = *d;
  return {};
}

// `[aws] endpoint`: http:// or https://, a host (name, IPv4, or [IPv6]), an optional port
// 1..65535, nothing after the host but an optional "/". Checked here so --check reports it as
// FILE:LINE; r53/endpoint parses the accepted URL again at start (as it does the environment's).
// User information is refused without echoing the URL: it may hold a password.
Status check_endpoint(const std::string& e) {
  const std::string quoted = "\"" + e + "\"";
  size_t sep = e.find("://");
  std::string_view after_scheme = std::string_view(e).substr(sep == std::string::npos ? 0 : sep + 3);
  if (after_scheme.substr(0, after_scheme.find_first_of("/?#")).find('@') != std::string_view::npos) {
    return bad("user information (USER@ or USER:PASSWORD@) is not allowed in the URL");
  }
  std::string scheme = ascii_lower(e.substr(0, sep == std::string::npos ? 0 : sep));
  if (sep == std::string::npos || (scheme != "http" && scheme != "https") ||
      e.find_first_of(" \t") != std::string::npos) {
    return bad(quoted + " is not an http:// or https:// URL");
  }
  std::string_view rest = std::string_view(e).substr(sep + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(quoted + ": \"[\" without \"]\" in the host");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad(quoted + ": junk after the [IPv6] host");
    if (!after.empty()) port = after.substr(1);
    in6_addr a6;
    std::string inner(host.substr(1, host.size() - 2));
    if (inet_pton(AF_INET6, inner.c_str(), &a6) != 1) {
      return bad(quoted + ": \"" + inner + "\" is not an IPv6 address");
    }
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (host.empty()) return bad(quoted + " has no host");
    }
    if (host.empty()) return bad(quoted + " has no host");
    if (host.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") !=
        std::string_view::npos) {
      return bad(quoted + ": \"" + std::string(host) + "\" is not a host name or address");
    }
  }
  if (authority.size() > host.size()) {  // a ':' followed
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad(quoted + ": port \"" + std::string(port) + "\" is not a number in 1..65535");
    }
    int p = std::stoi(std::string(port));
    if (p < 1 || p > 65535) return bad(quoted + ": port " + std::to_string(p) + " is outside 1..65535");
  }
  if (!tail.empty() && tail != "/") {
    const char* what = tail.front() == '?' ? "a query" : tail.front() == '#' ? "a fragment" : "a path";
    size_t q = tail.find_first_of("?#");
    if (tail.front() == '/' && q == 1) what = tail[1] == '?' ? "a query" : "a fragment";
    return bad(quoted + " has " + what + "; nothing but \"/\" may follow the host[:port]");
  }
  return {};
}

Status set_endpoint(KeyContext& c, std::string_view v) {
  std::string e = trim(v);
  if (e.empty()) return {};
  R53D_RETURN_IF_ERROR(check_endpoint(e));
  c.config.aws.endpoint = e;
  return {};
}

Status set_region(KeyContext& c, std::string_view v) {
  std::string r = trim(v);
  if (r.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return bad("\"" + r + "\" is not a region name (e.g. us-east-1)");
  }
  c.config.aws.region = r;
  return {};
}

Status set_profile(KeyContext& c, std::string_view v) {
  std::string p = trim(v);
  if (p.find_first_of(" \t[]") != std::string::npos) return bad("\"" + p + "\" is not a profile name");
  c.config.aws.profile = p;
  return {};
}

// A request rate: above 0, at most 1000.
Result<double> parse_rate(std::string_view v) {
  std::string t = trim(v);
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(d > 0) || d > 1000) {
    return bad("\"" + t + "\" is not a rate between 0 (exclusive) and 1000");
  }
  return d;
}

Status set_rps(KeyContext& c, std::string_view v) {
  auto d = parse_rate(v);
  if (!d.ok()) return d.status();
  c.config.aws.requests_per_second = *d;
  return {};
}

Status set_min_rps(KeyContext& c, std::string_view v) {
  auto d = parse_rate(v);
  if (!d.ok()) return d.status();
  c.config.aws.min_requests_per_second = *d;
  return {};
}

Status set_akid(KeyContext& c, std::string_view v) {
  std::string k = trim(v);
  if (k.empty() || k.size() > 128 ||
      k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
    return bad("not an access key ID (upper-case letters and digits)");
  }
  c.config.aws.access_key_id = k;
  return {};
}

Status set_secret_key(KeyContext& c, std::string_view v) {
  std::string k = trim(v);
  if (k.empty() || k.find_first_of(" \t") != std::string::npos) return bad("not a secret access key");
  c.config.aws.secret_access_key = k;
  return {};
}

Status set_session_token(KeyContext& c, std::string_view v) {
  std::string k = trim(v);
  if (k.empty() || k.find_first_of(" \t") != std::string::npos) return bad("not a session token");
  c.config.aws.session_token = k;
  return {};
}

Status set_max_attempts(KeyContext& c, std::string_view v) {
  auto n = parse_int(v, 1, 100);
  if (!n.ok()) return n.status();
  c.config.aws.max_attempts = static_cast<int>(*n);
  return {};
}

Status set_poll_min(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d < 100 || *d > 600000) return bad("must be between 100ms and 10m");
  c.config.aws.poll_interval_min_ms = *d;
  return {};
}

Status set_poll_max(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d < 100 || *d > 3600000) return bad("must be between 100ms and 1h");
  c.config.aws.poll_interval_max_ms = *d;
  return {};
}

Status set_algorithm(KeyContext& c, std::string_view v) {
  auto a = parse_tsig_algorithm(v);
  if (!a.ok()) return a.status();
  c.key->algorithm = a->first;
  c.key->mac_bits = a->second;
  return {};
}

Status set_secret(KeyContext& c, std::string_view v) {
  auto s = decode_secret(v);
  if (!s.ok()) return s.status();
  c.key->secret = std::move(*s);
  return {};
}

Status set_zone_id(KeyContext& c, std::string_view v) {
  std::string id = trim(v);
  size_t slash = id.rfind('/');
  if (slash != std::string::npos) id = id.substr(slash + 1);
  if (id.empty() || id.size() > 32 ||
      id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
    return bad("\"" + trim(v) + "\" is not a hosted zone ID (e.g. Z0123456789ABCDEFGHIJ)");
  }
  c.zone->hosted_zone_id = id;
  return {};
}

Status set_mode(KeyContext& c, std::string_view v) {
  std::string m = trim(v);
  if (m == "dynamic") {
    c.zone->mode = ZoneMode::kDynamic;
    return {};
  }
  if (m == "secondary") {
    c.zone->mode = ZoneMode::kSecondary;
    return {};
  }
  return bad("\"" + m + "\" is not a mode (dynamic, secondary)");
}

// "192.0.2.1", "192.0.2.1:5300", "2001:db8::1", "[2001:db8::1]:5300", then optionally "key NAME".
Status add_primary(KeyContext& c, std::string_view v) {
  std::vector<std::string> w = words(v);
  const char* grammar = " (ADDR[:PORT] [key NAME], IPv6 as [ADDR]:PORT)";
  if (w.empty()) return bad(std::string("empty;") + grammar);
  PrimaryAddr p;
  const std::string& a = w[0];
  if (a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string::npos) return bad("\"" + a + "\": missing ]" + grammar);
    std::string rest = a.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || rest.size() == 1)) return bad("\"" + a + "\": write [ADDR]:PORT");
    auto l = parse_listen(rest.empty() ? a + ":53" : a);
    if (!l.ok()) return l.status();
    p.host = l->host;
    p.port = l->port;
    p.ipv6 = true;
  } else if (std::count(a.begin(), a.end(), ':') > 1) {
    in6_addr tmp;
    if (inet_pton(AF_INET6, a.c_str(), &tmp) != 1) return bad("\"" + a + "\" is not an IPv6 address");
    p.host = a;
    p.ipv6 = true;
  } else {
    auto l = parse_listen(a.find(':') == std::string::npos ? a + ":53" : a);
    if (!l.ok()) return l.status();
    p.host = l->host;
    p.port = l->port;
  }
  if (w.size() == 3 && w[1] == "key") {
    auto n = normalize_dns_name(w[2]);
    if (!n.ok()) return bad("key name: " + n.status().message());
    p.key = *n;
  } else if (w.size() != 1) {
    return bad(std::string("unexpected \"") + w[1] + "\";" + grammar);
  }
  p.where = c.where;
  c.zone->secondary.primaries.push_back(std::move(p));
  return {};
}

Status add_allow_notify(KeyContext& c, std::string_view v) {
  for (const std::string& item : split(v, ',')) {
    if (item.empty()) return bad("empty item in the list");
    auto cidr = parse_cidr(item);
    if (!cidr.ok()) return cidr.status();
    c.zone->secondary.allow_notify.push_back(*cidr);
  }
  return {};
}

Status add_transfer_source(KeyContext& c, std::string_view v) {
  std::string a = trim(v);
  if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
  in6_addr tmp6;
  in_addr tmp4;
  bool v6 = inet_pton(AF_INET6, a.c_str(), &tmp6) == 1;
  if (!v6 && inet_pton(AF_INET, a.c_str(), &tmp4) != 1) return bad("\"" + a + "\" is not an IP address");
  for (const std::string& o : c.zone->secondary.transfer_source)
    if ((o.find(':') != std::string::npos) == v6)
      return bad(std::string("one ") + (v6 ? "IPv6" : "IPv4") + " source address only (already " + o + ")");
  c.zone->secondary.transfer_source.push_back(a);
  return {};
}

// A duration key of a secondary zone between 1 s and 52 weeks.
template <int64_t SecondaryConfig::*Field>
Status set_zone_duration(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d < 1000 || *d > 31'449'600'000) return bad("must be between 1s and 52 weeks");
  c.zone->secondary.*Field = *d;
  return {};
}

Status set_max_change_percent(KeyContext& c, std::string_view v) {
  std::string t = trim(v);
  if (!t.empty() && t.back() == '%') t.pop_back();
  auto n = parse_int(t, 1, 100);
  if (!n.ok()) return n.status();
  c.zone->secondary.max_change_percent = static_cast<int>(*n);
  return {};
}

// apex-ns, soa-timers: "keep" (Route 53's) or "primary".
template <class Policy, Policy SecondaryConfig::*Field>
Status set_keep_or_primary(KeyContext& c, std::string_view v) {
  std::string m = trim(v);
  if (m == "keep") c.zone->secondary.*Field = Policy::kKeep;
  else if (m == "primary") c.zone->secondary.*Field = Policy::kPrimary;
  else return bad("\"" + m + "\" is not keep or primary");
  return {};
}

Status set_record_set_quota(KeyContext& c, std::string_view v) {
  auto n = parse_int(v, 1, 100'000'000);
  if (!n.ok()) return n.status();
  c.zone->record_set_quota = static_cast<size_t>(*n);
  return {};
}

Status set_lock_lease(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d < 1000 || *d > 86'400'000) return bad("must be between 1s and 24h");
  c.zone->lock_lease_ms = *d;
  return {};
}

Status set_background_refresh(KeyContext& c, std::string_view v) {
  auto d = parse_duration_ms(v);
  if (!d.ok()) return d.status();
  if (*d != 0 && (*d < 1000 || *d > 604'800'000)) return bad("must be 0 (off) or between 1s and 1w");
  c.zone->background_refresh_ms = *d;
  return {};
}

Status set_trust_mirror(KeyContext& c, std::string_view v) {
  std::string m = trim(v);
  if (m == "yes") c.zone->trust_mirror = true;
  else if (m == "no") c.zone->trust_mirror = false;
  else return bad("\"" + m + "\" is not yes or no");
  return {};
}

Status set_dhcid(KeyContext& c, std::string_view v) {
  std::string m = trim(v);
  if (m == "refuse") c.zone->dhcid = DhcidPolicy::kRefuse;
  else if (m == "txt") c.zone->dhcid = DhcidPolicy::kTxt;
  else return bad("\"" + m + "\" is not refuse or txt");
  return {};
}

Status add_allow_update(KeyContext& c, std::string_view v) {
  auto r = parse_rule(v, *c.zone);
  if (!r.ok()) return r.status();
  r->where = c.where;
  c.zone->allow_update.push_back(std::move(*r));
  return {};
}

}  // namespace

Result<Cidr> parse_cidr(const std::string& text) {
  Cidr c;
  std::string addr = text, len;
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    len = text.substr(slash + 1);
  }
  c.ipv6 = addr.find(':') != std::string::npos;
  if (inet_pton(c.ipv6 ? AF_INET6 : AF_INET, addr.c_str(), c.addr.data()) != 1) {
    return bad("\"" + addr + "\" is not an IP address");
  }
  int max = c.ipv6 ? 128 : 32;
  if (len.empty()) {
    c.prefix_len = max;
  } else {
    auto n = parse_int(len, 0, max);
    if (!n.ok()) return bad("prefix length " + n.status().message());
    c.prefix_len = static_cast<int>(*n);
  }
  // Host bits set ("192.0.2.1/24") usually means a typo: say so rather than guess.
  Cidr masked = c;
  for (int bit = c.prefix_len; bit < max; ++bit) masked.addr[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  if (masked.addr != c.addr) return bad("\"" + text + "\" has host bits set (network is " + masked.str() + ")");
  return c;
}

const char* section_name(Section s) {
  switch (s) {
    case Section::kServer: return "server";
    case Section::kAws: return "aws";
    case Section::kKey: return "key NAME";
    case Section::kZone: return "zone NAME";
  }
  return "?";
}

const std::vector<KeyDef>& key_table() {
  using S = Section;
  static const std::vector<KeyDef> kKeys = {
      {S::kServer, "listen", "127.0.0.1:53, [::1]:53", true, false,
       "addresses to answer DNS on, UDP and TCP (ADDR:PORT, [V6]:PORT, comma-separated)", set_listen},
      {S::kServer, "key-file", nullptr, true, false,
       "BIND key file (tsig-keygen / ddns-confgen output) with TSIG keys", set_key_file},
      {S::kServer, "log-level", "info", false, false, "debug, info, notice, warning or error",
       set_log_level},
      {S::kServer, "tcp-timeout", "10s", false, false, "idle time before a DNS TCP connection is closed",
       set_tcp_timeout},
      {S::kServer, "max-tcp-clients", "100", false, false, "concurrent DNS TCP connections",
       set_max_tcp_clients},
      {S::kServer, "user", nullptr, false, false, "drop privileges to this user after binding",
       set_user},
      {S::kServer, "log", "stderr", false, false, "where log lines go: stderr or syslog", set_log},
      {S::kServer, "syslog-facility", "daemon", false, false,
       "with log = syslog: daemon, user, local0 .. local7", set_syslog_facility},
      {S::kServer, "shutdown-grace", "10s", false, false,
       "SIGTERM: how long change requests in flight may take to finish", set_shutdown_grace},
      {S::kServer, "http-listen", nullptr, false, false,
       "ADDR:PORT of the HTTP endpoint with /metrics and /status (default: off)", set_http_listen},
      {S::kServer, "http-allow", "127.0.0.1, ::1", true, false,
       "addresses/networks that may use the HTTP endpoint", add_http_allow},
      {S::kServer, "control-socket", "/run/route53d/route53d.sock", false, false,
       "Unix socket of route53d --status and --reload (none: off)", set_control_socket},
      {S::kAws, "endpoint", nullptr, false, false,
       "Route 53 API URL (default: AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL, the global endpoint)",
       set_endpoint},
      {S::kAws, "region", nullptr, false, false,
       "partition, and SigV4 signing region for a custom endpoint (beats AWS_REGION)",
       set_region},
      {S::kAws, "profile", nullptr, false, false, "profile in the shared AWS files (default: AWS_PROFILE)",
       set_profile},
      {S::kAws, "requests-per-second", "4", false, false,
       "Route 53 API calls per second, shared by every zone (lowered while throttled)", set_rps},
      {S::kAws, "min-requests-per-second", "1", false, false,
       "lowest rate while Route 53 throttles (at most requests-per-second)", set_min_rps},
      {S::kAws, "access-key-id", nullptr, false, false,
       "explicit credentials (beat the environment and the shared files)", set_akid},
      {S::kAws, "secret-access-key", nullptr, false, false, "secret of access-key-id", set_secret_key},
      {S::kAws, "session-token", nullptr, false, false, "token for temporary credentials",
       set_session_token},
      {S::kAws, "max-attempts", "10", false, false, "attempts per API call (throttling, 5xx, network)",
       set_max_attempts},
      {S::kAws, "poll-interval-min", "1s", false, false, "first GetChange poll after a change",
       set_poll_min},
      {S::kAws, "poll-interval-max", "10s", false, false, "longest wait between GetChange polls",
       set_poll_max},
      {S::kKey, "algorithm", "hmac-sha256", false, false,
       "hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512", set_algorithm},
      {S::kKey, "secret", nullptr, false, true, "the key, base64 (as tsig-keygen prints it)", set_secret},
      {S::kZone, "hosted-zone-id", nullptr, false, false,
       "the Route 53 hosted zone (default: found by name)", set_zone_id},
      {S::kZone, "mode", "dynamic", false, false,
       "dynamic: RFC 2136 UPDATEs change the zone; secondary: it follows a primary", set_mode},
      {S::kZone, "allow-update", nullptr, true, false,
       "dynamic zones: key NAME [names PATTERN,...] [types TYPE,...] | address CIDR", add_allow_update},
      {S::kZone, "record-set-quota", "10000", false, false,
       "the hosted zone's record-set quota (MAX_RRSETS_BY_ZONE)", set_record_set_quota},
      {S::kZone, "lock-lease", "120s", false, false,
       "another writer's push lock unchanged this long is taken over", set_lock_lease},
      {S::kZone, "background-refresh", "10m", false, false,
       "re-read the whole zone this often, page by page at low priority (0: never)", set_background_refresh},
      {S::kZone, "trust-mirror", "no", false, false,
       "dynamic zones: yes answers UPDATEs from the mirror alone, blind to other writers", set_trust_mirror},
      {S::kZone, "dhcid", "refuse", false, false,
       "dynamic zones: refuse DHCID, or keep it as TXT at _dhcid.NAME (txt; for Kea DHCP-DDNS)", set_dhcid},
      {S::kZone, "primary", nullptr, true, false,
       "secondary zones: ADDR[:PORT] [key NAME], tried in order (IPv6 as [ADDR]:PORT)", add_primary},
      {S::kZone, "allow-notify", nullptr, true, false,
       "secondary zones: addresses/networks that may NOTIFY (default: the primaries)", add_allow_notify},
      {S::kZone, "transfer-source", nullptr, true, false,
       "secondary zones: source address of SOA queries and transfers (one per family)", add_transfer_source},
      {S::kZone, "refresh-min", "300s", false, false, "secondary zones: shortest SOA refresh",
       set_zone_duration<&SecondaryConfig::refresh_min_ms>},
      {S::kZone, "refresh-max", "4w", false, false, "secondary zones: longest SOA refresh",
       set_zone_duration<&SecondaryConfig::refresh_max_ms>},
      {S::kZone, "retry-min", "500s", false, false, "secondary zones: shortest retry after a failure",
       set_zone_duration<&SecondaryConfig::retry_min_ms>},
      {S::kZone, "retry-max", "2w", false, false, "secondary zones: longest retry after a failure",
       set_zone_duration<&SecondaryConfig::retry_max_ms>},
      {S::kZone, "expire-min", "1h", false, false, "secondary zones: shortest SOA expire",
       set_zone_duration<&SecondaryConfig::expire_min_ms>},
      {S::kZone, "expire-max", "24w", false, false, "secondary zones: longest SOA expire",
       set_zone_duration<&SecondaryConfig::expire_max_ms>},
      {S::kZone, "max-change-percent", "30", false, false,
       "secondary zones: refuse a sync that deletes or changes more of the zone's record sets", set_max_change_percent},
      {S::kZone, "apex-ns", "keep", false, false,
       "secondary zones: keep Route 53's apex NS set, or take the primary's",
       set_keep_or_primary<ApexNsPolicy, &SecondaryConfig::apex_ns>},
      {S::kZone, "soa-timers", "keep", false, false,
       "secondary zones: keep Route 53's SOA TTL and timers, or take the primary's",
       set_keep_or_primary<SoaTimersPolicy, &SecondaryConfig::soa_timers>},
  };
  return kKeys;
}

}  // namespace r53d::config
