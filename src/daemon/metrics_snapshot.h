// Filling status::Snapshot (status/snapshot.h) from the running daemon: its zones, the Route 53
// client and rate limiter, the change poller, the DNS front end and the configuration. The only
// place that knows both the daemon's internals and the snapshot type.
//
//   daemon::DnsCounters dns;                    // the gateway counts every reply
//   dns.count_reply(request, reply, "example.com.");
//   status::Snapshot s = daemon::take_snapshot(sources);
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/managed_zone.h"
#include "loop/event_base.h"
#include "net/server.h"
#include "r53/api.h"
#include "r53/change_poller.h"
#include "status/snapshot.h"

namespace r53d::daemon {

// DNS replies by request opcode and reply rcode; UPDATE answers by zone and rcode.
class DnsCounters {
 public:
  // One reply sent to a request of `opcode`. `zone`: for an UPDATE, the served zone it was for
  // ("" when none: counted only in the totals, so that names sent by strangers never become
  // labels).
  void count_reply(unsigned opcode, std::span<const uint8_t> reply, const std::string& zone);

  const std::map<status::LabelPair, uint64_t>& messages() const { return messages_; }
  const std::map<std::string, uint64_t>* updates(const std::string& zone) const {
    auto it = updates_.find(zone);
    return it == updates_.end() ? nullptr : &it->second;
  }

  // The zone section's name of a request ("example.com."), "" if it has none or cannot be read.
  static std::string question_name(std::span<const uint8_t> wire);

 private:
  std::map<status::LabelPair, uint64_t> messages_;
  std::map<std::string, std::map<std::string, uint64_t>> updates_;
};

// What take_snapshot reads; every pointer may be null (not built yet).
struct SnapshotSources {
  const config::Config* config = nullptr;
  std::vector<const ManagedZone*> zones;
  r53::Route53Client* client = nullptr;
  const r53::ChangePoller* poller = nullptr;
  const DnsCounters* dns = nullptr;
  uint64_t dns_dropped = 0;   // messages that got no reply (the handler's count)
  const net::Server* listeners = nullptr;
  loop::EventBase* loop = nullptr;
  int64_t start_wall_ms = 0;    // when the daemon started
  int64_t config_wall_ms = 0;   // when the configuration in force was read
  bool ready = false, shutting_down = false;
  uint64_t reloads_ok = 0, reloads_failed = 0;
  std::string last_reload_error;
  std::vector<std::string> needs_restart;
};

status::Snapshot take_snapshot(const SnapshotSources& src);
// The configuration without secrets (key names and algorithms only; AWS keys as their source).
status::ConfigSummary summarize(const config::Config& cfg);
// RSS, CPU, open fds of this process (/proc/self); uptime from start_wall_ms.
status::ProcessSnapshot process_snapshot(int64_t start_wall_ms, int64_t now_wall_ms);

}  // namespace r53d::daemon
