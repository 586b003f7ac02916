// route53-sim command line parsing.
#include "sim/options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace r53d::sim {
namespace {

Result<double> parse_double(std::string_view opt, const std::string& s, double lo, double hi) {
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
    return Status::invalid_argument(std::string(opt) + ": not a number: '" + s + "'");
  }
  if (v < lo || v > hi) {
    char buf[160];
    snprintf(buf, sizeof buf, "%.*s: %s is out of range [%g, %g]", static_cast<int>(opt.size()),
             opt.data(), s.c_str(), lo, hi);
    return Status::invalid_argument(buf);
  }
  return v;
}

Result<int64_t> parse_int(std::string_view opt, const std::string& s, int64_t lo, int64_t hi) {
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0) {
    return Status::invalid_argument(std::string(opt) + ": not an integer: '" + s + "'");
  }
  if (v < lo || v > hi) {
    return Status::invalid_argument(std::string(opt) + ": " + s + " is out of range [" +
                                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(v);
}

Status parse_listen(const std::string& s, Options* o) {
  std::string host;
  std::string port;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return Status::invalid_argument("--listen: expected [ADDR]:PORT, got '" + s + "'");
    }
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    auto colon = s.rfind(':');
    if (colon == std::string::npos || s.find(':') != colon) {
      return Status::invalid_argument("--listen: expected ADDR:PORT (IPv6 as [ADDR]:PORT), got '" +
                                      s + "'");
    }
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (host.empty()) return Status::invalid_argument("--listen: missing address in '" + s + "'");
  auto p = parse_int("--listen port", port, 0, 65535);
  if (!p.ok()) return p.status();
  o->listen_host = host;
  o->listen_port = static_cast<int>(*p);
  return {};
}

bool valid_zone_id(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

Result<FaultSpec> parse_fault_spec(const std::string& spec, const FaultSpec& base) {
  FaultSpec f = base;
  size_t pos = 0;
  if (spec.empty()) return Status::invalid_argument("--fault: empty specification");
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      return Status::invalid_argument("--fault: expected KEY=VALUE, got '" + item + "'");
    }
    std::string key = item.substr(0, eq);
    std::string val = item.substr(eq + 1);
    if (key == "latency") {
      auto v = parse_int("--fault latency", val, 0, 600000);
      if (!v.ok()) return v.status();
      f.latency_ms = *v;
      continue;
    }
    auto p = parse_double("--fault " + key, val, 0, 1);
    if (!p.ok()) return p.status();
    if (key == "throttle") {
      f.throttle_p = *p;
    } else if (key == "error") {
      f.error500_p = *p / 2;
      f.error503_p = *p / 2;
    } else if (key == "error500") {
      f.error500_p = *p;
    } else if (key == "error503") {
      f.error503_p = *p;
    } else if (key == "reset") {
      f.reset_p = *p;
    } else if (key == "lost") {
      f.lost_p = *p;
    } else {
      return Status::invalid_argument("--fault: unknown fault '" + key +
                                      "' (known: throttle, error, error500, error503, reset, lost, latency)");
    }
    if (comma == spec.size()) break;
  }
  return f;
}

