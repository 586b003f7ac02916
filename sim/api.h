// route53-sim's REST routing and response bodies: an HTTP request (method, path, decoded query,
// body) becomes a Store call and a Route 53 XML answer. No sockets here, so it is unit-tested.
//
//   Route r = route("GET", "/2013-04-01/hostedzone/Z1/rrset");   // r.op == "ListResourceRecordSets"
//   ApiResponse resp = api.handle(r, {.query = q, .body = body, .request_id = id, .now_ms = now});
//   send(resp.status, resp.body, resp.location);   // Content-Type text/xml
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "r53/sigv4.h"
#include "sim/store.h"

namespace r53d::sim {

// Operation a request maps to. op is the Route 53 operation name, or "Unknown" (then
// error_status/code/message say why).
struct Route {
  std::string op;
  std::string id;  // bare hosted-zone ID or change ID from the path (decoded); may be empty
  int error_status = 0;
  std::string error_code;
  std::string error_message;
  bool ok() const { return error_status == 0; }
};

// Maps method + URL path (as sent, percent-encoded) to an operation. Accepts ".../rrset" and
// ".../rrset/" for both methods, and a trailing '/' on the other collection paths.
Route route(std::string_view method, std::string_view raw_path);

struct ApiRequest {
  r53::QueryList query;    // decoded
  std::string body;
  std::string host;        // Host header, for the Location of CreateHostedZone
  std::string request_id;  // goes into error bodies
  int64_t now_ms = 0;      // wall clock
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string location;       // CreateHostedZone only
  std::string error_code;     // empty on success
  std::string zone_id;        // bare zone ID the request was about (for the log), may be empty
  bool state_changed = false; // a zone or record set was created, changed or deleted
};

// <?xml ...?><ErrorResponse xmlns=...><Error><Type>Sender|Receiver</Type><Code/><Message/>
// </Error><RequestId/></ErrorResponse> (Receiver for 5xx).
std::string error_body(int status, std::string_view code, std::string_view message,
                       std::string_view request_id);

class Api {
 public:
  explicit Api(Store& store) : store_(store) {}  // borrows store
  ApiResponse handle(const Route& route, const ApiRequest& req);

 private:
  ApiResponse create_hosted_zone(const ApiRequest& req);
  ApiResponse get_hosted_zone(const std::string& id, const ApiRequest& req);
  ApiResponse list_hosted_zones(const ApiRequest& req);
  ApiResponse list_hosted_zones_by_name(const ApiRequest& req);
  ApiResponse delete_hosted_zone(const std::string& id, const ApiRequest& req);
  ApiResponse change_rrsets(const std::string& id, const ApiRequest& req);
  ApiResponse list_rrsets(const std::string& id, const ApiRequest& req);
  ApiResponse get_change(const std::string& id, const ApiRequest& req);

  Store& store_;
};

}  // namespace r53d::sim
