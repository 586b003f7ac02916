// Private parts of sim::Store shared by store.cc and store_json.cc (not for other users).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "r53/model.h"
#include "r53/names.h"
#include "sim/store.h"

namespace r53d::sim {

struct Store::Zone {
  std::string id;    // bare
  std::string name;  // stored form
  std::string order_name;  // reverse_name_key(name)
  std::string caller_reference;
  std::optional<std::string> comment;
  bool private_zone = false;
  std::vector<std::string> name_servers;  // no trailing dot
  int64_t busy_until_ms = 0;
  std::map<r53::RecordKey, r53::RecordSet> rrsets;  // in ListResourceRecordSets order
};

struct Store::ChangeRecord {
  std::string id;  // bare
  int64_t submitted_ms = 0;
  int64_t insync_at_ms = 0;
  std::string comment;
};

}  // namespace r53d::sim