Result<Options> parse_options(int argc, const char* const* argv) {
  Options o;
  bool have_listen = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string val;
    bool inline_val = false;
    if (arg.rfind("--", 0) == 0) {
      auto eq = arg.find('=');
      if (eq != std::string::npos) {
        val = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        inline_val = true;
      }
    }
    auto need = [&]() -> Status {
      if (inline_val) return {};
      if (i + 1 >= argc) return Status::invalid_argument(arg + ": missing value");
      val = argv[++i];
      return {};
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return o;
    } else if (arg == "--listen") {
      R53D_RETURN_IF_ERROR(need());
      R53D_RETURN_IF_ERROR(parse_listen(val, &o));
      have_listen = true;
    } else if (arg == "--credentials") {
      R53D_RETURN_IF_ERROR(need());
      auto colon = val.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == val.size()) {
        return Status::invalid_argument("--credentials: expected AKID:SECRET");
      }
      o.credentials.push_back({val.substr(0, colon), val.substr(colon + 1)});
    } else if (arg == "--rate") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_double(arg, val, 0, 1e9);
      if (!v.ok()) return v.status();
      o.rate = *v;
    } else if (arg == "--burst") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_double(arg, val, 1, 1e9);
      if (!v.ok()) return v.status();
      o.burst = *v;
    } else if (arg == "--insync-after") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_double(arg, val, 0, 86400);
      if (!v.ok()) return v.status();
      o.insync_after_s = *v;
    } else if (arg == "--apply-time") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_int(arg, val, 0, 3600000);
      if (!v.ok()) return v.status();
      o.apply_time_ms = *v;
    } else if (arg == "--max-rrsets-per-zone") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_int(arg, val, 0, INT64_MAX);
      if (!v.ok()) return v.status();
      o.max_rrsets_per_zone = *v;
    } else if (arg == "--zone") {
      R53D_RETURN_IF_ERROR(need());
      auto eq = val.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::invalid_argument("--zone: expected NAME=ID, got '" + val + "'");
      }
      ZoneArg z{val.substr(0, eq), val.substr(eq + 1)};
      if (z.id.rfind("/hostedzone/", 0) == 0) z.id = z.id.substr(12);
      if (!valid_zone_id(z.id)) {
        return Status::invalid_argument("--zone: bad hosted zone ID '" + z.id +
                                        "' (expected Z followed by upper-case letters/digits, at most 32)");
      }
      o.zones.push_back(z);
    } else if (arg == "--state") {
      R53D_RETURN_IF_ERROR(need());
      if (val.empty()) return Status::invalid_argument("--state: empty file name");
      o.state_file = val;
    } else if (arg == "--fault") {
      R53D_RETURN_IF_ERROR(need());
      // Repeated --fault options merge: the keys of a later one override, the others stay.
      auto f = parse_fault_spec(val, o.faults);
      if (!f.ok()) return f.status();
      o.faults = *f;
    } else if (arg == "--seed") {
      R53D_RETURN_IF_ERROR(need());
      auto v = parse_int(arg, val, 0, INT64_MAX);
      if (!v.ok()) return v.status();
      o.seed = static_cast<uint64_t>(*v);
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else {
      return Status::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  if (!have_listen) return Status::invalid_argument("--listen ADDR:PORT is required (see --help)");
  return o;
}

const char* usage_text() {
  return R"(usage: route53-sim --listen ADDR:PORT [options]

A local Amazon Route 53 API (2013-04-01, REST/XML) for tests, benchmarks and demos.

  --listen ADDR:PORT        address to serve HTTP on (port 0: any free port; IPv6 as [::1]:PORT)
  --credentials AKID:SECRET accept this access key (repeatable); without it signatures are
                            not checked
  --rate N                  requests/second per access key (default 5, 0 = unlimited)
  --burst N                 token-bucket size (default 5)
  --insync-after SECONDS    changes are PENDING this long, then INSYNC (default 2)
  --apply-time MS           a zone refuses a new change for MS after the last one with
                            PriorRequestNotComplete (default 0)
  --max-rrsets-per-zone N   record sets a hosted zone may hold, SOA and NS included (Route 53's
                            MAX_RRSETS_BY_ZONE quota; default 10000, 0 = unlimited)
  --zone NAME=ID            create hosted zone NAME with ID unless the state has it (repeatable)
  --state FILE              load state from FILE if it exists, save it after every change
  --fault SPEC              inject faults: throttle=P,error=P,error500=P,error503=P,reset=P,
                            lost=P,latency=MS (P a probability 0..1, each drawn per request;
                            lost: carry the request out, then reset instead of answering);
                            repeatable: later keys override earlier ones, others are kept
  --seed N                  seed of the fault-injection random source
  --quiet                   no log line per request
  --help                    this text

GET /_sim/stats answers JSON counters (requests per operation, throttled, faults, changes).
)";
}

}  // namespace r53d::sim
