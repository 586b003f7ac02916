// Formatting of `route53d --export`: record sets -> RFC 1035 zone file text.
#include "daemon/zone_export.h"

#include "r53/names.h"
#include "zone/r53_convert.h"

namespace r53d::daemon {
namespace {

// A Route 53 name as a zone file would write it (falls back to the raw text if it does not parse).
std::string display_name(const std::string& r53_name) {
  auto d = zone::dname_from_r53(r53_name);
  return d.ok() ? zone::zone_file_name(d->get()) : r53_name;
}

// Keeps a comment on one line: control bytes as \ooo.
std::string one_line(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      r53::append_octal_escape(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string routing_policy(const r53::RecordSet& s) {
  std::string p;
  if (s.weight) p = "weighted routing, weight " + std::to_string(*s.weight);
  else if (!s.region.empty()) p = "latency routing, region " + s.region;
  else if (s.geo_location) {
    const auto& g = *s.geo_location;
    p = "geolocation routing,";
    if (!g.continent_code.empty()) p += " continent " + g.continent_code;
    if (!g.country_code.empty()) p += " country " + g.country_code;
    if (!g.subdivision_code.empty()) p += " subdivision " + g.subdivision_code;
  } else if (!s.failover.empty()) p = "failover routing, " + s.failover;
  else if (s.multi_value_answer) p = "multivalue answer routing";
  else if (s.cidr_routing_config) {
    p = "IP-based routing, collection " + s.cidr_routing_config->collection_id + " location " +
        s.cidr_routing_config->location_name;
  } else if (s.geo_proximity_location) {
    const auto& g = *s.geo_proximity_location;
    p = "geoproximity routing,";
    if (!g.aws_region.empty()) p += " region " + g.aws_region;
    if (!g.local_zone_group.empty()) p += " local zone group " + g.local_zone_group;
    if (!g.latitude.empty()) p += " at " + g.latitude + "," + g.longitude;
    if (g.bias) p += " bias " + std::to_string(*g.bias);
  } else {
    p = "routing policy";
  }
  return p;
}

}  // namespace

std::string describe_read_only_set(const r53::RecordSet& s) {
  std::string head = "; " + display_name(s.name) + " " + s.type + ":";
  std::string why;
  if (!s.set_identifier.empty()) {
    head += " " + routing_policy(s) + ", set identifier \"" + s.set_identifier + "\"";
    why = "Route 53 chooses among the sets of this name and type for each query; a zone file "
          "holds one fixed RRset per name and type";
  }
  if (s.alias_target) {
    const auto& a = *s.alias_target;
    head += std::string(s.set_identifier.empty() ? "" : ",") + " alias to " + display_name(a.dns_name) +
            " (hosted zone " + a.hosted_zone_id + ", evaluate target health: " +
            (a.evaluate_target_health ? "yes" : "no") + ")";
    if (why.empty()) {
      why = "an alias is answered with its target's records, looked up by Route 53 at query "
            "time; DNS has no record type for it";
    } else {
      why += "; an alias is answered with its target's records";
    }
  }
  if (!s.traffic_policy_instance_id.empty()) {
    head += " created by traffic policy instance " + s.traffic_policy_instance_id;
    if (why.empty()) why = "traffic policy records are chosen per query by Route 53 (traffic flow)";
  }
  if (!s.health_check_id.empty()) head += ", health check " + s.health_check_id;
  if (!s.values.empty()) {
    head += ", TTL " + (s.ttl_s ? std::to_string(*s.ttl_s) : std::string("none")) + ":";
    for (const std::string& v : s.values) head += " " + v;
  }
  return one_line(head) + "\n;   not exported: " + why + "\n";
}

Result<std::string> format_zone_file(const r53::HostedZone& zone,
                                     const std::vector<r53::RecordSet>& rrsets,
                                     ExportStats* stats) {
  ExportStats st;
  st.record_sets = rrsets.size();
  std::string soa, body;
  auto canon_zone = r53::normalize_name(zone.name);
  if (!canon_zone.ok()) return canon_zone.status();
  for (const r53::RecordSet& s : rrsets) {
    if (s.read_only()) {
      body += describe_read_only_set(s);
      ++st.comments;
      continue;
    }
    auto rrs = zone::rrs_from_record_set(s);
    if (!rrs.ok()) return rrs.status();
    bool is_soa = s.type == "SOA";
    if (is_soa) {
      auto n = r53::normalize_name(s.name);
      is_soa = n.ok() && *n == *canon_zone;
    }
    std::string& out = is_soa ? soa : body;
    for (const auto& rr : *rrs) {
      auto line = zone::zone_file_line(rr.get());
      if (!line.ok()) return line.status();
      out += *line;
      out += '\n';
      ++st.records;
    }
  }
  if (soa.empty()) return Status::failed_precondition("hosted zone " + zone.name + " has no SOA record");
  std::string text = "; Route 53 hosted zone " + display_name(zone.name) + " (" +
                     r53::bare_id(zone.id) + "), " + std::to_string(st.record_sets) +
                     " record sets, exported by route53d\n";
  if (st.comments > 0) {
    text += "; " + std::to_string(st.comments) +
            " alias or routing-policy sets are shown as comments: DNS cannot express them\n";
  }
  text += "$ORIGIN " + display_name(zone.name) + "\n";
  text += soa;
  text += body;
  if (stats) *stats = st;
  return text;
}

}  // namespace r53d::daemon
