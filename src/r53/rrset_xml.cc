// Route 53 XML for record sets, change batches, ChangeInfo and HostedZone (route53-api.md §2).
#include "r53/rrset_xml.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace r53d::r53 {
namespace {

void add_text(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text().set(text.c_str());
}

void add_int(pugi::xml_node parent, const char* name, int64_t v) {
  add_text(parent, name, std::to_string(v));
}

void add_bool(pugi::xml_node parent, const char* name, bool v) {
  add_text(parent, name, v ? "true" : "false");
}

// Strict integer parse of element text (surrounding whitespace allowed).
bool parse_int(std::string_view text, int64_t* out) {
  std::string s(text);
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return false;
  s = s.substr(b, e - b + 1);
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || *end != '\0') return false;
  *out = v;
  return true;
}

bool parse_bool(std::string_view text, bool* out) {
  if (text == "true" || text == "1") { *out = true; return true; }
  if (text == "false" || text == "0") { *out = false; return true; }
  return false;
}

Status bad(std::string m) { return Status::invalid_argument(std::move(m)); }

}  // namespace

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view n = node.name();
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  }
  return {};
}

std::string child_text(const pugi::xml_node& parent, std::string_view local) {
  pugi::xml_node c = child(parent, local);
  return c ? std::string(c.text().get()) : std::string();
}

pugi::xml_node append_rrset(pugi::xml_node parent, const RecordSet& rs) {
  pugi::xml_node n = parent.append_child("ResourceRecordSet");
  add_text(n, "Name", rs.name);
  add_text(n, "Type", rs.type);
  if (!rs.set_identifier.empty()) add_text(n, "SetIdentifier", rs.set_identifier);
  if (rs.weight) add_int(n, "Weight", *rs.weight);
  if (!rs.region.empty()) add_text(n, "Region", rs.region);
  if (rs.geo_location) {
    pugi::xml_node g = n.append_child("GeoLocation");
    if (!rs.geo_location->continent_code.empty())
      add_text(g, "ContinentCode", rs.geo_location->continent_code);
    if (!rs.geo_location->country_code.empty())
      add_text(g, "CountryCode", rs.geo_location->country_code);
    if (!rs.geo_location->subdivision_code.empty())
      add_text(g, "SubdivisionCode", rs.geo_location->subdivision_code);
  }
  if (!rs.failover.empty()) add_text(n, "Failover", rs.failover);
  if (rs.multi_value_answer) add_bool(n, "MultiValueAnswer", *rs.multi_value_answer);
  if (rs.ttl_s) add_int(n, "TTL", *rs.ttl_s);
  if (!rs.values.empty()) {
    pugi::xml_node rrs = n.append_child("ResourceRecords");
    for (const auto& v : rs.values) add_text(rrs.append_child("ResourceRecord"), "Value", v);
  }
  if (rs.alias_target) {
    pugi::xml_node a = n.append_child("AliasTarget");
    add_text(a, "HostedZoneId", rs.alias_target->hosted_zone_id);
    add_text(a, "DNSName", rs.alias_target->dns_name);
    add_bool(a, "EvaluateTargetHealth", rs.alias_target->evaluate_target_health);
  }
  if (!rs.health_check_id.empty()) add_text(n, "HealthCheckId", rs.health_check_id);
  if (!rs.traffic_policy_instance_id.empty())
    add_text(n, "TrafficPolicyInstanceId", rs.traffic_policy_instance_id);
  if (rs.cidr_routing_config) {
    pugi::xml_node c = n.append_child("CidrRoutingConfig");
    add_text(c, "CollectionId", rs.cidr_routing_config->collection_id);
    add_text(c, "LocationName", rs.cidr_routing_config->location_name);
  }
  if (rs.geo_proximity_location) {
    const auto& g = *rs.geo_proximity_location;
    pugi::xml_node p = n.append_child("GeoProximityLocation");
    if (!g.aws_region.empty()) add_text(p, "AWSRegion", g.aws_region);
    if (!g.local_zone_group.empty()) add_text(p, "LocalZoneGroup", g.local_zone_group);
    if (!g.latitude.empty() || !g.longitude.empty()) {
      pugi::xml_node c = p.append_child("Coordinates");
      add_text(c, "Latitude", g.latitude);
      add_text(c, "Longitude", g.longitude);
    }
    if (g.bias) add_int(p, "Bias", *g.bias);
  }
  return n;
}

