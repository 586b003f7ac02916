// The Route 53 data model (API 2013-04-01) as plain structs, shared by the client and route53-sim.
//
// Names are kept in Route 53's stored form (lower-case, trailing dot, octal escapes such as
// "\052" for '*'); values are the API's text form ("\"v=spf1 -all\"" for TXT). Converting to and
// from DNS data lives elsewhere (src/zone), so this header needs nothing but the standard library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace r53d::r53 {

inline constexpr const char* kXmlNamespace = "https://route53.amazonaws.com/doc/2013-04-01/";
inline constexpr const char* kApiVersion = "2013-04-01";

struct GeoLocation {
  std::string continent_code;    // 2 letters, or empty
  std::string country_code;      // 1-2 letters, "*" = default, or empty
  std::string subdivision_code;  // 1-3, US only, or empty
  bool operator==(const GeoLocation&) const = default;
};

struct AliasTarget {
  std::string hosted_zone_id;
  std::string dns_name;
  bool evaluate_target_health = false;
  bool operator==(const AliasTarget&) const = default;
};

struct CidrRoutingConfig {
  std::string collection_id;
  std::string location_name;
  bool operator==(const CidrRoutingConfig&) const = default;
};

struct GeoProximityLocation {
  std::string aws_region;
  std::string local_zone_group;
  std::string latitude;   // kept as text, as sent
  std::string longitude;
  std::optional<int64_t> bias;
  bool operator==(const GeoProximityLocation&) const = default;
};

// One ResourceRecordSet. Identity is (name, type, set_identifier).
struct RecordSet {
  std::string name;
  std::string type;
  std::string set_identifier;  // empty for simple records
  std::optional<int64_t> weight;
  std::string region;
  std::optional<GeoLocation> geo_location;
  std::string failover;  // "PRIMARY" / "SECONDARY" / empty
  std::optional<bool> multi_value_answer;
  std::optional<int64_t> ttl_s;
  std::vector<std::string> values;  // ResourceRecord/Value, in the order sent or stored
  std::optional<AliasTarget> alias_target;
  std::string health_check_id;
  std::string traffic_policy_instance_id;
  std::optional<CidrRoutingConfig> cidr_routing_config;
  std::optional<GeoProximityLocation> geo_proximity_location;

  bool is_alias() const { return alias_target.has_value(); }
  // Sets DNS cannot express and route53d must never rewrite: alias, routing policy, traffic flow.
  bool read_only() const {
    return is_alias() || !set_identifier.empty() || !traffic_policy_instance_id.empty();
  }
  bool operator==(const RecordSet&) const = default;
};

enum class Action { kCreate, kDelete, kUpsert };
const char* action_name(Action a);  // "CREATE", "DELETE", "UPSERT"

struct Change {
  Action action = Action::kCreate;
  RecordSet rrset;
  bool operator==(const Change&) const = default;
};

struct ChangeBatch {
  std::string comment;  // empty: no Comment element
  std::vector<Change> changes;
};

struct ChangeInfo {
  std::string id;            // "/change/C..."
  std::string status;        // "PENDING" or "INSYNC"
  std::string submitted_at;  // ISO 8601 with milliseconds, UTC
  std::string comment;
};

struct HostedZone {
  std::string id;  // "/hostedzone/Z..."
  std::string name;
  std::string caller_reference;
  std::optional<std::string> comment;  // Config/Comment
  bool private_zone = false;
  int64_t record_set_count = 0;
};

// Strips "/hostedzone/" or "/change/" (anything up to the last '/'), as the SDKs do.
std::string bare_id(const std::string& id);

}  // namespace r53d::r53
