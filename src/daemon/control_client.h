// route53d --status and --reload: the client side of the control socket (control_socket.h).
//
//   return daemon::run_control(cfg.path, cfg.server.control_socket, opts);   // exit code
#pragma once

#include <string>

#include "daemon/options.h"

namespace r53d::daemon {

// Asks the daemon at `socket_path` (opts.mode kStatus: "status" or "status json"; kReload:
// "reload") and prints its reply on stdout. Exit code: 0 (status printed; reload taken),
// 1 (reload refused, daemon unreachable, control-socket = none).
int run_control(const std::string& config_path, const std::string& socket_path, const Options& opts);

// The control-socket a configuration file names, read without validating the rest (a file that
// does not validate is still the one the daemon is asked to read): its [server] control-socket,
// else the default; "" for none.
std::string control_socket_of_file(const std::string& path);

}  // namespace r53d::daemon