Result<RecordSet> parse_rrset(const pugi::xml_node& node) {
  RecordSet rs;
  bool have_name = false, have_type = false;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c);
    std::string text = c.text().get();
    if (n == "Name") {
      rs.name = text;
      have_name = true;
    } else if (n == "Type") {
      rs.type = text;
      have_type = true;
    } else if (n == "SetIdentifier") {
      rs.set_identifier = text;
    } else if (n == "Weight") {
      int64_t v;
      if (!parse_int(text, &v)) return bad("Weight is not an integer: '" + text + "'");
      rs.weight = v;
    } else if (n == "Region") {
      rs.region = text;
    } else if (n == "GeoLocation") {
      GeoLocation g;
      g.continent_code = child_text(c, "ContinentCode");
      g.country_code = child_text(c, "CountryCode");
      g.subdivision_code = child_text(c, "SubdivisionCode");
      rs.geo_location = g;
    } else if (n == "Failover") {
      rs.failover = text;
    } else if (n == "MultiValueAnswer") {
      bool v;
      if (!parse_bool(text, &v)) return bad("MultiValueAnswer is not a boolean: '" + text + "'");
      rs.multi_value_answer = v;
    } else if (n == "TTL") {
      int64_t v;
      if (!parse_int(text, &v)) return bad("TTL is not an integer: '" + text + "'");
      rs.ttl_s = v;
    } else if (n == "ResourceRecords") {
      for (pugi::xml_node r = c.first_child(); r; r = r.next_sibling()) {
        if (r.type() != pugi::node_element || local_name(r) != "ResourceRecord") continue;
        pugi::xml_node v = child(r, "Value");
        if (!v) return bad("ResourceRecord has no Value");
        rs.values.emplace_back(v.text().get());
      }
    } else if (n == "AliasTarget") {
      AliasTarget a;
      pugi::xml_node hz = child(c, "HostedZoneId");
      pugi::xml_node dn = child(c, "DNSName");
      pugi::xml_node eth = child(c, "EvaluateTargetHealth");
      if (!hz || !dn || !eth) return bad("AliasTarget needs HostedZoneId, DNSName and EvaluateTargetHealth");
      a.hosted_zone_id = hz.text().get();
      a.dns_name = dn.text().get();
      if (!parse_bool(eth.text().get(), &a.evaluate_target_health))
        return bad("EvaluateTargetHealth is not a boolean");
      rs.alias_target = a;
    } else if (n == "HealthCheckId") {
      rs.health_check_id = text;
    } else if (n == "TrafficPolicyInstanceId") {
      rs.traffic_policy_instance_id = text;
    } else if (n == "CidrRoutingConfig") {
      CidrRoutingConfig cc;
      cc.collection_id = child_text(c, "CollectionId");
      cc.location_name = child_text(c, "LocationName");
      rs.cidr_routing_config = cc;
    } else if (n == "GeoProximityLocation") {
      GeoProximityLocation g;
      g.aws_region = child_text(c, "AWSRegion");
      g.local_zone_group = child_text(c, "LocalZoneGroup");
      if (pugi::xml_node co = child(c, "Coordinates")) {
        g.latitude = child_text(co, "Latitude");
        g.longitude = child_text(co, "Longitude");
      }
      if (pugi::xml_node b = child(c, "Bias")) {
        int64_t v;
        if (!parse_int(b.text().get(), &v)) return bad("Bias is not an integer");
        g.bias = v;
      }
      rs.geo_proximity_location = g;
    }
    // Anything else: a field added after this code was written; ignore it.
  }
  if (!have_name) return bad("ResourceRecordSet has no Name");
  if (!have_type) return bad("ResourceRecordSet has no Type");
  return rs;
}

pugi::xml_node append_change_info(pugi::xml_node parent, const ChangeInfo& ci) {
  pugi::xml_node n = parent.append_child("ChangeInfo");
  add_text(n, "Id", ci.id);
  add_text(n, "Status", ci.status);
  add_text(n, "SubmittedAt", ci.submitted_at);
  if (!ci.comment.empty()) add_text(n, "Comment", ci.comment);
  return n;
}

Result<ChangeInfo> parse_change_info(const pugi::xml_node& node) {
  ChangeInfo ci;
  if (!child(node, "Id")) return bad("ChangeInfo has no Id");
  if (!child(node, "Status")) return bad("ChangeInfo has no Status");
  ci.id = child_text(node, "Id");
  ci.status = child_text(node, "Status");
  ci.submitted_at = child_text(node, "SubmittedAt");
  ci.comment = child_text(node, "Comment");
  return ci;
}

pugi::xml_node append_hosted_zone(pugi::xml_node parent, const HostedZone& hz) {
  pugi::xml_node n = parent.append_child("HostedZone");
  add_text(n, "Id", hz.id);
  add_text(n, "Name", hz.name);
  add_text(n, "CallerReference", hz.caller_reference);
  pugi::xml_node cfg = n.append_child("Config");
  if (hz.comment) add_text(cfg, "Comment", *hz.comment);
  add_bool(cfg, "PrivateZone", hz.private_zone);
  add_int(n, "ResourceRecordSetCount", hz.record_set_count);
  return n;
}

