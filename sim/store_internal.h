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

// Shared error builders and texts.
inline constexpr const char* kTypeEnum =
    "[SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS, TLSA, SSHFP, SVCB, HTTPS]";

inline ApiError invalid_input(std::string msg) { return {400, "InvalidInput", std::move(msg)}; }

inline ApiError no_such_zone(std::string_view id) {
  return {404, "NoSuchHostedZone", "No hosted zone found with ID: " + std::string(id)};
}

inline ApiError prior_request() {
  return {400, "PriorRequestNotComplete",
          "The request was rejected because Route 53 was still processing a prior request."};
}

}  // namespace r53d::sim
