// What a configuration reload (SIGHUP, `route53d --reload`) changes: the difference between the
// configuration in force and the one just read, as the daemon applies it (daemon/server.cc).
//
//   auto next = config::load(path);                  // not valid: nothing changes
//   daemon::ConfigDiff d = daemon::diff_configs(running, *next);
//   for (const auto& z : d.zones_added) ...;          // new ManagedZone, start()
//   log::notice("reload: %s", d.summary().c_str());
//
// Zones, by name:
//   added     — in the new configuration only: made and started.
//   removed   — in the old only: no longer served at once (UPDATE and NOTIFY answered NOTAUTH),
//               stopped, dropped when idle (its change request in flight completes).
//   replaced  — its hosted-zone-id or mode changed, or a key that the zone's commit pipeline
//               was built with (trust-mirror, lock-lease, background-refresh, apex-ns): removed
//               and added, which loads its mirror again.
//   updated   — anything else (allow-update, primaries, allow-notify, transfer-source, timers,
//               max-change-percent, soa-timers, record-set-quota): changed in place, the mirror
//               and the change in flight untouched.
// AWS ([aws]): kSame; kInPlace (only the rates, max-attempts or poll intervals changed: applied
// to the running client); kRebuild (endpoint, region, profile or credentials: a new client, and
// every zone replaced on it once its change in flight is done: a new account or endpoint means
// new mirrors).
// Keys: the key ring is replaced (a request in flight keeps the key it was verified with).
// [server]: log, syslog-facility, log-level, http-allow, shutdown-grace and http-listen take
// effect at once; listen, tcp-timeout, max-tcp-clients, user and control-socket need a restart
// (the sockets are bound, and root may be gone): listed in needs_restart.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace r53d::daemon {

struct ConfigDiff {
  enum class Aws { kSame, kInPlace, kRebuild };
  std::vector<std::string> zones_added, zones_removed, zones_replaced, zones_updated;  // zone names
  bool keys_changed = false;
  Aws aws = Aws::kSame;
  bool log_changed = false;         // log, syslog-facility or log-level
  bool http_listen_changed = false;
  bool http_allow_changed = false;
  std::vector<std::string> needs_restart;  // "listen", "user", ... (keys of [server])

  bool empty() const;
  // "zones +1 -1 ~2 (1 replaced); keys changed; aws: in place; needs a restart: listen" or
  // "no change".
  std::string summary() const;
};

ConfigDiff diff_configs(const config::Config& old_cfg, const config::Config& new_cfg);

// A zone's update-in-place (`updated`) is enough: equal but for the keys listed above.
bool zone_needs_replace(const config::ZoneConfig& a, const config::ZoneConfig& b);

}  // namespace r53d::daemon