Result<HostedZone> parse_hosted_zone(const pugi::xml_node& node) {
  HostedZone hz;
  if (!child(node, "Id")) return bad("HostedZone has no Id");
  if (!child(node, "Name")) return bad("HostedZone has no Name");
  hz.id = child_text(node, "Id");
  hz.name = child_text(node, "Name");
  hz.caller_reference = child_text(node, "CallerReference");
  if (pugi::xml_node cfg = child(node, "Config")) {
    if (pugi::xml_node cm = child(cfg, "Comment")) hz.comment = std::string(cm.text().get());
    bool priv = false;
    if (pugi::xml_node p = child(cfg, "PrivateZone"); p && parse_bool(p.text().get(), &priv))
      hz.private_zone = priv;
  }
  int64_t count = 0;
  if (pugi::xml_node c = child(node, "ResourceRecordSetCount"); c && parse_int(c.text().get(), &count))
    hz.record_set_count = count;
  return hz;
}

std::string to_xml_string(const pugi::xml_document& doc) {
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  doc.save(os, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  return os.str();
}

std::string build_change_batch_request(const ChangeBatch& batch) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ChangeResourceRecordSetsRequest");
  root.append_attribute("xmlns").set_value(kXmlNamespace);
  pugi::xml_node cb = root.append_child("ChangeBatch");
  if (!batch.comment.empty()) add_text(cb, "Comment", batch.comment);
  pugi::xml_node changes = cb.append_child("Changes");
  for (const auto& ch : batch.changes) {
    pugi::xml_node c = changes.append_child("Change");
    add_text(c, "Action", action_name(ch.action));
    append_rrset(c, ch.rrset);
  }
  return to_xml_string(doc);
}

ChangeBatchParse parse_change_batch_request(std::string_view body) {
  ChangeBatchParse out;
  auto fail = [&out](const char* code, std::string msg) {
    out.error_code = code;
    out.error_message = std::move(msg);
    out.batch = {};
    return out;
  };
  pugi::xml_document doc;
  pugi::xml_parse_result pr = doc.load_buffer(body.data(), body.size(), pugi::parse_default,
                                              pugi::encoding_utf8);
  if (!pr) {
    return fail("MalformedInput",
                std::string("Unable to parse XML: ") + pr.description() + " at offset " +
                    std::to_string(pr.offset));
  }
  pugi::xml_node root = doc.document_element();
  if (!root || local_name(root) != "ChangeResourceRecordSetsRequest") {
    return fail("MalformedInput",
                "ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest");
  }
  pugi::xml_node cb = child(root, "ChangeBatch");
  if (!cb) {
    return fail("InvalidInput",
                "Invalid XML ; cvc-complex-type.2.4.b: The content of element "
                "'ChangeResourceRecordSetsRequest' is not complete. One of "
                "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":ChangeBatch}' is expected.");
  }
  out.batch.comment = child_text(cb, "Comment");
  pugi::xml_node changes = child(cb, "Changes");
  if (!changes) {
    return fail("InvalidInput",
                "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'ChangeBatch' is "
                "not complete. One of "
                "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":Changes}' is expected.");
  }
  for (pugi::xml_node c = changes.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || local_name(c) != "Change") continue;
    Change change;
    pugi::xml_node a = child(c, "Action");
    if (!a) {
      return fail("InvalidInput",
                  "Invalid XML ; cvc-complex-type.2.4.a: Invalid content was found starting "
                  "with element 'ResourceRecordSet'. One of "
                  "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":Action}' is expected.");
    }
    std::string action = a.text().get();
    if (action == "CREATE") {
      change.action = Action::kCreate;
    } else if (action == "DELETE") {
      change.action = Action::kDelete;
    } else if (action == "UPSERT") {
      change.action = Action::kUpsert;
    } else {
      return fail("InvalidInput",
                  "Invalid XML ; cvc-enumeration-valid: Value '" + action +
                      "' is not facet-valid with respect to enumeration '[CREATE, DELETE, "
                      "UPSERT]'. It must be a value from the enumeration.");
    }
    pugi::xml_node rrs = child(c, "ResourceRecordSet");
    if (!rrs) {
      return fail("InvalidInput",
                  "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Change' is not "
                  "complete. One of "
                  "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":ResourceRecordSet}' is "
                  "expected.");
    }
    if (pugi::xml_node list = child(rrs, "ResourceRecords"); list && !child(list, "ResourceRecord")) {
      // Observed text (chilts/nice-route53#8): an empty list fails schema validation.
      return fail("InvalidInput",
                  "Invalid XML ; cvc-complex-type.2.4.b: The content of element "
                  "'ResourceRecords' is not complete. One of "
                  "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":ResourceRecord}' is "
                  "expected.");
    }
    auto rs = parse_rrset(rrs);
    if (!rs.ok()) return fail("InvalidInput", "Invalid XML ; " + rs.status().message());
    change.rrset = std::move(*rs);
    out.batch.changes.push_back(std::move(change));
  }
  if (out.batch.changes.empty()) {
    return fail("InvalidInput",
                "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Changes' is not "
                "complete. One of "
                "'{\"https://route53.amazonaws.com/doc/2013-04-01/\":Change}' is expected.");
  }
  return out;
}

}  // namespace r53d::r53
