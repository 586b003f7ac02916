// Logging: one write(2) per line to stderr so lines from one process never interleave, or one
// syslog(3) call per line.
#include "util/log.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace r53d::log {
namespace {
Level g_level = Level::kInfo;
std::string g_ident;
bool g_timestamps = true;
bool g_syslog = false;

// Standard error is systemd's journal (JOURNAL_STREAM names its device and inode): each line
// then starts with its priority, "<3>" for errors (sd-daemon(3)), so that the journal keeps the
// level, and without the time, which the journal adds.
bool stderr_is_journal() {
  static const bool journal = [] {
    const char* js = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (!js || fstat(STDERR_FILENO, &st) != 0) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(js, "%llu:%llu", &dev, &ino) != 2) return false;
    return dev == static_cast<unsigned long long>(st.st_dev) && ino == static_cast<unsigned long long>(st.st_ino);
  }();
  return journal;
}

int priority_of(Level l) {
  switch (l) {
    case Level::kDebug: return LOG_DEBUG;
    case Level::kInfo: return LOG_INFO;
    case Level::kNotice: return LOG_NOTICE;
    case Level::kWarning: return LOG_WARNING;
    case Level::kError: return LOG_ERR;
  }
  return LOG_INFO;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kNotice: return "notice";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "?";
}
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }
void set_ident(const char* ident) { g_ident = ident ? ident : ""; }
void set_timestamps(bool on) { g_timestamps = on; }

void use_syslog(int facility) {
  closelog();
  // openlog keeps the pointer: g_ident lives as long as the process (set_ident before this).
  openlog(g_ident.empty() ? nullptr : g_ident.c_str(), LOG_PID | LOG_NDELAY, facility);
  g_syslog = true;
}

void use_stderr() {
  if (g_syslog) closelog();
  g_syslog = false;
}

bool using_syslog() { return g_syslog; }

void vlogf(Level l, const char* fmt, va_list ap) {
  if (l < g_level) return;
  char buf[4096];
  size_t n = 0;
  if (g_syslog) {
    // syslog adds the time, the ident and the pid; the level word stays, so lines read alike.
    n = static_cast<size_t>(snprintf(buf, sizeof buf, "%s: ", level_name(l)));
    vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    syslog(priority_of(l), "%s", buf);
    return;
  }
  bool journal = stderr_is_journal();
  if (journal) n += static_cast<size_t>(snprintf(buf, sizeof buf, "<%d>", priority_of(l)));
  if (g_timestamps && !journal) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm t{};
    gmtime_r(&tv.tv_sec, &t);
    n += strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    n += snprintf(buf + n, sizeof buf - n, ".%03dZ ", static_cast<int>(tv.tv_usec / 1000));
  }
  if (!g_ident.empty()) n += snprintf(buf + n, sizeof buf - n, "%s[%d]: ", g_ident.c_str(), getpid());
  n += snprintf(buf + n, sizeof buf - n, "%s: ", level_name(l));
  if (n < sizeof buf) {
    int m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    if (m > 0) n += static_cast<size_t>(m);
  }
  if (n > sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  ssize_t w = write(STDERR_FILENO, buf, n);
  (void)w;
}

void logf(Level l, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlogf(l, fmt, ap);
  va_end(ap);
}

}  // namespace r53d::log
