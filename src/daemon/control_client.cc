// route53d --status / --reload through the control socket.
#include "daemon/control_client.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "daemon/control_socket.h"
#include "util/ini_text.h"

namespace r53d::daemon {

int run_control(const std::string& config_path, const std::string& socket_path, const Options& opts) {
  if (socket_path.empty()) {
    std::fprintf(stderr, "route53d: %s: control-socket = none: no way to reach the daemon\n", config_path.c_str());
    return kExitFailure;
  }
  bool reload = opts.mode == Mode::kReload;
  auto reply = control_request(socket_path, reload ? "reload" : opts.json ? "status json" : "status",
                               reload ? 120000 : 10000);
  if (!reply.ok()) {
    std::fprintf(stderr, "route53d: %s\n", reply.status().message().c_str());
    return kExitFailure;
  }
  std::fputs(reply->c_str(), stdout);
  if (reload) return reply->rfind("reload: taken", 0) == 0 ? kExitOk : kExitFailure;
  return reply->rfind("error:", 0) == 0 ? kExitFailure : kExitOk;
}

std::string control_socket_of_file(const std::string& path) {
  config::ServerConfig defaults;
  std::string found = defaults.control_socket;
  std::ifstream in(path, std::ios::binary);
  if (!in) return found;
  std::ostringstream ss;
  ss << in.rdbuf();
  (void)parse_ini_text(ss.str(), [&](const IniEntry& e) -> Status {
    if (e.section == "server" && e.name == "control-socket") found = e.value == "none" ? "" : e.value;
    return Status();
  });
  return found;
}

}  // namespace r53d::daemon
