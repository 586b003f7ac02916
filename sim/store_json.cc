// sim::Store state as JSON (RapidJSON), for route53-sim --state FILE.
//
// {"version":1,"rng":"<u64>","counters":{...},
//  "zones":[{"id","name","caller_reference","comment"?,"private","name_servers":[...],
//            "busy_until_ms","rrsets":[{"name","type",...}]}],
//  "changes":[{"id","submitted_ms","insync_at_ms","comment"}]}   (oldest change first)
#include <memory>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sim/store.h"
#include "sim/store_internal.h"

namespace r53d::sim {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using JValue = rapidjson::Value;

void key(Writer& w, const char* k) { w.Key(k); }
void str(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void opt_str(Writer& w, const char* k, const std::string& v) {
  if (!v.empty()) str(w, k, v);
}

void write_rrset(Writer& w, const r53::RecordSet& rs) {
  w.StartObject();
  str(w, "name", rs.name);
  str(w, "type", rs.type);
  opt_str(w, "set_identifier", rs.set_identifier);
  if (rs.weight) { key(w, "weight"); w.Int64(*rs.weight); }
  opt_str(w, "region", rs.region);
  if (rs.geo_location) {
    key(w, "geo_location");
    w.StartObject();
    str(w, "continent_code", rs.geo_location->continent_code);
    str(w, "country_code", rs.geo_location->country_code);
    str(w, "subdivision_code", rs.geo_location->subdivision_code);
    w.EndObject();
  }
  opt_str(w, "failover", rs.failover);
  if (rs.multi_value_answer) { key(w, "multi_value_answer"); w.Bool(*rs.multi_value_answer); }
  if (rs.ttl_s) { key(w, "ttl"); w.Int64(*rs.ttl_s); }
  if (!rs.values.empty()) {
    key(w, "values");
    w.StartArray();
    for (const auto& v : rs.values) w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  if (rs.alias_target) {
    key(w, "alias_target");
    w.StartObject();
    str(w, "hosted_zone_id", rs.alias_target->hosted_zone_id);
    str(w, "dns_name", rs.alias_target->dns_name);
    key(w, "evaluate_target_health");
    w.Bool(rs.alias_target->evaluate_target_health);
    w.EndObject();
  }
  opt_str(w, "health_check_id", rs.health_check_id);
  opt_str(w, "traffic_policy_instance_id", rs.traffic_policy_instance_id);
  if (rs.cidr_routing_config) {
    key(w, "cidr_routing_config");
    w.StartObject();
    str(w, "collection_id", rs.cidr_routing_config->collection_id);
    str(w, "location_name", rs.cidr_routing_config->location_name);
    w.EndObject();
  }
  if (rs.geo_proximity_location) {
    const auto& g = *rs.geo_proximity_location;
    key(w, "geo_proximity_location");
    w.StartObject();
    str(w, "aws_region", g.aws_region);
    str(w, "local_zone_group", g.local_zone_group);
    str(w, "latitude", g.latitude);
    str(w, "longitude", g.longitude);
    if (g.bias) { key(w, "bias"); w.Int64(*g.bias); }
    w.EndObject();
  }
  w.EndObject();
}

// Reading: every accessor checks the JSON type and reports the path of the first problem.
class Reader {
 public:
  std::string error;

  bool fail(const std::string& where, const char* what) {
    if (error.empty()) error = where + ": " + what;
    return false;
  }
  bool get_str(const JValue& o, const char* k, std::string* out, const std::string& where,
               bool required = false) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return required ? fail(where + "." + k, "missing") : true;
    if (!it->value.IsString()) return fail(where + "." + k, "not a string");
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  }
  bool get_i64(const JValue& o, const char* k, std::optional<int64_t>* out,
               const std::string& where) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return true;
    if (!it->value.IsInt64()) return fail(where + "." + k, "not an integer");
    *out = it->value.GetInt64();
    return true;
  }
  bool get_bool(const JValue& o, const char* k, std::optional<bool>* out, const std::string& where) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return true;
    if (!it->value.IsBool()) return fail(where + "." + k, "not a boolean");
    *out = it->value.GetBool();
    return true;
  }
  const JValue* get_obj(const JValue& o, const char* k, const std::string& where) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return nullptr;
    if (!it->value.IsObject()) { fail(where + "." + k, "not an object"); return nullptr; }
    return &it->value;
  }
  const JValue* get_arr(const JValue& o, const char* k, const std::string& where) {
    auto it = o.FindMember(k);
    if (it == o.MemberEnd()) return nullptr;
    if (!it->value.IsArray()) { fail(where + "." + k, "not an array"); return nullptr; }
    return &it->value;
  }

  bool rrset(const JValue& o, const std::string& where, r53::RecordSet* rs) {
    if (!o.IsObject()) return fail(where, "not an object");
    if (!get_str(o, "name", &rs->name, where, true) || !get_str(o, "type", &rs->type, where, true) ||
        !get_str(o, "set_identifier", &rs->set_identifier, where) ||
        !get_i64(o, "weight", &rs->weight, where) || !get_str(o, "region", &rs->region, where) ||
        !get_str(o, "failover", &rs->failover, where) ||
        !get_bool(o, "multi_value_answer", &rs->multi_value_answer, where) ||
        !get_i64(o, "ttl", &rs->ttl_s, where) ||
        !get_str(o, "health_check_id", &rs->health_check_id, where) ||
        !get_str(o, "traffic_policy_instance_id", &rs->traffic_policy_instance_id, where))
      return false;
    auto n = r53::normalize_name(rs->name);
    if (!n.ok() || *n != rs->name) return fail(where + ".name", "not a name in stored form");
    if (const JValue* g = get_obj(o, "geo_location", where)) {
      r53::GeoLocation gl;
      if (!get_str(*g, "continent_code", &gl.continent_code, where) ||
          !get_str(*g, "country_code", &gl.country_code, where) ||
          !get_str(*g, "subdivision_code", &gl.subdivision_code, where))
        return false;
      rs->geo_location = gl;
    }
    if (const JValue* v = get_arr(o, "values", where)) {
      for (const auto& e : v->GetArray()) {
        if (!e.IsString()) return fail(where + ".values", "not a string");
        rs->values.emplace_back(e.GetString(), e.GetStringLength());
      }
    }
    if (const JValue* a = get_obj(o, "alias_target", where)) {
      r53::AliasTarget at;
      std::optional<bool> eth;
      if (!get_str(*a, "hosted_zone_id", &at.hosted_zone_id, where, true) ||
          !get_str(*a, "dns_name", &at.dns_name, where, true) ||
          !get_bool(*a, "evaluate_target_health", &eth, where))
        return false;
      at.evaluate_target_health = eth.value_or(false);
      rs->alias_target = at;
    }
    if (const JValue* c = get_obj(o, "cidr_routing_config", where)) {
      r53::CidrRoutingConfig cc;
      if (!get_str(*c, "collection_id", &cc.collection_id, where) ||
          !get_str(*c, "location_name", &cc.location_name, where))
        return false;
      rs->cidr_routing_config = cc;
    }
    if (const JValue* g = get_obj(o, "geo_proximity_location", where)) {
      r53::GeoProximityLocation gp;
      if (!get_str(*g, "aws_region", &gp.aws_region, where) ||
          !get_str(*g, "local_zone_group", &gp.local_zone_group, where) ||
          !get_str(*g, "latitude", &gp.latitude, where) ||
          !get_str(*g, "longitude", &gp.longitude, where) || !get_i64(*g, "bias", &gp.bias, where))
        return false;
      rs->geo_proximity_location = gp;
    }
    return error.empty();
  }
};

}  // namespace

