// The long-running daemon (`route53d -c FILE`): one event loop with the Route 53 client, a
// group commit and a change poller per dynamic zone, and UDP+TCP DNS listeners on every `listen`
// address.
//
//   auto cfg = config::load(path);
//   return daemon::run_server(*cfg, r53::process_environment());
//
// Start-up, in order: TSIG key ring from the configuration; Route 53 client stack; for each
// dynamic zone its hosted zone (by hosted-zone-id, else by name: none or several is a start-up
// error naming them) and its mirror (every page of ListResourceRecordSets); then the listeners;
// then, with `[server] user`, the privilege drop (daemon/privileges.h). Any failure stops start-up
// with one error line and exit code 1.
//
// Shutdown on SIGTERM/SIGINT: stop reading requests, answer queued UPDATEs SERVFAIL, let the
// change requests in flight finish (at most shutdown_wait_ms), answer whoever still waits
// SERVFAIL, exit 0. A second signal skips the wait.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "r53/env.h"

namespace r53d::daemon {

struct ServerOptions {
  int64_t shutdown_wait_ms = 10000;
};

// Runs until a shutdown signal. Returns the process exit code (0, or 1 if start-up failed).
int run_server(const config::Config& cfg, r53::Env env, ServerOptions options = {});

}  // namespace r53d::daemon
