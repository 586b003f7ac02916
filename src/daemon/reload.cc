// The difference between two configurations, as a reload applies it (see reload.h).
#include "daemon/reload.h"

#include <map>
#include <tuple>

namespace r53d::daemon {
namespace {

using config::ZoneConfig;

auto tie_cidr(const config::Cidr& c) { return std::tie(c.ipv6, c.addr, c.prefix_len); }
bool same(const config::Cidr& a, const config::Cidr& b) { return tie_cidr(a) == tie_cidr(b); }
bool same(const config::ListenAddr& a, const config::ListenAddr& b) {
  return std::tie(a.host, a.port, a.ipv6) == std::tie(b.host, b.port, b.ipv6);
}
bool same(const config::PrimaryAddr& a, const config::PrimaryAddr& b) {
  return std::tie(a.host, a.port, a.ipv6, a.key) == std::tie(b.host, b.port, b.ipv6, b.key);
}
bool same(const config::NamePattern& a, const config::NamePattern& b) {
  return a.name == b.name && a.wildcard == b.wildcard;
}
bool same(const config::UpdateRule& a, const config::UpdateRule& b);
bool same(const config::TsigKey& a, const config::TsigKey& b) {
  return std::tie(a.name, a.algorithm, a.mac_bits, a.secret) == std::tie(b.name, b.algorithm, b.mac_bits, b.secret);
}

template <class T>
bool same_list(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

bool same(const config::UpdateRule& a, const config::UpdateRule& b) {
  return a.kind == b.kind && a.key == b.key && same_list(a.names, b.names) && a.types == b.types &&
         same(a.network, b.network);
}

bool same_secondary(const config::SecondaryConfig& a, const config::SecondaryConfig& b) {
  return same_list(a.primaries, b.primaries) && same_list(a.allow_notify, b.allow_notify) &&
         a.transfer_source == b.transfer_source &&
         std::tie(a.refresh_min_ms, a.refresh_max_ms, a.retry_min_ms, a.retry_max_ms, a.expire_min_ms, a.expire_max_ms,
                  a.max_change_percent, a.apex_ns, a.soa_timers) ==
             std::tie(b.refresh_min_ms, b.refresh_max_ms, b.retry_min_ms, b.retry_max_ms, b.expire_min_ms,
                      b.expire_max_ms, b.max_change_percent, b.apex_ns, b.soa_timers);
}

bool same_zone(const ZoneConfig& a, const ZoneConfig& b) {
  return !zone_needs_replace(a, b) && same_list(a.allow_update, b.allow_update) &&
         same_secondary(a.secondary, b.secondary) && a.record_set_quota == b.record_set_quota &&
         a.dhcid == b.dhcid;
}

void add_list(std::string& out, const char* what, const std::vector<std::string>& v) {
  if (v.empty()) return;
  out += std::string(out.empty() ? "" : "; ") + what;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : " ") + v[i];
}

}  // namespace

bool zone_needs_replace(const ZoneConfig& a, const ZoneConfig& b) {
  return a.hosted_zone_id != b.hosted_zone_id || a.mode != b.mode || a.trust_mirror != b.trust_mirror ||
         a.lock_lease_ms != b.lock_lease_ms || a.background_refresh_ms != b.background_refresh_ms ||
         a.secondary.apex_ns != b.secondary.apex_ns;
}

bool ConfigDiff::empty() const {
  return zones_added.empty() && zones_removed.empty() && zones_replaced.empty() && zones_updated.empty() &&
         !keys_changed && aws == Aws::kSame && !log_changed && !http_listen_changed && !http_allow_changed &&
         needs_restart.empty();
}

std::string ConfigDiff::summary() const {
  if (empty()) return "no change";
  std::string out;
  add_list(out, "zones added:", zones_added);
  add_list(out, "zones removed:", zones_removed);
  add_list(out, "zones replaced (mirror read again):", zones_replaced);
  add_list(out, "zones updated in place:", zones_updated);
  if (keys_changed) out += std::string(out.empty() ? "" : "; ") + "keys changed";
  if (aws == Aws::kInPlace) out += std::string(out.empty() ? "" : "; ") + "aws: rates/attempts/polling changed in place";
  if (aws == Aws::kRebuild) out += std::string(out.empty() ? "" : "; ") + "aws: new endpoint or credentials (every zone read again)";
  if (log_changed) out += std::string(out.empty() ? "" : "; ") + "logging changed";
  if (http_listen_changed) out += std::string(out.empty() ? "" : "; ") + "http-listen changed";
  if (http_allow_changed) out += std::string(out.empty() ? "" : "; ") + "http-allow changed";
  add_list(out, "needs a restart:", needs_restart);
  return out;
}

ConfigDiff diff_configs(const config::Config& o, const config::Config& n) {
  ConfigDiff d;
  std::map<std::string, const ZoneConfig*> old_zones, new_zones;
  for (const auto& z : o.zones) old_zones[z.name] = &z;
  for (const auto& z : n.zones) new_zones[z.name] = &z;
  for (const auto& z : n.zones) {
    auto it = old_zones.find(z.name);
    if (it == old_zones.end()) d.zones_added.push_back(z.name);
    else if (zone_needs_replace(*it->second, z)) d.zones_replaced.push_back(z.name);
    else if (!same_zone(*it->second, z)) d.zones_updated.push_back(z.name);
  }
  for (const auto& z : o.zones)
    if (!new_zones.count(z.name)) d.zones_removed.push_back(z.name);
  d.keys_changed = !same_list(o.keys, n.keys);

  const config::AwsConfig &a = o.aws, &b = n.aws;
  if (std::tie(a.endpoint, a.region, a.profile, a.access_key_id, a.secret_access_key, a.session_token) !=
      std::tie(b.endpoint, b.region, b.profile, b.access_key_id, b.secret_access_key, b.session_token))
    d.aws = ConfigDiff::Aws::kRebuild;
  else if (std::tie(a.requests_per_second, a.min_requests_per_second, a.max_attempts, a.poll_interval_min_ms,
                    a.poll_interval_max_ms) != std::tie(b.requests_per_second, b.min_requests_per_second,
                                                        b.max_attempts, b.poll_interval_min_ms, b.poll_interval_max_ms))
    d.aws = ConfigDiff::Aws::kInPlace;

  const config::ServerConfig &s = o.server, &t = n.server;
  d.log_changed = std::tie(s.log_syslog, s.syslog_facility, s.log_level) != std::tie(t.log_syslog, t.syslog_facility, t.log_level);
  bool had = s.http_listen.has_value(), has = t.http_listen.has_value();
  d.http_listen_changed = had != has || (had && !same(*s.http_listen, *t.http_listen));
  d.http_allow_changed = !same_list(s.http_allow, t.http_allow);
  if (!same_list(s.listen, t.listen)) d.needs_restart.emplace_back("listen");
  if (s.tcp_timeout_ms != t.tcp_timeout_ms) d.needs_restart.emplace_back("tcp-timeout");
  if (s.max_tcp_clients != t.max_tcp_clients) d.needs_restart.emplace_back("max-tcp-clients");
  if (s.user != t.user) d.needs_restart.emplace_back("user");
  if (s.control_socket != t.control_socket) d.needs_restart.emplace_back("control-socket");
  return d;
}

}  // namespace r53d::daemon
