// Parsing of Route 53 responses for the client: the operation results and the error shapes.
//
// Success bodies are matched by element local name in any order, unknown elements ignored
// (route53-api.md §2.1). Error bodies come in three shapes (§6): <ErrorResponse><Error><Code>,
// a root <InvalidChangeBatch><Messages><Message>..., any other root (the root's name is the
// code, its <Message> the message), or no body at all (the HTTP status is the code).
//
//   auto page = r53::parse_list_rrsets_response(resp.body);
//   if (!page.ok()) return page.status();   // kInvalidArgument: "ListResourceRecordSetsResponse: ..."
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "r53/model.h"
#include "util/status.h"

namespace r53d::r53 {

// An AWS error response, as parsed.
struct ApiError {
  long http_status = 0;
  std::string code;                   // "InvalidChangeBatch", "Throttling", or "503" for no body
  std::string message;                // as sent ("[Tried to ...]"); joined for shape 6.2.1
  std::vector<std::string> messages;  // the <Messages> list of a root InvalidChangeBatch
  std::string request_id;             // <RequestId>, else the x-amzn-RequestId header
  // "InvalidChangeBatch: [Tried to ...]" (code only when there is no message).
  std::string to_string() const;
};

// Parses any error body; never fails (an unparsable body gives the HTTP status as code and
// "HTTP <status>" plus the first 200 bytes of the body as message). request_id_header is the
// value of x-amzn-RequestId ("" if absent).
ApiError parse_error_response(long http_status, std::string_view body,
                              std::string_view request_id_header);

struct HostedZonesPage {
  std::vector<HostedZone> zones;
  bool is_truncated = false;
  std::string next_marker;  // ListHostedZones
  std::string next_dns_name;       // ListHostedZonesByName
  std::string next_hosted_zone_id;  // ListHostedZonesByName
};
Result<HostedZonesPage> parse_list_hosted_zones_response(std::string_view body);
Result<HostedZonesPage> parse_list_hosted_zones_by_name_response(std::string_view body);

struct HostedZoneDetails {
  HostedZone zone;
  std::vector<std::string> name_servers;  // DelegationSet/NameServers, as sent (no trailing dot)
};
Result<HostedZoneDetails> parse_get_hosted_zone_response(std::string_view body);

struct RrsetPage {
  std::vector<RecordSet> rrsets;
  bool is_truncated = false;
  std::string next_name;        // stored form, pass back verbatim
  std::string next_type;
  std::string next_identifier;  // only inside a SetIdentifier group
};
Result<RrsetPage> parse_list_rrsets_response(std::string_view body);

// ChangeResourceRecordSetsResponse or GetChangeResponse (root name checked against `root`).
Result<ChangeInfo> parse_change_info_response(std::string_view body, std::string_view root);

}  // namespace r53d::r53
