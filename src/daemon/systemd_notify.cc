// sd_notify(3) messages; no-ops without NOTIFY_SOCKET.
#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstring>

#include "util/log.h"

namespace r53d::daemon::systemd_notify {
namespace {

void send(const std::string& message) {
  int r = sd_notify(0, message.c_str());
  if (r < 0) log::warning("sd_notify: %s", std::strerror(-r));
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

}  // namespace

void ready(const std::string& s) { send("READY=1\nSTATUS=" + one_line(s)); }
void reloading(const std::string& s) { send("RELOADING=1\nSTATUS=" + one_line(s)); }
void status(const std::string& s) { send("STATUS=" + one_line(s)); }
void stopping(const std::string& s) { send("STOPPING=1\nSTATUS=" + one_line(s)); }
void watchdog() { send("WATCHDOG=1"); }

int64_t watchdog_interval_ms() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return 0;
  return static_cast<int64_t>(usec / 1000);
}

}  // namespace r53d::daemon::systemd_notify
