// Snapshot -> JSON (GET /status) with RapidJSON, and the table of `route53d --status`.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>

#include "status/render.h"

namespace r53d::status {
namespace {

template <class W>
void str(W& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

template <class W>
void num(W& w, const char* key, double v) {
  w.Key(key);
  w.Double(v);
}

template <class W>
void u64(W& w, const char* key, uint64_t v) {
  w.Key(key);
  w.Uint64(v);
}

template <class W>
void opt(W& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v) w.Double(*v);
  else w.Null();
}

template <class W>
void strings(W& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

template <class W>
void counts(W& w, const char* key, const std::map<std::string, uint64_t>& m) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : m) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.Uint64(v);
  }
  w.EndObject();
}

// {"FIRST<sep>SECOND": N, ...} from counts by label pair.
template <class W>
void pair_counts(W& w, const char* key, const std::map<LabelPair, uint64_t>& m, const char* sep) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : m) {
    std::string name = k.first + sep + k.second;
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(v);
  }
  w.EndObject();
}

// {"count": N, "sum": S, "mean": S/N}: enough for a person; the buckets are in /metrics.
template <class W>
void summary(W& w, const char* key, const Histogram& h) {
  w.Key(key);
  w.StartObject();
  u64(w, "count", h.count());
  num(w, "sum", h.sum());
  w.Key("mean");
  if (h.count()) w.Double(h.sum() / static_cast<double>(h.count()));
  else w.Null();
  w.EndObject();
}

template <class W>
void zone(W& w, const ZoneSnapshot& z) {
  w.StartObject();
  str(w, "name", z.name);
  str(w, "hosted_zone_id", z.hosted_zone_id);
  str(w, "mode", z.mode);
  str(w, "state", z.state);
  w.Key("serving");
  w.Bool(z.serving);
  w.Key("confirmed_serial");
  if (z.confirmed_serial) w.Uint(*z.confirmed_serial);
  else w.Null();
  w.Key("pushed_serial");
  if (z.pushed_serial) w.Uint(*z.pushed_serial);
  else w.Null();
  u64(w, "changes_pending", z.changes_pending);
  u64(w, "queue_depth", z.queue_depth);
  u64(w, "mirror_rrsets", z.mirror_rrsets);
  counts(w, "updates", z.updates);
  w.Key("batches");
  w.StartObject();
  u64(w, "sent", z.batches_sent);
  u64(w, "accepted", z.batches_accepted);
  u64(w, "rejected", z.bad_batches);
  u64(w, "cas_lost", z.cas_lost);
  u64(w, "lost_replies", z.lost_replies);
  w.EndObject();
  summary(w, "batch_records", z.batch_records);
  summary(w, "insync_seconds", z.insync_seconds);
  if (z.mode == "secondary") {
    w.Key("secondary");
    w.StartObject();
    str(w, "freshness", z.freshness);
    u64(w, "notifies", z.notifies);
    u64(w, "checks", z.checks);
    pair_counts(w, "transfers", z.transfers, "_");
    u64(w, "records_transferred", z.records_transferred);
    u64(w, "pushes", z.pushes);
    u64(w, "push_failures", z.push_failures);
    opt(w, "seconds_since_refresh", z.seconds_since_refresh);
    opt(w, "seconds_to_expire", z.seconds_to_expire);
    counts(w, "skipped_records", z.skipped_records);
    w.EndObject();
  }
  w.EndObject();
}