std::string Store::to_json() const {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key(w, "version");
  w.Int(1);
  str(w, "rng", std::to_string(rng_state_));
  key(w, "counters");
  w.StartObject();
  key(w, "changes_accepted");
  w.Int64(counters_.changes_accepted);
  key(w, "changes_rejected");
  w.Int64(counters_.changes_rejected);
  key(w, "records_changed");
  w.Int64(counters_.records_changed);
  w.EndObject();
  key(w, "zones");
  w.StartArray();
  for (const auto& [id, z] : zones_) {
    w.StartObject();
    str(w, "id", z->id);
    str(w, "name", z->name);
    str(w, "caller_reference", z->caller_reference);
    if (z->comment) str(w, "comment", *z->comment);
    key(w, "private");
    w.Bool(z->private_zone);
    key(w, "name_servers");
    w.StartArray();
    for (const auto& ns : z->name_servers) w.String(ns.c_str());
    w.EndArray();
    key(w, "busy_until_ms");
    w.Int64(z->busy_until_ms);
    key(w, "rrsets");
    w.StartArray();
    for (const auto& [k, rs] : z->rrsets) write_rrset(w, rs);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  key(w, "changes");
  w.StartArray();
  for (const auto& cid : change_order_) {
    const ChangeRecord& c = *changes_.at(cid);
    w.StartObject();
    str(w, "id", c.id);
    key(w, "submitted_ms");
    w.Int64(c.submitted_ms);
    key(w, "insync_at_ms");
    w.Int64(c.insync_at_ms);
    opt_str(w, "comment", c.comment);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

Status Store::load_json(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return Status::invalid_argument("state: JSON parse error at offset " +
                                    std::to_string(doc.GetErrorOffset()) + ": " +
                                    rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return Status::invalid_argument("state: not a JSON object");
  Reader r;
  auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt() || version->value.GetInt() != 1)
    return Status::invalid_argument("state.version: missing or not 1");

  std::map<std::string, std::unique_ptr<Zone>> zones;
  std::unordered_map<std::string, std::unique_ptr<ChangeRecord>> changes;
  std::deque<std::string> order;
  StoreStats counters;
  uint64_t rng = rng_state_;

  std::string rng_text;
  if (!r.get_str(doc, "rng", &rng_text, "state")) return Status::invalid_argument(r.error);
  if (!rng_text.empty()) {
    try {
      rng = std::stoull(rng_text);
    } catch (const std::exception&) {
      return Status::invalid_argument("state.rng: not a number");
    }
  }
  if (const JValue* c = r.get_obj(doc, "counters", "state")) {
    std::optional<int64_t> a, b, d;
    if (!r.get_i64(*c, "changes_accepted", &a, "state.counters") ||
        !r.get_i64(*c, "changes_rejected", &b, "state.counters") ||
        !r.get_i64(*c, "records_changed", &d, "state.counters"))
      return Status::invalid_argument(r.error);
    counters.changes_accepted = a.value_or(0);
    counters.changes_rejected = b.value_or(0);
    counters.records_changed = d.value_or(0);
  }
  if (const JValue* zs = r.get_arr(doc, "zones", "state")) {
    size_t zi = 0;
    for (const auto& zo : zs->GetArray()) {
      std::string where = "state.zones[" + std::to_string(zi++) + "]";
      if (!zo.IsObject()) return Status::invalid_argument(where + ": not an object");
      auto z = std::make_unique<Zone>();
      std::string comment;
      bool has_comment = zo.HasMember("comment");
      std::optional<bool> priv;
      std::optional<int64_t> busy;
      if (!r.get_str(zo, "id", &z->id, where, true) || !r.get_str(zo, "name", &z->name, where, true) ||
          !r.get_str(zo, "caller_reference", &z->caller_reference, where) ||
          !r.get_str(zo, "comment", &comment, where) || !r.get_bool(zo, "private", &priv, where) ||
          !r.get_i64(zo, "busy_until_ms", &busy, where))
        return Status::invalid_argument(r.error);
      auto n = r53::normalize_name(z->name);
      if (!n.ok() || z->id.empty()) return Status::invalid_argument(where + ": bad id or name");
      z->name = *n;
      z->order_name = r53::reverse_name_key(z->name);
      if (has_comment) z->comment = comment;
      z->private_zone = priv.value_or(false);
      z->busy_until_ms = busy.value_or(0);
      if (const JValue* nss = r.get_arr(zo, "name_servers", where)) {
        for (const auto& e : nss->GetArray()) {
          if (!e.IsString()) return Status::invalid_argument(where + ".name_servers: not a string");
          z->name_servers.emplace_back(e.GetString(), e.GetStringLength());
        }
      }
      if (!r.error.empty()) return Status::invalid_argument(r.error);
      if (const JValue* rrs = r.get_arr(zo, "rrsets", where)) {
        size_t ri = 0;
        for (const auto& ro : rrs->GetArray()) {
          r53::RecordSet rs;
          std::string rwhere = where + ".rrsets[" + std::to_string(ri++) + "]";
          if (!r.rrset(ro, rwhere, &rs)) return Status::invalid_argument(r.error);
          auto k = r53::RecordKey::make(rs.name, rs.type, rs.set_identifier);
          z->rrsets.insert_or_assign(std::move(k), std::move(rs));
        }
      }
      if (!r.error.empty()) return Status::invalid_argument(r.error);
      std::string id = z->id;
      zones.insert_or_assign(id, std::move(z));
    }
  }
  if (!r.error.empty()) return Status::invalid_argument(r.error);
  if (const JValue* cs = r.get_arr(doc, "changes", "state")) {
    size_t ci = 0;
    for (const auto& co : cs->GetArray()) {
      std::string where = "state.changes[" + std::to_string(ci++) + "]";
      if (!co.IsObject()) return Status::invalid_argument(where + ": not an object");
      auto c = std::make_unique<ChangeRecord>();
      std::optional<int64_t> sub, ins;
      if (!r.get_str(co, "id", &c->id, where, true) || !r.get_i64(co, "submitted_ms", &sub, where) ||
          !r.get_i64(co, "insync_at_ms", &ins, where) || !r.get_str(co, "comment", &c->comment, where))
        return Status::invalid_argument(r.error);
      c->submitted_ms = sub.value_or(0);
      c->insync_at_ms = ins.value_or(0);
      std::string id = c->id;
      if (changes.emplace(id, std::move(c)).second) order.push_back(id);
    }
  }
  if (!r.error.empty()) return Status::invalid_argument(r.error);

  zones_ = std::move(zones);
  changes_ = std::move(changes);
  change_order_ = std::move(order);
  counters_.changes_accepted = counters.changes_accepted;
  counters_.changes_rejected = counters.changes_rejected;
  counters_.records_changed = counters.records_changed;
  rng_state_ = rng;
  return Status();
}

}  // namespace r53d::sim
