// Counters of route53-sim, served as JSON on GET /_sim/stats (benchmarks count API calls here).
//
//   stats.count_request("ListResourceRecordSets");
//   std::string json = stats.to_json();
//   // {"requests":{"ListResourceRecordSets":1},"requests_total":1,"throttled":0,"faults":0,
//   //  "changes_accepted":0,"changes_rejected":0,"records_changed":0, ...}
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace r53d::sim {

struct Stats {
  std::map<std::string, int64_t> requests;  // per operation name ("Unknown" for bad routes)
  int64_t requests_total = 0;
  int64_t throttled = 0;         // Throttling answers, from the rate limit or injected
  int64_t faults = 0;            // injected faults of any kind (throttle, 500, 503, reset, lost)
  int64_t faults_reset = 0;
  int64_t faults_error = 0;      // 500 and 503
  int64_t faults_lost = 0;       // carried out, answer replaced by a reset
  int64_t auth_failures = 0;     // 4xx answers from the SigV4 check
  int64_t prior_request_not_complete = 0;
  int64_t changes_accepted = 0;  // ChangeResourceRecordSets answered 200
  int64_t changes_rejected = 0;  // ChangeResourceRecordSets answered 4xx after parsing
  int64_t records_changed = 0;   // ResourceRecord elements applied (alias sets count 1)

  void count_request(const std::string& op) {
    ++requests[op];
    ++requests_total;
  }
  // Compact JSON (RapidJSON), plus "zones" and "record_sets" given by the caller.
  std::string to_json(int64_t zones, int64_t record_sets) const;
};

}  // namespace r53d::sim
