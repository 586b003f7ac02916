// JSON rendering of route53-sim's counters (RapidJSON).
#include "sim/stats.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace r53d::sim {

std::string Stats::to_json(int64_t zones, int64_t record_sets) const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("requests");
  w.StartObject();
  for (const auto& [op, n] : requests) {
    w.Key(op.c_str(), static_cast<rapidjson::SizeType>(op.size()));
    w.Int64(n);
  }
  w.EndObject();
  auto num = [&](const char* k, int64_t v) {
    w.Key(k);
    w.Int64(v);
  };
  num("requests_total", requests_total);
  num("throttled", throttled);
  num("faults", faults);
  num("faults_reset", faults_reset);
  num("faults_error", faults_error);
  num("faults_lost", faults_lost);
  num("auth_failures", auth_failures);
  num("prior_request_not_complete", prior_request_not_complete);
  num("changes_accepted", changes_accepted);
  num("changes_rejected", changes_rejected);
  num("records_changed", records_changed);
  num("zones", zones);
  num("record_sets", record_sets);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace r53d::sim
