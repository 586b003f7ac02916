// The read-only picture of a running route53d that /metrics, /status and `route53d --status`
// show: plain values the daemon copies out of its zones, Route 53 client, rate limiter and DNS
// front end once per request. status/ renders it and knows nothing else of the daemon.
//
//   status::Snapshot s = daemon.snapshot();          // daemon/metrics_snapshot.cc fills it
//   std::string text = status::render_prometheus(s);  // GET /metrics
//   std::string json = status::render_json(s);        // GET /status
//   std::string table = status::render_table(s);      // route53d --status
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/histogram.h"

namespace r53d::status {

using LabelPair = std::pair<std::string, std::string>;

// One served zone.
struct ZoneSnapshot {
  std::string name;            // "example.com."
  std::string hosted_zone_id;  // bare; "" until found
  std::string mode;            // "dynamic" or "secondary"
  std::string state;           // the zone's state ("idle", "loading", ...)
  bool serving = false;        // loaded and answering
  std::optional<uint32_t> confirmed_serial;  // INSYNC in Route 53
  std::optional<uint32_t> pushed_serial;     // accepted by Route 53 (the mirror's)
  size_t changes_pending = 0;  // accepted change requests not yet INSYNC
  size_t queue_depth = 0;      // edits waiting for a change request
  size_t mirror_rrsets = 0;
  std::map<std::string, uint64_t> updates;  // UPDATE answers by rcode ("noerror", "refused", ...)
  uint64_t batches_sent = 0, batches_accepted = 0, bad_batches = 0, cas_lost = 0, lost_replies = 0;
  uint64_t duplicates = 0;
  Histogram batch_records;     // records per change request sent
  Histogram insync_seconds;    // accepted -> INSYNC

  // Secondary zones.
  std::string freshness;       // "fresh", "retrying", "expired", "unsynced"
  uint64_t notifies = 0, checks = 0, records_transferred = 0, pushes = 0, push_failures = 0;
  std::map<LabelPair, uint64_t> transfers;  // (type: "axfr"/"ixfr"/"any", result: "ok"/"failed")
  std::optional<double> seconds_since_refresh;  // since the last successful refresh
  std::optional<double> seconds_to_expire;      // until the zone expires without one
  std::map<std::string, uint64_t> skipped_records;  // of the last whole-zone push, by reason
};

struct Route53Snapshot {
  std::string endpoint;                            // host of the API endpoint
  std::map<LabelPair, uint64_t> requests;          // (operation, outcome) -> HTTP attempts
  std::map<std::string, Histogram> latency_seconds;  // by operation
  uint64_t retries = 0;
  std::optional<double> seconds_since_success;     // since the last 2xx answer
  double rate_per_s = 0, configured_rate_per_s = 0, tokens = 0;  // rate limiter
  uint64_t waiting = 0, background_waiting = 0, grants = 0, waited = 0, rate_decreases = 0;
  double wait_seconds_total = 0;
};

struct DnsSnapshot {
  std::map<LabelPair, uint64_t> messages;  // (opcode "query"/"update"/"notify"/..., rcode) -> replies
  uint64_t dropped = 0;                    // messages that got no reply
  uint64_t tcp_open = 0, udp_received = 0, tcp_accepted = 0;
};

struct ProcessSnapshot {
  double resident_bytes = 0, cpu_seconds = 0, start_time_s = 0, uptime_s = 0;
  uint64_t open_fds = 0;
};

// The configuration in force, without secrets (key names, never key material).
struct ConfigSummary {
  struct Zone {
    std::string name, mode, hosted_zone_id;
    std::vector<std::string> allow_update;  // "key NAME names ... types ...", "address CIDR"
    std::vector<std::string> primaries;     // "192.0.2.1:53 key NAME"
  };
  std::string path;
  std::vector<std::string> listen;
  std::string http_listen, control_socket, log;
  std::vector<std::string> keys;  // "name (algorithm)"
  std::vector<Zone> zones;
  std::string aws_endpoint, aws_region, aws_profile, aws_credentials;  // credentials: where from
  double requests_per_second = 0, min_requests_per_second = 0;
  int max_attempts = 0;
  double loaded_at_s = 0;  // wall clock, epoch seconds, of the start or the last reload taken
  uint64_t reloads_ok = 0, reloads_failed = 0;
  std::string last_reload_error;  // "" when the last reload was taken
  std::vector<std::string> needs_restart;  // settings changed by a reload that only a restart applies
};

struct Snapshot {
  std::string version;
  double now_s = 0;  // wall clock, epoch seconds
  bool ready = false, shutting_down = false;
  ProcessSnapshot process;
  DnsSnapshot dns;
  Route53Snapshot route53;
  std::vector<ZoneSnapshot> zones;
  ConfigSummary config;
};

}  // namespace r53d::status
