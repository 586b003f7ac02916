// route53d: entry point. Parses the command line, loads the configuration, runs the chosen mode.
#include <algorithm>
#include <cstdio>
#include <exception>

#include "config/config.h"
#include "daemon/control_client.h"
#include "daemon/oneshot.h"
#include "daemon/options.h"
#include "daemon/server.h"
#include "r53/env.h"
#include "util/log.h"

using namespace r53d;

namespace {

int run(int argc, char** argv) {
  auto opts = daemon::parse_options(argc, argv);
  if (!opts.ok()) {
    std::fprintf(stderr, "route53d: %s\n%s", opts.status().message().c_str(),
                 daemon::usage_text().c_str());
    return daemon::kExitConfig;
  }
  switch (opts->mode) {
    case daemon::Mode::kVersion:
      std::printf("route53d %s\n", daemon::kVersion);
      return daemon::kExitOk;
    case daemon::Mode::kHelp:
      std::printf("%s", daemon::usage_text().c_str());
      return daemon::kExitOk;
    default:
      break;
  }
  log::set_ident("route53d");
  auto cfg = config::load(opts->config_path);
  if (!cfg.ok() && (opts->mode == daemon::Mode::kStatus || opts->mode == daemon::Mode::kReload)) {
    // The running daemon is still reachable; it says itself why it refuses a broken file.
    return daemon::run_control(opts->config_path, daemon::control_socket_of_file(opts->config_path), *opts);
  }
  if (!cfg.ok()) {
    std::fprintf(stderr, "%s\n", cfg.status().message().c_str());
    return daemon::kExitConfig;
  }
  // One-shot modes print results, not progress: only warnings and errors unless asked for debug.
  bool oneshot = opts->mode != daemon::Mode::kDaemon;
  log::set_level(oneshot && cfg->server.log_level != log::Level::kDebug
                     ? std::max(cfg->server.log_level, log::Level::kWarning)
                     : cfg->server.log_level);
  switch (opts->mode) {
    case daemon::Mode::kCheck:
      return daemon::run_check(*cfg, stdout, stderr);
    case daemon::Mode::kListZones:
      return daemon::run_list_zones(*cfg, r53::process_environment(), stdout, stderr);
    case daemon::Mode::kExport:
      return daemon::run_export(*cfg, r53::process_environment(), opts->export_zone, stdout, stderr);
    case daemon::Mode::kSync:
      return daemon::run_sync(*cfg, r53::process_environment(), *opts, stdout, stderr);
    case daemon::Mode::kStatus:
    case daemon::Mode::kReload:
      return daemon::run_control(cfg->path, cfg->server.control_socket, *opts);
    default:
      break;
  }
  return daemon::run_server(std::move(*cfg), r53::process_environment());  // logs cfg->warnings itself
}

}  // namespace

// Errors are Status values; an exception that reaches here is a bug or memory exhaustion. It is
// named on stderr (the log's destination) and the exit status is kExitFailure, instead of
// std::terminate's abort().
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "route53d: stopped by an unexpected exception: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "route53d: stopped by an unexpected exception\n");
  }
  return daemon::kExitFailure;
}
