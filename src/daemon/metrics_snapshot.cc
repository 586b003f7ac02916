// status::Snapshot from the daemon's objects.
#include "daemon/metrics_snapshot.h"

#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon/options.h"
#include "dns/wire.h"
#include "zone/route53_rules.h"

namespace r53d::daemon {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string opcode_name(unsigned op) {
  switch (op) {
    case 0: return "query";
    case 1: return "iquery";
    case 2: return "status";
    case 4: return "notify";
    case 5: return "update";
  }
  return std::to_string(op);
}

std::string rule_text(const config::UpdateRule& r) {
  if (r.kind == config::UpdateRule::Kind::kAddress) return "address " + r.network.str();
  std::string out = "key " + r.key;
  if (!r.names.empty()) {
    out += " names ";
    for (size_t i = 0; i < r.names.size(); ++i) out += (i ? "," : "") + (r.names[i].wildcard ? "*." : std::string()) + r.names[i].name;
  }
  if (!r.types.empty()) {
    out += " types ";
    for (size_t i = 0; i < r.types.size(); ++i) out += (i ? "," : "") + r.types[i];
  }
  return out;
}

}  // namespace

std::string DnsCounters::question_name(std::span<const uint8_t> wire) {
  if (wire.size() < dns::kHeaderSize || ((wire[4] << 8) | wire[5]) == 0) return "";
  dns::WireReader r(wire, dns::kHeaderSize);
  std::vector<uint8_t> name = r.name_canonical();
  return r.ok() ? dns::name_to_text(name) : "";
}

void DnsCounters::count_reply(unsigned op, std::span<const uint8_t> reply, const std::string& zone) {
  if (reply.size() < dns::kHeaderSize) return;
  unsigned rcode = reply[3] & 0x0f;
  std::string rc = lower(dns::rcode_name(static_cast<uint16_t>(rcode)));
  ++messages_[{opcode_name(op), rc}];
  if (op == 5 && !zone.empty()) ++updates_[zone][rc];
}

status::ConfigSummary summarize(const config::Config& cfg) {
  status::ConfigSummary c;
  c.path = cfg.path;
  for (const auto& l : cfg.server.listen) c.listen.push_back(l.str());
  c.http_listen = cfg.server.http_listen ? cfg.server.http_listen->str() : "";
  c.control_socket = cfg.server.control_socket;
  c.log = cfg.server.log_syslog ? "syslog (" + cfg.server.syslog_facility_name + ")" : "stderr";
  for (const auto& k : cfg.keys) c.keys.push_back(k.name + " (" + k.algorithm + ")");
  for (const auto& z : cfg.zones) {
    status::ConfigSummary::Zone s;
    s.name = z.name;
    s.mode = z.mode == config::ZoneMode::kSecondary ? "secondary" : "dynamic";
    s.hosted_zone_id = z.hosted_zone_id;
    for (const auto& r : z.allow_update) s.allow_update.push_back(rule_text(r));
    for (const auto& p : z.secondary.primaries) s.primaries.push_back(p.str() + (p.key.empty() ? "" : " key " + p.key));
    c.zones.push_back(std::move(s));
  }
  c.aws_endpoint = cfg.aws.endpoint;
  c.aws_region = cfg.aws.region;
  c.aws_profile = cfg.aws.profile;
  // Where the credentials come from, never what they are.
  c.aws_credentials = !cfg.aws.access_key_id.empty() ? "configuration file (access-key-id " +
                                                           cfg.aws.access_key_id.substr(0, 4) + "...)"
                      : !cfg.aws.profile.empty()     ? "profile " + cfg.aws.profile
                                                     : "environment, shared files or instance role";
  c.requests_per_second = cfg.aws.requests_per_second;
  c.min_requests_per_second = cfg.aws.min_requests_per_second;
  c.max_attempts = cfg.aws.max_attempts;
  return c;
}

status::ProcessSnapshot process_snapshot(int64_t start_wall_ms, int64_t now_wall_ms) {
  status::ProcessSnapshot p;
  p.start_time_s = static_cast<double>(start_wall_ms) / 1000.0;
  p.uptime_s = static_cast<double>(now_wall_ms - start_wall_ms) / 1000.0;
  long page = sysconf(_SC_PAGESIZE), ticks = sysconf(_SC_CLK_TCK);
  {
    std::ifstream statm("/proc/self/statm");
    unsigned long size = 0, resident = 0;
    if (statm >> size >> resident) p.resident_bytes = static_cast<double>(resident) * static_cast<double>(page);
  }
  {
    std::ifstream st("/proc/self/stat");
    std::string all((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    size_t close = all.rfind(')');  // the command name may hold spaces
    if (close != std::string::npos) {
      std::istringstream rest(all.substr(close + 2));
      std::string field;
      unsigned long utime = 0, stime = 0;
      // Fields 3.. after the name: state(3) ... utime is field 14, stime 15.
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
      }
      if (ticks > 0) p.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks);
    }
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++p.open_fds;
    closedir(d);
    if (p.open_fds > 0) --p.open_fds;  // the directory itself
  }
  return p;
}