template <class W>
void write_all(W& w, const Snapshot& s) {
  w.StartObject();
  str(w, "version", s.version);
  num(w, "now", s.now_s);
  w.Key("ready");
  w.Bool(s.ready);
  w.Key("shutting_down");
  w.Bool(s.shutting_down);

  w.Key("process");
  w.StartObject();
  num(w, "uptime_seconds", s.process.uptime_s);
  num(w, "resident_bytes", s.process.resident_bytes);
  num(w, "cpu_seconds", s.process.cpu_seconds);
  u64(w, "open_fds", s.process.open_fds);
  w.EndObject();

  w.Key("dns");
  w.StartObject();
  pair_counts(w, "replies", s.dns.messages, " ");
  u64(w, "dropped", s.dns.dropped);
  u64(w, "tcp_open", s.dns.tcp_open);
  w.EndObject();

  const Route53Snapshot& r = s.route53;
  w.Key("route53");
  w.StartObject();
  str(w, "endpoint", r.endpoint);
  pair_counts(w, "requests", r.requests, " ");
  u64(w, "retries", r.retries);
  opt(w, "seconds_since_success", r.seconds_since_success);
  w.Key("rate_limiter");
  w.StartObject();
  num(w, "rate", r.rate_per_s);
  num(w, "configured_rate", r.configured_rate_per_s);
  num(w, "tokens", r.tokens);
  u64(w, "waiting", r.waiting);
  u64(w, "grants", r.grants);
  num(w, "wait_seconds_total", r.wait_seconds_total);
  w.EndObject();
  w.EndObject();

  w.Key("zones");
  w.StartArray();
  for (const ZoneSnapshot& z : s.zones) zone(w, z);
  w.EndArray();

  const ConfigSummary& c = s.config;
  w.Key("config");
  w.StartObject();
  str(w, "path", c.path);
  num(w, "loaded_at", c.loaded_at_s);
  u64(w, "reloads_ok", c.reloads_ok);
  u64(w, "reloads_failed", c.reloads_failed);
  str(w, "last_reload_error", c.last_reload_error);
  strings(w, "needs_restart", c.needs_restart);
  strings(w, "listen", c.listen);
  str(w, "http_listen", c.http_listen);
  str(w, "control_socket", c.control_socket);
  str(w, "log", c.log);
  strings(w, "keys", c.keys);
  w.Key("aws");
  w.StartObject();
  str(w, "endpoint", c.aws_endpoint);
  str(w, "region", c.aws_region);
  str(w, "profile", c.aws_profile);
  str(w, "credentials", c.aws_credentials);
  num(w, "requests_per_second", c.requests_per_second);
  num(w, "min_requests_per_second", c.min_requests_per_second);
  w.Key("max_attempts");
  w.Int(c.max_attempts);
  w.EndObject();
  w.Key("zones");
  w.StartArray();
  for (const auto& z : c.zones) {
    w.StartObject();
    str(w, "name", z.name);
    str(w, "mode", z.mode);
    str(w, "hosted_zone_id", z.hosted_zone_id);
    strings(w, "allow_update", z.allow_update);
    strings(w, "primaries", z.primaries);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
}

std::string serial_text(const std::optional<uint32_t>& s) { return s ? std::to_string(*s) : "-"; }

std::string age_text(const std::optional<double>& s) {
  if (!s) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0fs", *s);
  return buf;
}

}  // namespace

std::string render_json(const Snapshot& s, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    write_all(w, s);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    write_all(w, s);
  }
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string render_table(const Snapshot& s) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "route53d %s: %s, up %.0f s, %zu zone(s), configuration %s\n", s.version.c_str(),
                s.shutting_down ? "shutting down" : s.ready ? "ready" : "starting", s.process.uptime_s, s.zones.size(),
                s.config.path.c_str());
  out += line;
  std::snprintf(line, sizeof line, "reloads: %llu taken, %llu refused%s%s\n",
                static_cast<unsigned long long>(s.config.reloads_ok), static_cast<unsigned long long>(s.config.reloads_failed),
                s.config.last_reload_error.empty() ? "" : "; last refused: ", s.config.last_reload_error.c_str());
  out += line;
  for (const auto& n : s.config.needs_restart) out += "needs a restart: " + n + "\n";
  uint64_t ok = 0, all = 0;
  for (const auto& [k, v] : s.route53.requests) {
    all += v;
    if (k.second == "ok") ok += v;
  }
  std::snprintf(line, sizeof line, "route53: %s, %llu requests (%llu ok), %llu retries, rate %.3g/s (configured %.3g/s), last success %s ago\n",
                s.route53.endpoint.c_str(), static_cast<unsigned long long>(all), static_cast<unsigned long long>(ok),
                static_cast<unsigned long long>(s.route53.retries), s.route53.rate_per_s, s.route53.configured_rate_per_s,
                age_text(s.route53.seconds_since_success).c_str());
  out += line;
  std::snprintf(line, sizeof line, "%-28s %-9s %-22s %-10s %10s %10s %6s %7s %8s %s\n", "ZONE", "MODE", "HOSTED ZONE", "STATE",
                "CONFIRMED", "PUSHED", "QUEUE", "PENDING", "RRSETS", "FRESHNESS");
  out += line;
  for (const ZoneSnapshot& z : s.zones) {
    std::string fresh = z.mode == "secondary" ? z.freshness + " (refreshed " + age_text(z.seconds_since_refresh) + " ago)" : "-";
    std::snprintf(line, sizeof line, "%-28s %-9s %-22s %-10s %10s %10s %6zu %7zu %8zu %s\n", z.name.c_str(), z.mode.c_str(),
                  z.hosted_zone_id.empty() ? "-" : z.hosted_zone_id.c_str(), z.state.c_str(),
                  serial_text(z.confirmed_serial).c_str(), serial_text(z.pushed_serial).c_str(), z.queue_depth,
                  z.changes_pending, z.mirror_rrsets, fresh.c_str());
    out += line;
  }
  return out;
}

}  // namespace r53d::status
