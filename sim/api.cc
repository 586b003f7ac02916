// route53-sim REST routing and XML responses (route53-api.md §2, §6.1).
#include "sim/api.h"

#include <pugixml.hpp>

#include <optional>
#include <vector>

#include "r53/model.h"
#include "r53/rrset_xml.h"

namespace r53d::sim {
namespace {

constexpr std::string_view kPrefix = "/2013-04-01/";

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Route unknown(std::string_view method, std::string_view path, int status = 404) {
  Route r;
  r.op = "Unknown";
  r.error_status = status;
  r.error_code = status == 405 ? "InvalidAction" : "UnknownOperation";
  r.error_message = "No operation matches " + std::string(method) + " " + std::string(path);
  return r;
}

std::optional<std::string> query_value(const r53::QueryList& q, std::string_view key) {
  for (const auto& [k, v] : q) {
    if (k == key) return v;
  }
  return std::nullopt;
}

pugi::xml_node response_root(pugi::xml_document& doc, const char* name) {
  pugi::xml_node root = doc.append_child(name);
  root.append_attribute("xmlns") = r53::kXmlNamespace;
  return root;
}

void text_child(pugi::xml_node parent, const char* name, std::string_view text) {
  parent.append_child(name).text().set(std::string(text).c_str());
}

void append_delegation_set(pugi::xml_node parent, const std::vector<std::string>& ns) {
  pugi::xml_node nss = parent.append_child("DelegationSet").append_child("NameServers");
  for (const auto& n : ns) text_child(nss, "NameServer", n);
}

ApiResponse from_error(const ApiError& e, const ApiRequest& req, std::string zone_id = {}) {
  ApiResponse r;
  r.status = e.http_status;
  r.error_code = e.code;
  r.body = error_body(e.http_status, e.code, e.message, req.request_id);
  r.zone_id = std::move(zone_id);
  return r;
}

ApiResponse ok_doc(const pugi::xml_document& doc, int status = 200) {
  ApiResponse r;
  r.status = status;
  r.body = r53::to_xml_string(doc);
  return r;
}

ApiResponse invalid_input(const ApiRequest& req, std::string message) {
  return from_error(ApiError{400, "InvalidInput", std::move(message)}, req);
}

}  // namespace

Route route(std::string_view method, std::string_view raw_path) {
  if (raw_path.substr(0, kPrefix.size()) != kPrefix) return unknown(method, raw_path);
  std::string_view rest = raw_path.substr(kPrefix.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::vector<std::string> seg = split_path(rest);
  Route r;
  auto id_of = [&](const std::string& s) -> std::optional<std::string> {
    auto d = r53::uri_decode(s);
    if (!d.ok() || d->empty()) return std::nullopt;
    return *d;
  };
  auto want = [&](const char* m, const char* op) {
    if (method != m) return false;
    r.op = op;
    return true;
  };
  if (seg.size() == 1 && seg[0] == "hostedzone") {
    if (want("GET", "ListHostedZones") || want("POST", "CreateHostedZone")) return r;
    return unknown(method, raw_path, 405);
  }
  if (seg.size() == 1 && seg[0] == "hostedzonesbyname") {
    if (want("GET", "ListHostedZonesByName")) return r;
    return unknown(method, raw_path, 405);
  }
  if (seg.size() == 2 && (seg[0] == "hostedzone" || seg[0] == "change")) {
    auto id = id_of(seg[1]);
    if (!id) return unknown(method, raw_path);
    r.id = *id;
    if (seg[0] == "change") {
      if (want("GET", "GetChange")) return r;
    } else if (want("GET", "GetHostedZone") || want("DELETE", "DeleteHostedZone")) {
      return r;
    }
    return unknown(method, raw_path, 405);
  }
  if (seg.size() == 3 && seg[0] == "hostedzone" && seg[2] == "rrset") {
    auto id = id_of(seg[1]);
    if (!id) return unknown(method, raw_path);
    r.id = *id;
    if (want("GET", "ListResourceRecordSets") || want("POST", "ChangeResourceRecordSets")) return r;
    return unknown(method, raw_path, 405);
  }
  return unknown(method, raw_path);
}

std::string error_body(int status, std::string_view code, std::string_view message,
                       std::string_view request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = response_root(doc, "ErrorResponse");
  pugi::xml_node err = root.append_child("Error");
  text_child(err, "Type", status >= 500 ? "Receiver" : "Sender");
  text_child(err, "Code", code);
  text_child(err, "Message", message);
  text_child(root, "RequestId", request_id);
  return r53::to_xml_string(doc);
}

ApiResponse Api::handle(const Route& route, const ApiRequest& req) {
  if (!route.ok()) {
    return from_error(ApiError{route.error_status, route.error_code, route.error_message}, req);
  }
  const std::string& op = route.op;
  ApiResponse r;
  if (op == "CreateHostedZone") {
    r = create_hosted_zone(req);
  } else if (op == "GetHostedZone") {
    r = get_hosted_zone(route.id, req);
  } else if (op == "ListHostedZones") {
    r = list_hosted_zones(req);
  } else if (op == "ListHostedZonesByName") {
    r = list_hosted_zones_by_name(req);
  } else if (op == "DeleteHostedZone") {
    r = delete_hosted_zone(route.id, req);
  } else if (op == "ChangeResourceRecordSets") {
    r = change_rrsets(route.id, req);
  } else if (op == "ListResourceRecordSets") {
    r = list_rrsets(route.id, req);
  } else if (op == "GetChange") {
    r = get_change(route.id, req);
  } else {
    return from_error(ApiError{404, "UnknownOperation", "Unknown operation " + op}, req);
  }
  if (r.zone_id.empty() && op != "GetChange") r.zone_id = route.id;
  return r;
}

ApiResponse Api::create_hosted_zone(const ApiRequest& req) {
  pugi::xml_document in;
  if (!in.load_buffer(req.body.data(), req.body.size())) {
    return from_error(ApiError{400, "MalformedInput", "Invalid XML: the request body is not well-formed"},
                      req);
  }
  pugi::xml_node root = in.document_element();
  if (r53::local_name(root) != "CreateHostedZoneRequest") {
    return from_error(ApiError{400, "MalformedInput",
                               "CreateHostedZoneRequest is not valid, expected CreateHostedZoneRequest"},
                      req);
  }
  CreateZoneRequest cz;
  pugi::xml_node name = r53::child(root, "Name");
  pugi::xml_node ref = r53::child(root, "CallerReference");
  if (!name) return invalid_input(req, "Invalid request: Missing field 'Name'");
  if (!ref) return invalid_input(req, "Invalid request: Missing field 'CallerReference'");
  cz.name = name.text().get();
  cz.caller_reference = ref.text().get();
  pugi::xml_node cfg = r53::child(root, "HostedZoneConfig");
  if (cfg) {
    if (pugi::xml_node c = r53::child(cfg, "Comment")) cz.comment = c.text().get();
    std::string priv = r53::child_text(cfg, "PrivateZone");
    cz.private_zone = priv == "true";
  }
  pugi::xml_node vpc = r53::child(root, "VPC");
  if (vpc) cz.private_zone = true;
  if (r53::child(root, "DelegationSetId")) {
    return from_error(ApiError{400, "NoSuchDelegationSet",
                               "A reusable delegation set with the specified ID does not exist."},
                      req);
  }
  auto created = store_.create_hosted_zone(cz, req.now_ms);
  if (!created.ok()) return from_error(created.error(), req);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "CreateHostedZoneResponse");
  r53::append_hosted_zone(out, created->view.zone);
  r53::append_change_info(out, created->change);
  if (!created->view.name_servers.empty()) append_delegation_set(out, created->view.name_servers);
  if (vpc) {
    pugi::xml_node v = out.append_child("VPC");
    text_child(v, "VPCRegion", r53::child_text(vpc, "VPCRegion"));
    text_child(v, "VPCId", r53::child_text(vpc, "VPCId"));
  }
  ApiResponse r = ok_doc(doc, 201);
  std::string bare = r53::bare_id(created->view.zone.id);
  r.location = (req.host.empty() ? std::string("https://route53.amazonaws.com")
                                  : "http://" + req.host) +
               "/2013-04-01/hostedzone/" + bare;
  r.zone_id = bare;
  r.state_changed = true;
  return r;
}

ApiResponse Api::get_hosted_zone(const std::string& id, const ApiRequest& req) {
  auto z = store_.get_hosted_zone(id);
  if (!z.ok()) return from_error(z.error(), req);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "GetHostedZoneResponse");
  r53::append_hosted_zone(out, z->zone);
  if (!z->zone.private_zone) append_delegation_set(out, z->name_servers);
  return ok_doc(doc);
}