status::Snapshot take_snapshot(const SnapshotSources& src) {
  status::Snapshot s;
  s.version = kVersion;
  int64_t now_wall = src.loop ? src.loop->clock().wall_ms() : 0;
  int64_t now = src.loop ? src.loop->clock().mono_ms() : 0;
  s.now_s = static_cast<double>(now_wall) / 1000.0;
  s.ready = src.ready;
  s.shutting_down = src.shutting_down;
  s.process = process_snapshot(src.start_wall_ms, now_wall);
  if (src.dns) {
    s.dns.messages = src.dns->messages();
    s.dns.dropped = src.dns_dropped;
  }
  if (src.listeners) {
    net::ServerStats ns = src.listeners->stats();
    s.dns.tcp_open = ns.tcp_open;
    s.dns.udp_received = ns.udp_received;
    s.dns.tcp_accepted = ns.tcp_accepted;
  }
  if (src.client) {
    r53::Route53Client& c = *src.client;
    s.route53.endpoint = c.endpoint().host;
    const auto& m = c.metrics();
    s.route53.requests = m.attempts;
    s.route53.latency_seconds = m.latency_s;
    s.route53.retries = c.stats().retries;
    if (m.last_success_ms) s.route53.seconds_since_success = static_cast<double>(now - m.last_success_ms) / 1000.0;
    r53::RateLimiter& l = c.limiter();
    s.route53.rate_per_s = l.rate_per_s();
    s.route53.configured_rate_per_s = src.config ? src.config->aws.requests_per_second : 0;
    s.route53.tokens = l.tokens();
    s.route53.waiting = l.waiting();
    s.route53.background_waiting = l.background_waiting();
    s.route53.grants = l.stats().granted;
    s.route53.waited = l.stats().waited;
    s.route53.wait_seconds_total = static_cast<double>(l.stats().total_wait_ms) / 1000.0;
    s.route53.rate_decreases = l.stats().rate_decreases;
  }
  for (const ManagedZone* z : src.zones) {
    status::ZoneSnapshot zs;
    zs.name = z->name();
    zs.hosted_zone_id = z->hosted_zone_id();
    zs.mode = z->secondary() ? "secondary" : "dynamic";
    zs.state = ManagedZone::state_name(z->state());
    zs.serving = z->serving();
    if (const commit::ZoneCommitter* c = z->committer()) {
      zs.pushed_serial = c->mirror().serial();
      zs.queue_depth = c->queued();
      zs.mirror_rrsets = c->mirror().rrset_count();
      const auto& st = c->stats();
      zs.batches_sent = st.batches_sent;
      zs.batches_accepted = st.batches_accepted;
      zs.bad_batches = st.bad_batches;
      zs.cas_lost = st.cas_lost;
      zs.lost_replies = st.lost_replies;
      zs.duplicates = st.duplicates;
    }
    if (auto soa = z->confirmed_soa()) zs.confirmed_serial = soa->soa_serial();
    if (auto* conf = const_cast<ManagedZone*>(z)->confirmed()) zs.changes_pending = conf->pending();
    if (src.dns)
      if (const auto* u = src.dns->updates(z->name())) zs.updates = *u;
    if (src.client) {
      const auto& br = src.client->metrics().batch_records;
      if (auto it = br.find(z->hosted_zone_id()); it != br.end()) zs.batch_records = it->second;
    }
    if (src.poller) {
      const auto& ins = src.poller->insync_seconds();
      if (auto it = ins.find(z->hosted_zone_id()); it != ins.end()) zs.insync_seconds = it->second;
    }
    if (z->secondary()) {
      const auto& st = z->stats();
      zs.freshness = ManagedZone::freshness_name(z->freshness());
      zs.notifies = st.notifies;
      zs.checks = st.checks;
      zs.records_transferred = st.records_transferred;
      zs.pushes = st.pushes;
      zs.push_failures = st.push_failures;
      zs.transfers[{"axfr", "ok"}] = st.transfers_full;
      zs.transfers[{"ixfr", "ok"}] = st.transfers_incremental;
      zs.transfers[{"any", "failed"}] = st.transfer_failures;
      if (st.last_success_ms) zs.seconds_since_refresh = static_cast<double>(now - st.last_success_ms) / 1000.0;
      if (auto d = z->expire_deadline_ms()) zs.seconds_to_expire = static_cast<double>(*d - now) / 1000.0;
      const zone::SkipCounts& sk = z->skips();
      for (size_t i = 0; i < zone::kRuleCount; ++i)
        if (sk.records[i]) zs.skipped_records[std::string(zone::rule_name(static_cast<zone::Rule>(i)))] = sk.records[i];
    }
    s.zones.push_back(std::move(zs));
  }
  if (src.config) s.config = summarize(*src.config);
  s.config.loaded_at_s = static_cast<double>(src.config_wall_ms) / 1000.0;
  s.config.reloads_ok = src.reloads_ok;
  s.config.reloads_failed = src.reloads_failed;
  s.config.last_reload_error = src.last_reload_error;
  s.config.needs_restart = src.needs_restart;
  return s;
}

}  // namespace r53d::daemon
