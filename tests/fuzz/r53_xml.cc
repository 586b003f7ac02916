// libFuzzer target: the Route 53 XML parsers (r53/api_xml.h, r53/rrset_xml.h): every response
// body route53d reads from Route 53 (or from whatever answers at the configured endpoint) and the
// ChangeResourceRecordSetsRequest body route53-sim reads.
//
// Input: byte 0 picks the parser (modulo 8), the rest is the HTTP body.
//   0 error body (any shape, XML or JSON)     4 ListResourceRecordSetsResponse
//   1 ListHostedZonesResponse                 5 ChangeResourceRecordSetsResponse
//   2 ListHostedZonesByNameResponse           6 GetChangeResponse
//   3 GetHostedZoneResponse                   7 ChangeResourceRecordSetsRequest
// Invariants: parse_error_response always gives a code; a request body that parses builds again
// (build_change_batch_request) into one that parses to the same number of changes; every record
// set of a parsed listing serialises (append_rrset) and parses back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string_view>

#include "r53/api_xml.h"
#include "r53/model.h"
#include "r53/rrset_xml.h"
#include "tests/fuzz/require.h"

namespace {

using r53d::fuzz::require;

using namespace r53d;

void round_trip_rrset(const r53::RecordSet& in) {
  pugi::xml_document doc;
  pugi::xml_node node = r53::append_rrset(doc, in);
  auto back = r53::parse_rrset(node);
  require(back.ok(), "a record set route53d parsed serialises into one it parses");
  require(back->name == in.name && back->type == in.type && back->values.size() == in.values.size(),
          "a record set keeps its name, type and values through XML");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0: {
      r53::ApiError e = r53::parse_error_response(503, body, "req-id");
      require(!e.code.empty(), "an error response always has a code");
      (void)e.to_string(3);
      break;
    }
    case 1: (void)r53::parse_list_hosted_zones_response(body); break;
    case 2: (void)r53::parse_list_hosted_zones_by_name_response(body); break;
    case 3: (void)r53::parse_get_hosted_zone_response(body); break;
    case 4: {
      auto page = r53::parse_list_rrsets_response(body);
      if (page.ok())
        for (const auto& set : page->rrsets) round_trip_rrset(set);
      break;
    }
    case 5: (void)r53::parse_change_info_response(body, "ChangeResourceRecordSetsResponse"); break;
    case 6: (void)r53::parse_change_info_response(body, "GetChangeResponse"); break;
    case 7: {
      r53::ChangeBatchParse p = r53::parse_change_batch_request(body);
      if (!p.ok()) {
        require(!p.error_message.empty(), "a refused request body has a message");
        break;
      }
      r53::ChangeBatchParse again = r53::parse_change_batch_request(r53::build_change_batch_request(p.batch));
      require(again.ok(), "a parsed request body builds into one that parses");
      require(again.batch.changes.size() == p.batch.changes.size(), "the rebuilt body keeps every change");
      break;
    }
  }
  return 0;
}