ApiResponse Api::list_hosted_zones(const ApiRequest& req) {
  auto marker = query_value(req.query, "marker");
  auto max_items = query_value(req.query, "maxitems");
  if (auto ds = query_value(req.query, "delegationsetid")) {
    return from_error(ApiError{400, "NoSuchDelegationSet",
                               "A reusable delegation set with the specified ID does not exist."},
                      req);
  }
  bool only_private = query_value(req.query, "hostedzonetype") == std::optional<std::string>("PrivateHostedZone");
  auto page = store_.list_hosted_zones(marker, max_items, only_private);
  if (!page.ok()) return from_error(page.error(), req);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "ListHostedZonesResponse");
  pugi::xml_node zones = out.append_child("HostedZones");
  for (const auto& z : page->zones) r53::append_hosted_zone(zones, z.zone);
  if (marker) text_child(out, "Marker", page->marker);
  text_child(out, "IsTruncated", page->is_truncated ? "true" : "false");
  if (page->is_truncated) text_child(out, "NextMarker", page->next_marker);
  text_child(out, "MaxItems", page->max_items);
  return ok_doc(doc);
}

ApiResponse Api::list_hosted_zones_by_name(const ApiRequest& req) {
  auto page = store_.list_hosted_zones_by_name(query_value(req.query, "dnsname"),
                                               query_value(req.query, "hostedzoneid"),
                                               query_value(req.query, "maxitems"));
  if (!page.ok()) return from_error(page.error(), req);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "ListHostedZonesByNameResponse");
  pugi::xml_node zones = out.append_child("HostedZones");
  for (const auto& z : page->zones) r53::append_hosted_zone(zones, z.zone);
  if (!page->dns_name.empty()) text_child(out, "DNSName", page->dns_name);
  if (!page->hosted_zone_id.empty()) text_child(out, "HostedZoneId", page->hosted_zone_id);
  text_child(out, "IsTruncated", page->is_truncated ? "true" : "false");
  if (page->is_truncated) {
    text_child(out, "NextDNSName", page->next_dns_name);
    text_child(out, "NextHostedZoneId", page->next_hosted_zone_id);
  }
  text_child(out, "MaxItems", page->max_items);
  return ok_doc(doc);
}

