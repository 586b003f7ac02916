// The long-running daemon (`route53d -c FILE`): one event loop with the Route 53 client, a
// group commit and a change poller per zone, UDP+TCP DNS listeners on every `listen` address,
// and the operations side: reload, the control socket, the HTTP endpoint, systemd's protocol.
//
//   auto cfg = config::load(path);
//   return daemon::run_server(std::move(*cfg), r53::process_environment());
//
// Start-up, in order: logging (`log`), TSIG key ring; Route 53 client stack; the control socket;
// for each zone its hosted zone (by hosted-zone-id, else by name: none or several is a start-up
// error naming them) and its mirror (every page of ListResourceRecordSets); then the DNS
// listeners and the HTTP endpoint; then, with `[server] user`, the privilege drop
// (daemon/privileges.h); then "route53d ready" in the log and READY=1 to systemd. Any failure
// stops start-up with one error line and exit code 1.
//
// SIGHUP (or `route53d --reload` through the control socket): the configuration file and its key
// files are read again; one that does not validate changes nothing (error lines FILE:LINE:
// reason, the old configuration stays); else its differences are applied (daemon/reload.h)
// without dropping an UPDATE or a transfer under way. RELOADING=1 / READY=1 around it.
//
// Shutdown on SIGTERM/SIGINT: STOPPING=1; stop reading requests, answer queued UPDATEs SERVFAIL,
// let the change requests in flight finish (at most `shutdown-grace`), answer whoever still
// waits SERVFAIL, log every request left unanswered, exit 0. A second signal skips the wait.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "r53/env.h"

namespace r53d::daemon {

struct ServerOptions {
  int64_t shutdown_wait_ms = -1;  // -1: the configuration's shutdown-grace
};

// Runs until a shutdown signal. Returns the process exit code (0, or 1 if start-up failed).
int run_server(config::Config cfg, r53::Env env, ServerOptions options = {});

}  // namespace r53d::daemon
