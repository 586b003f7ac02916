// route53-sim command line: the options struct and its parser (pure, unit-tested).
//
//   auto opts = sim::parse_options(argc, argv);
//   if (!opts.ok()) { fprintf(stderr, "route53-sim: %s\n", opts.status().message().c_str()); exit(2); }
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace r53d::sim {

// --fault throttle=P,error=P,error500=P,error503=P,reset=P,lost=P,latency=MS
// Probabilities in [0, 1], drawn independently per request in this order:
// reset, throttle, error (half 500 InternalFailure, half 503 ServiceUnavailable; error=1 always
// answers one of them), lost (the request is carried out as usual, then the connection is reset
// instead of answering: the client cannot tell whether it was applied).
struct FaultSpec {
  double throttle_p = 0;
  double error500_p = 0;
  double error503_p = 0;
  double reset_p = 0;
  double lost_p = 0;       // answer lost after the request was carried out
  int64_t latency_ms = 0;  // added to every API answer (a timer, the loop never blocks)
  bool any() const {
    return throttle_p > 0 || error500_p > 0 || error503_p > 0 || reset_p > 0 || lost_p > 0 || latency_ms > 0;
  }
};

struct Credential {
  std::string access_key_id;
  std::string secret;  // never logged
};

struct ZoneArg {
  std::string name;  // as given ("example.com")
  std::string id;    // bare ("Z0123456789ABC")
};

struct Options {
  bool help = false;
  std::string listen_host;  // "127.0.0.1", "::1" (brackets removed)
  int listen_port = -1;     // 0 = ask the kernel
  std::vector<Credential> credentials;
  double rate = 5;          // requests/second per access key; 0 = no rate limiting
  double burst = 5;         // bucket size
  double insync_after_s = 2;
  int64_t apply_time_ms = 0;  // a zone refuses another change for this long (PriorRequestNotComplete)
  // Record sets a hosted zone may hold (Route 53's MAX_RRSETS_BY_ZONE quota); 0 = unlimited.
  int64_t max_rrsets_per_zone = 10000;
  std::vector<ZoneArg> zones;
  std::string state_file;
  FaultSpec faults;
  uint64_t seed = 0;        // 0: random seed for fault injection
  bool quiet = false;       // no per-request log line
};

// Parses argv. "--help" gives Options{help=true}. Errors are kInvalidArgument with a message
// naming the option ("--rate: not a number: x").
Result<Options> parse_options(int argc, const char* const* argv);
// Parses SPEC on top of BASE: the keys SPEC names are set ("error" sets both error500 and
// error503), every other field keeps BASE's value. So "--fault throttle=0.5 --fault latency=20"
// sets both, and "--fault error=0.2 --fault error500=0" leaves error503 at 0.1.
Result<FaultSpec> parse_fault_spec(const std::string& spec, const FaultSpec& base = {});

// The --help text.
const char* usage_text();

}  // namespace r53d::sim
