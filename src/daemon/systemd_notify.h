// The systemd service protocol (sd_notify(3), libsystemd): what route53d tells its service
// manager under `Type=notify`. Without NOTIFY_SOCKET in the environment (a terminal, another
// supervisor) every call does nothing, so the daemon runs the same with or without systemd.
//
//   systemd_notify::ready("serving 3 zones");     // READY=1 + STATUS=...
//   systemd_notify::reloading();                  // RELOADING=1, then ready() again
//   systemd_notify::status("...");                // STATUS=... (one line)
//   systemd_notify::stopping();                   // STOPPING=1
//   if (int64_t ms = systemd_notify::watchdog_interval_ms()) every(ms / 2, watchdog);
#pragma once

#include <cstdint>
#include <string>

namespace r53d::daemon::systemd_notify {

void ready(const std::string& status);
void reloading(const std::string& status);
void status(const std::string& status);
void stopping(const std::string& status);
void watchdog();
// WatchdogSec of this service in ms when the manager expects WATCHDOG=1 from this process, else 0.
int64_t watchdog_interval_ms();

}  // namespace r53d::daemon::systemd_notify
