// Route 53 response parsing (pugixml + the shared rrset_xml helpers).
#include "r53/api_xml.h"

#include <pugixml.hpp>

#include "r53/rrset_xml.h"

namespace r53d::r53 {
namespace {

Status bad(std::string_view root, const std::string& why) {
  return Status::invalid_argument(std::string(root) + ": " + why);
}

// Parses body and checks the root element's local name.
Result<pugi::xml_node> load(pugi::xml_document& doc, std::string_view body, std::string_view root) {
  pugi::xml_parse_result pr = doc.load_buffer(body.data(), body.size(), pugi::parse_default,
                                              pugi::encoding_utf8);
  if (!pr) return bad(root, std::string("response is not XML: ") + pr.description());
  pugi::xml_node r = doc.document_element();
  if (local_name(r) != root) {
    return bad(root, "unexpected root element <" + std::string(local_name(r)) + ">");
  }
  return r;
}

bool is_true(const pugi::xml_node& parent, std::string_view name) {
  return child_text(parent, name) == "true";
}

Result<std::vector<HostedZone>> zones_of(const pugi::xml_node& root, std::string_view what) {
  std::vector<HostedZone> zones;
  pugi::xml_node list = child(root, "HostedZones");
  if (!list) return bad(what, "no HostedZones element");
  for (pugi::xml_node z = list.first_child(); z; z = z.next_sibling()) {
    if (z.type() != pugi::node_element || local_name(z) != "HostedZone") continue;
    auto hz = parse_hosted_zone(z);
    if (!hz.ok()) return bad(what, hz.status().message());
    zones.push_back(std::move(*hz));
  }
  return zones;
}

}  // namespace

std::string ApiError::to_string() const {
  if (message.empty()) return code;
  return code + ": " + message;
}

ApiError parse_error_response(long http_status, std::string_view body,
                              std::string_view request_id_header) {
  ApiError e;
  e.http_status = http_status;
  e.request_id = std::string(request_id_header);
  pugi::xml_document doc;
  bool parsed = !body.empty() &&
                doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8) &&
                doc.document_element();
  if (!parsed) {
    e.code = std::to_string(http_status);
    e.message = "HTTP " + std::to_string(http_status);
    if (!body.empty()) e.message += ": " + std::string(body.substr(0, 200));
    return e;
  }
  pugi::xml_node root = doc.document_element();
  std::string rid = child_text(root, "RequestId");
  if (!rid.empty()) e.request_id = rid;
  std::string_view root_name = local_name(root);
  if (root_name == "ErrorResponse") {
    pugi::xml_node err = child(root, "Error");
    e.code = child_text(err, "Code");
    e.message = child_text(err, "Message");
    if (e.code.empty()) e.code = std::to_string(http_status);
  } else if (root_name == "InvalidChangeBatch") {
    e.code = "InvalidChangeBatch";
    if (pugi::xml_node msgs = child(root, "Messages")) {
      for (pugi::xml_node m = msgs.first_child(); m; m = m.next_sibling()) {
        if (m.type() == pugi::node_element && local_name(m) == "Message") {
          e.messages.emplace_back(m.text().get());
        }
      }
    }
    std::string single = child_text(root, "Message");
    if (!e.messages.empty()) {
      // Same shape as the standard response's message: "[a, b]".
      e.message = "[";
      for (size_t i = 0; i < e.messages.size(); i++) {
        if (i) e.message += ", ";
        e.message += e.messages[i];
      }
      e.message += "]";
    } else {
      e.message = single;
    }
  } else {
    e.code = std::string(root_name);
    e.message = child_text(root, "Message");
  }
  return e;
}

Result<HostedZonesPage> parse_list_hosted_zones_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListHostedZonesResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  HostedZonesPage page;
  auto zones = zones_of(*root, kRoot);
  if (!zones.ok()) return zones.status();
  page.zones = std::move(*zones);
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_marker = child_text(*root, "NextMarker");
  if (page.is_truncated && page.next_marker.empty()) return bad(kRoot, "truncated without NextMarker");
  return page;
}

Result<HostedZonesPage> parse_list_hosted_zones_by_name_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListHostedZonesByNameResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  HostedZonesPage page;
  auto zones = zones_of(*root, kRoot);
  if (!zones.ok()) return zones.status();
  page.zones = std::move(*zones);
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_dns_name = child_text(*root, "NextDNSName");
  page.next_hosted_zone_id = child_text(*root, "NextHostedZoneId");
  if (page.is_truncated && page.next_dns_name.empty()) {
    return bad(kRoot, "truncated without NextDNSName");
  }
  return page;
}

Result<HostedZoneDetails> parse_get_hosted_zone_response(std::string_view body) {
  constexpr std::string_view kRoot = "GetHostedZoneResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  pugi::xml_node hz = child(*root, "HostedZone");
  if (!hz) return bad(kRoot, "no HostedZone element");
  auto zone = parse_hosted_zone(hz);
  if (!zone.ok()) return bad(kRoot, zone.status().message());
  HostedZoneDetails d;
  d.zone = std::move(*zone);
  pugi::xml_node ns = child(child(*root, "DelegationSet"), "NameServers");
  for (pugi::xml_node n = ns.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && local_name(n) == "NameServer") {
      d.name_servers.emplace_back(n.text().get());
    }
  }
  return d;
}

Result<RrsetPage> parse_list_rrsets_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListResourceRecordSetsResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  RrsetPage page;
  pugi::xml_node list = child(*root, "ResourceRecordSets");
  if (!list) return bad(kRoot, "no ResourceRecordSets element");
  for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element || local_name(n) != "ResourceRecordSet") continue;
    auto rs = parse_rrset(n);
    if (!rs.ok()) return bad(kRoot, rs.status().message());
    page.rrsets.push_back(std::move(*rs));
  }
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_name = child_text(*root, "NextRecordName");
  page.next_type = child_text(*root, "NextRecordType");
  page.next_identifier = child_text(*root, "NextRecordIdentifier");
  if (page.is_truncated && page.next_name.empty()) {
    return bad(kRoot, "truncated without NextRecordName");
  }
  return page;
}

Result<ChangeInfo> parse_change_info_response(std::string_view body, std::string_view root_name) {
  pugi::xml_document doc;
  auto root = load(doc, body, root_name);
  if (!root.ok()) return root.status();
  pugi::xml_node ci = child(*root, "ChangeInfo");
  if (!ci) return bad(root_name, "no ChangeInfo element");
  auto info = parse_change_info(ci);
  if (!info.ok()) return bad(root_name, info.status().message());
  return info;
}

}  // namespace r53d::r53
