// Snapshot -> Prometheus text exposition format 0.0.4.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <vector>

#include "status/render.h"

namespace r53d::status {
namespace {

using Labels = std::vector<LabelPair>;

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 1e6)
    std::snprintf(buf, sizeof buf, "%.3f", v);  // epoch seconds: keep the milliseconds
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const std::string& name, const Labels& labels, double v) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += number(v);
    out_ += '\n';
  }
  void histogram(const std::string& name, const Labels& labels, const Histogram& h) {
    uint64_t cumulative = 0;
    const auto& counts = h.bucket_counts();
    for (size_t i = 0; i < h.bounds().size(); ++i) {
      cumulative += i < counts.size() ? counts[i] : 0;
      Labels l = labels;
      l.emplace_back("le", number(h.bounds()[i]));
      sample(name + "_bucket", l, static_cast<double>(cumulative));
    }
    Labels inf = labels;
    inf.emplace_back("le", "+Inf");
    sample(name + "_bucket", inf, static_cast<double>(h.count()));
    sample(name + "_sum", labels, h.sum());
    sample(name + "_count", labels, static_cast<double>(h.count()));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_prometheus(const Snapshot& s) {
  Writer w;
  auto d = [](auto v) { return static_cast<double>(v); };

  w.family("route53d_build_info", "gauge", "route53d's version (always 1)");
  w.sample("route53d_build_info", {{"version", s.version}}, 1);
  w.family("route53d_ready", "gauge", "1 once every zone was loaded and the listeners are up");
  w.sample("route53d_ready", {}, s.ready ? 1 : 0);
  w.family("route53d_uptime_seconds", "gauge", "seconds since route53d started");
  w.sample("route53d_uptime_seconds", {}, s.process.uptime_s);
  w.family("route53d_process_resident_memory_bytes", "gauge", "resident set size");
  w.sample("route53d_process_resident_memory_bytes", {}, s.process.resident_bytes);
  w.family("route53d_process_cpu_seconds_total", "counter", "user and system CPU time");
  w.sample("route53d_process_cpu_seconds_total", {}, s.process.cpu_seconds);
  w.family("route53d_process_open_fds", "gauge", "open file descriptors");
  w.sample("route53d_process_open_fds", {}, d(s.process.open_fds));
  w.family("route53d_process_start_time_seconds", "gauge", "start time, seconds since the epoch");
  w.sample("route53d_process_start_time_seconds", {}, s.process.start_time_s);
  w.family("route53d_reloads_total", "counter", "configuration reloads (SIGHUP, route53d --reload) by result");
  w.sample("route53d_reloads_total", {{"result", "ok"}}, d(s.config.reloads_ok));
  w.sample("route53d_reloads_total", {{"result", "failed"}}, d(s.config.reloads_failed));
  w.family("route53d_config_loaded_time_seconds", "gauge", "when the configuration in force was read (epoch s)");
  w.sample("route53d_config_loaded_time_seconds", {}, s.config.loaded_at_s);

  // DNS front end.
  w.family("route53d_dns_messages_total", "counter", "DNS replies sent, by request opcode and reply rcode");
  for (const auto& [k, v] : s.dns.messages) w.sample("route53d_dns_messages_total", {{"opcode", k.first}, {"rcode", k.second}}, d(v));
  w.family("route53d_dns_dropped_total", "counter", "DNS messages that got no reply (malformed, dropped by TSIG rules)");
  w.sample("route53d_dns_dropped_total", {}, d(s.dns.dropped));
  w.family("route53d_dns_tcp_connections", "gauge", "open DNS TCP connections");
  w.sample("route53d_dns_tcp_connections", {}, d(s.dns.tcp_open));

  // Route 53 client and rate limiter.
  const Route53Snapshot& r = s.route53;
  w.family("route53d_route53_requests_total", "counter",
           "Route 53 API attempts by operation and outcome (ok, throttled, 5xx, network, rejected)");
  for (const auto& [k, v] : r.requests)
    w.sample("route53d_route53_requests_total", {{"operation", k.first}, {"outcome", k.second}}, d(v));
  w.family("route53d_route53_request_duration_seconds", "histogram", "Route 53 API attempt latency by operation");
  for (const auto& [op, h] : r.latency_seconds) w.histogram("route53d_route53_request_duration_seconds", {{"operation", op}}, h);
  w.family("route53d_route53_retries_total", "counter", "Route 53 API attempts that were retries");
  w.sample("route53d_route53_retries_total", {}, d(r.retries));
  w.family("route53d_route53_last_success_age_seconds", "gauge",
           "seconds since Route 53 last answered a request successfully (absent before the first)");
  if (r.seconds_since_success) w.sample("route53d_route53_last_success_age_seconds", {}, *r.seconds_since_success);
  w.family("route53d_ratelimit_tokens", "gauge", "tokens in the Route 53 rate limiter's bucket");
  w.sample("route53d_ratelimit_tokens", {}, r.tokens);
  w.family("route53d_ratelimit_rate", "gauge", "requests per second allowed now (lowered while throttled)");
  w.sample("route53d_ratelimit_rate", {}, r.rate_per_s);
  w.family("route53d_ratelimit_configured_rate", "gauge", "requests per second configured");
  w.sample("route53d_ratelimit_configured_rate", {}, r.configured_rate_per_s);
  w.family("route53d_ratelimit_waiting", "gauge", "requests waiting for a token (background re-reads apart)");
  w.sample("route53d_ratelimit_waiting", {}, d(r.waiting));
  w.family("route53d_ratelimit_grants_total", "counter", "tokens granted");
  w.sample("route53d_ratelimit_grants_total", {}, d(r.grants));
  w.family("route53d_ratelimit_wait_seconds_total", "counter", "time requests spent waiting for a token");
  w.sample("route53d_ratelimit_wait_seconds_total", {}, r.wait_seconds_total);
  w.family("route53d_ratelimit_decreases_total", "counter", "times Route 53's throttling lowered the rate");
  w.sample("route53d_ratelimit_decreases_total", {}, d(r.rate_decreases));

  // Zones.
  auto each_zone = [&](const char* name, const char* type, const char* help, auto fn) {
    w.family(name, type, help);
    for (const ZoneSnapshot& z : s.zones) fn(z, Labels{{"zone", z.name}});
  };
  each_zone("route53d_zone_serving", "gauge", "1 while the zone is loaded and answering",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_zone_serving", l, z.serving ? 1 : 0); });
  each_zone("route53d_updates_total", "counter", "UPDATE answers by rcode", [&](const ZoneSnapshot& z, const Labels& l) {
    for (const auto& [res, v] : z.updates) {
      Labels ll = l;
      ll.emplace_back("result", res);
      w.sample("route53d_updates_total", ll, d(v));
    }
  });
  each_zone("route53d_commit_queue_depth", "gauge", "edits waiting for a change request",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_commit_queue_depth", l, d(z.queue_depth)); });
  each_zone("route53d_batches_sent_total", "counter", "ChangeResourceRecordSets requests sent",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_batches_sent_total", l, d(z.batches_sent)); });
  each_zone("route53d_batches_accepted_total", "counter", "change requests Route 53 accepted",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_batches_accepted_total", l, d(z.batches_accepted)); });
  each_zone("route53d_batches_rejected_total", "counter", "change requests Route 53 refused (then split)",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_batches_rejected_total", l, d(z.bad_batches)); });
  each_zone("route53d_batch_records", "histogram", "records per change request sent", [&](const ZoneSnapshot& z, const Labels& l) {
    if (z.batch_records.count()) w.histogram("route53d_batch_records", l, z.batch_records);
  });
  each_zone("route53d_cas_lost_total", "counter", "change requests that lost their compare-and-swap",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_cas_lost_total", l, d(z.cas_lost)); });
  each_zone("route53d_change_insync_seconds", "histogram", "time from a change's acceptance to INSYNC",
            [&](const ZoneSnapshot& z, const Labels& l) {
              if (z.insync_seconds.count()) w.histogram("route53d_change_insync_seconds", l, z.insync_seconds);
            });
  each_zone("route53d_changes_pending", "gauge", "accepted change requests not yet INSYNC",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_changes_pending", l, d(z.changes_pending)); });
  each_zone("route53d_confirmed_serial", "gauge", "SOA serial Route 53 reports INSYNC (what SOA queries answer)",
            [&](const ZoneSnapshot& z, const Labels& l) {
              if (z.confirmed_serial) w.sample("route53d_confirmed_serial", l, d(*z.confirmed_serial));
            });
  each_zone("route53d_pushed_serial", "gauge", "SOA serial of the last change Route 53 accepted",
            [&](const ZoneSnapshot& z, const Labels& l) {
              if (z.pushed_serial) w.sample("route53d_pushed_serial", l, d(*z.pushed_serial));
            });
  each_zone("route53d_mirror_rrsets", "gauge", "record sets in the zone's mirror",
            [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_mirror_rrsets", l, d(z.mirror_rrsets)); });

  // Secondary zones.
  auto each_secondary = [&](const char* name, const char* type, const char* help, auto fn) {
    w.family(name, type, help);
    for (const ZoneSnapshot& z : s.zones)
      if (z.mode == "secondary") fn(z, Labels{{"zone", z.name}});
  };
  each_secondary("route53d_transfers_total", "counter", "zone transfers by type (axfr, ixfr; any for failures) and result",
                 [&](const ZoneSnapshot& z, const Labels& l) {
                   for (const auto& [k, v] : z.transfers) {
                     Labels ll = l;
                     ll.emplace_back("type", k.first);
                     ll.emplace_back("result", k.second);
                     w.sample("route53d_transfers_total", ll, d(v));
                   }
                 });
  each_secondary("route53d_records_transferred_total", "counter", "records received by zone transfers",
                 [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_records_transferred_total", l, d(z.records_transferred)); });
  each_secondary("route53d_notifies_total", "counter", "NOTIFYs accepted for the zone",
                 [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_notifies_total", l, d(z.notifies)); });
  each_secondary("route53d_pushes_total", "counter", "transfers pushed to Route 53, by result", [&](const ZoneSnapshot& z, const Labels& l) {
    Labels ok = l, failed = l;
    ok.emplace_back("result", "ok");
    failed.emplace_back("result", "failed");
    w.sample("route53d_pushes_total", ok, d(z.pushes));
    w.sample("route53d_pushes_total", failed, d(z.push_failures));
  });
  each_secondary("route53d_refresh_age_seconds", "gauge", "seconds since the last successful refresh (absent before it)",
                 [&](const ZoneSnapshot& z, const Labels& l) {
                   if (z.seconds_since_refresh) w.sample("route53d_refresh_age_seconds", l, *z.seconds_since_refresh);
                 });
  each_secondary("route53d_expire_seconds", "gauge", "seconds until the zone expires without a successful refresh",
                 [&](const ZoneSnapshot& z, const Labels& l) {
                   if (z.seconds_to_expire) w.sample("route53d_expire_seconds", l, *z.seconds_to_expire);
                 });
  each_secondary("route53d_zone_expired", "gauge", "1 while the zone is expired (SOA queries answer SERVFAIL)",
                 [&](const ZoneSnapshot& z, const Labels& l) { w.sample("route53d_zone_expired", l, z.freshness == "expired" ? 1 : 0); });
  each_secondary("route53d_skipped_records", "gauge", "records of the primary's zone not pushed, by reason (last whole-zone push)",
                 [&](const ZoneSnapshot& z, const Labels& l) {
                   for (const auto& [reason, v] : z.skipped_records) {
                     Labels ll = l;
                     ll.emplace_back("reason", reason);
                     w.sample("route53d_skipped_records", ll, d(v));
                   }
                 });
  return w.take();
}

}  // namespace r53d::status
