// route53d's command line: which mode to run and with which configuration file.
//
//   route53d [-c FILE]                     run the daemon (foreground)
//   route53d [-c FILE] --check             validate the configuration and exit
//   route53d [-c FILE] --list-zones        list the account's hosted zones
//   route53d [-c FILE] --export ZONE       print a hosted zone as an RFC 1035 zone file
//   route53d [-c FILE] --sync ZONE [--dry-run] [--force]
//                                          bring a secondary zone to its primary's version once
//   route53d --version | --help
#pragma once

#include <string>

#include "util/status.h"

namespace r53d::daemon {

inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kDefaultConfig = "/etc/route53d/route53d.ini";

// Exit codes of every mode.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // AWS error, network error, zone not found
inline constexpr int kExitConfig = 2;   // bad configuration or command line
inline constexpr int kExitRefused = 3;  // --sync: refused by a safety rule (max-change-percent...)

enum class Mode { kDaemon, kCheck, kListZones, kExport, kSync, kVersion, kHelp };

struct Options {
  Mode mode = Mode::kDaemon;
  std::string config_path = kDefaultConfig;
  std::string export_zone;  // --export: a zone name or a hosted zone ID
  std::string sync_zone;    // --sync: a zone name, a hosted zone ID, or "all"
  bool dry_run = false;     // --sync --dry-run: print the plan, change nothing
  bool force = false;       // --sync --force: push past max-change-percent
};

// Parses argv. Errors: kInvalidArgument with a one-line reason ("--export needs a ZONE").
Result<Options> parse_options(int argc, char** argv);

// The text of --help.
std::string usage_text();

}  // namespace r53d::daemon
