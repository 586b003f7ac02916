// Command-line parsing for route53d (no getopt: the grammar is tiny and must not reorder argv).
#include "daemon/options.h"

#include <cstring>

namespace r53d::daemon {

std::string usage_text() {
  return "usage: route53d [-c FILE]                 run the daemon in the foreground\n"
         "       route53d [-c FILE] --check         validate the configuration and exit\n"
         "       route53d [-c FILE] --list-zones    list the account's hosted zones\n"
         "       route53d [-c FILE] --export ZONE   print a hosted zone (name or ID) as a zone file\n"
         "       route53d [-c FILE] --sync ZONE [--dry-run] [--force]\n"
         "                                          transfer a secondary zone (name, ID or all) from its\n"
         "                                          primary, print the plan, apply it (not with --dry-run)\n"
         "       route53d --version | --help\n"
         "\n"
         "  -c, --config FILE  configuration file (default " +
         std::string(kDefaultConfig) +
         ")\n"
         "\n"
         "Exit status: 0 success (--sync: in sync or applied), 1 Route 53, network or transfer\n"
         "failure, 2 bad configuration or usage, 3 --sync refused by a safety rule.\n"
         "See route53d(8) and route53d.ini(5).\n";
}

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  bool mode_set = false;
  auto set_mode = [&](Mode m, const char* flag) -> Status {
    if (mode_set && o.mode != m) {
      return Status::invalid_argument(std::string(flag) + " cannot be combined with another mode");
    }
    o.mode = m;
    mode_set = true;
    return {};
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    bool has_inline = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_inline = true;
    }
    auto take = [&](const char* what) -> Result<std::string> {
      if (has_inline) return value;
      if (i + 1 >= argc) return Status::invalid_argument(a + " needs " + what);
      return std::string(argv[++i]);
    };
    if (a == "-c" || a == "--config") {
      auto v = take("a FILE");
      if (!v.ok()) return v.status();
      o.config_path = *v;
    } else if (a.rfind("-c", 0) == 0 && a.size() > 2 && a[1] == 'c') {
      o.config_path = a.substr(2);
    } else if (a == "--check") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kCheck, "--check"));
    } else if (a == "--list-zones") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kListZones, "--list-zones"));
    } else if (a == "--export") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kExport, "--export"));
      auto v = take("a ZONE (name or hosted zone ID)");
      if (!v.ok()) return v.status();
      if (v->empty()) return Status::invalid_argument("--export needs a ZONE (name or hosted zone ID)");
      o.export_zone = *v;
    } else if (a == "--sync") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kSync, "--sync"));
      auto v = take("a ZONE (name, hosted zone ID or all)");
      if (!v.ok()) return v.status();
      if (v->empty()) return Status::invalid_argument("--sync needs a ZONE (name, hosted zone ID or all)");
      o.sync_zone = *v;
    } else if (a == "--dry-run") {
      o.dry_run = true;
    } else if (a == "--force") {
      o.force = true;
    } else if (a == "--version" || a == "-V") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kVersion, "--version"));
    } else if (a == "--help" || a == "-h") {
      R53D_RETURN_IF_ERROR(set_mode(Mode::kHelp, "--help"));
    } else {
      return Status::invalid_argument("unknown argument \"" + a + "\"");
    }
    if (has_inline && a != "-c" && a != "--config" && a != "--export" && a != "--sync") {
      return Status::invalid_argument(a + " takes no value");
    }
  }
  if ((o.dry_run || o.force) && o.mode != Mode::kSync)
    return Status::invalid_argument(std::string(o.dry_run ? "--dry-run" : "--force") + " goes with --sync");
  return o;
}

}  // namespace r53d::daemon
