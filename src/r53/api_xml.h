// Parsing of Route 53 responses for the client: the operation results and the error shapes.
//
// Success bodies are matched by element local name in any order, unknown elements ignored
// (route53-api.md §2.1). Error bodies come in many shapes (§6; see parse_error_response): the
// code and message are kept whatever the shape, else the HTTP status is the code.
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
  std::string code;                   // "InvalidChangeBatch", "Throttling", or "503" for no code
  std::string message;                // as sent ("[Tried to ...]"); joined for shape 6.2.1
  std::vector<std::string> messages;  // a <Messages> list (root InvalidChangeBatch)
  std::string request_id;             // <RequestId>, else the x-amzn-RequestId header
  // "Throttling: Rate exceeded (request id 1234-..., after 4 attempts)": the code alone when
  // there is no message; the request id when known; the attempts when more than one.
  std::string to_string(int attempts = 0) const;
};

// Parses any error body; never fails. Keeps whatever code and message the body carries
// (route53-api.md §6.1, §6.2):
//   <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>, with elements
//     missing or extra (a <Code> or <Message> straight under the root is taken too)
//   a bare <Error><Code/><Message/></Error>, or <Response><Errors><Error>...
//   <InvalidChangeBatch><Messages><Message/>...</Messages></InvalidChangeBatch> (message "[a, b]")
//   any other root named like an error (<InvalidSignatureException>) or with a <Message>: the
//     root's name is the code
//   JSON: {"__type": "...#Code", "message": "..."} (or "code"/"Code", "Message", an "Error" object)
// Anything else (no body, plain text, HTML) gives the HTTP status as code and "HTTP <status>"
// plus the body's first 200 bytes as message. Every text is folded to one line (control
// characters and line breaks become spaces) and capped. request_id_header is the value of
// x-amzn-RequestId ("" if absent); a RequestId in the body wins.
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
