// Logging with levels: one line per event, "LEVEL: message", to stderr (default) or to syslog
// (`[server] log = syslog`, with the configured facility).
//
// Never pass a secret (TSIG key, AWS secret) to these functions.
// Usage: r53d::log::info("zone %s: serial %u confirmed", zone.c_str(), serial);
#pragma once

#include <cstdarg>

namespace r53d::log {

enum class Level { kDebug = 0, kInfo, kNotice, kWarning, kError };

void set_level(Level l);
Level level();
// Program name printed before each line ("route53d"); empty for none.
void set_ident(const char* ident);
// Prefix each line with an ISO 8601 UTC timestamp (default on).
void set_timestamps(bool on);

// From now on every line goes to syslog(3) with this facility (LOG_DAEMON, LOG_LOCAL0, ...) and
// the ident of set_ident(), at the priority of its level (error -> LOG_ERR ...). Lines that do
// not fit one datagram are cut as for stderr.
void use_syslog(int facility);
// Back to stderr (closes the syslog connection).
void use_stderr();
bool using_syslog();

void logf(Level l, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void vlogf(Level l, const char* fmt, va_list ap);

#define R53D_LOG_FN(name, lvl)                                                    \
  inline void name(const char* fmt, ...) __attribute__((format(printf, 1, 2)));   \
  inline void name(const char* fmt, ...) {                                        \
    if (lvl < level()) return;                                                    \
    va_list ap;                                                                   \
    va_start(ap, fmt);                                                            \
    vlogf(lvl, fmt, ap);                                                          \
    va_end(ap);                                                                   \
  }
R53D_LOG_FN(debug, Level::kDebug)
R53D_LOG_FN(info, Level::kInfo)
R53D_LOG_FN(notice, Level::kNotice)
R53D_LOG_FN(warning, Level::kWarning)
R53D_LOG_FN(error, Level::kError)
#undef R53D_LOG_FN

}  // namespace r53d::log