ApiResponse Api::delete_hosted_zone(const std::string& id, const ApiRequest& req) {
  auto ci = store_.delete_hosted_zone(id, req.now_ms);
  if (!ci.ok()) return from_error(ci.error(), req, id);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "DeleteHostedZoneResponse");
  r53::append_change_info(out, *ci);
  ApiResponse r = ok_doc(doc);
  r.state_changed = true;
  return r;
}

ApiResponse Api::change_rrsets(const std::string& id, const ApiRequest& req) {
  r53::ChangeBatchParse parsed = r53::parse_change_batch_request(req.body);
  if (!parsed.ok()) {
    // A body that does not parse never reaches the zone, but a missing zone is reported first,
    // as Route 53 checks the path before the body.
    if (!store_.has_zone(id)) {
      return from_error(ApiError{404, "NoSuchHostedZone", "No hosted zone found with ID: " + id},
                        req, id);
    }
    return from_error(ApiError{400, parsed.error_code, parsed.error_message}, req, id);
  }
  auto ci = store_.change_rrsets(id, parsed.batch, req.now_ms);
  if (!ci.ok()) return from_error(ci.error(), req, id);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "ChangeResourceRecordSetsResponse");
  r53::append_change_info(out, *ci);
  ApiResponse r = ok_doc(doc);
  r.state_changed = true;
  return r;
}

ApiResponse Api::list_rrsets(const std::string& id, const ApiRequest& req) {
  RrsetQuery q;
  q.name = query_value(req.query, "name");
  q.type = query_value(req.query, "type");
  q.identifier = query_value(req.query, "identifier");
  q.max_items = query_value(req.query, "maxitems");
  auto page = store_.list_rrsets(id, q);
  if (!page.ok()) return from_error(page.error(), req, id);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "ListResourceRecordSetsResponse");
  pugi::xml_node sets = out.append_child("ResourceRecordSets");
  for (const auto& rs : page->rrsets) r53::append_rrset(sets, rs);
  text_child(out, "IsTruncated", page->is_truncated ? "true" : "false");
  if (page->is_truncated) {
    text_child(out, "NextRecordName", page->next_record_name);
    text_child(out, "NextRecordType", page->next_record_type);
    if (!page->next_record_identifier.empty()) {
      text_child(out, "NextRecordIdentifier", page->next_record_identifier);
    }
  }
  text_child(out, "MaxItems", page->max_items);
  return ok_doc(doc);
}

ApiResponse Api::get_change(const std::string& id, const ApiRequest& req) {
  auto ci = store_.get_change(id, req.now_ms);
  if (!ci.ok()) return from_error(ci.error(), req);
  pugi::xml_document doc;
  pugi::xml_node out = response_root(doc, "GetChangeResponse");
  r53::append_change_info(out, *ci);
  return ok_doc(doc);
}

}  // namespace r53d::sim
