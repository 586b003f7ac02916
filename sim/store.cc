// route53-sim's in-memory Route 53: hosted zones, listing, GetChange (route53-api.md §2, §4.6).
//
// Record sets of a zone live in one std::map keyed by r53::RecordKey, which iterates in
// ListResourceRecordSets order. ChangeResourceRecordSets is in store_change.cc, JSON state in
// store_json.cc.
#include "sim/store.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <set>

#include "sim/store_internal.h"
#include "sim/validate.h"

namespace r53d::sim {

using r53::Action;
using r53::RecordKey;
using r53::RecordSet;

namespace {

std::string iso8601_ms(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

// "1".."limit"; larger values are capped. nullopt: not a positive integer.
std::optional<size_t> parse_max_items(const std::optional<std::string>& s, size_t dflt,
                                      size_t limit) {
  if (!s) return dflt;
  if (s->empty() || s->size() > 9) return std::nullopt;
  size_t v = 0;
  for (char c : *s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  if (v == 0) return std::nullopt;
  return std::min(v, limit);
}

std::string max_items_echo(const std::optional<std::string>& s, size_t dflt) {
  return s ? *s : std::to_string(dflt);
}

// SplitMix64: a small, seedable generator for zone IDs, change IDs and name-server numbers.
uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace
Store::Store(StoreOptions options) : options_(options) {
  rng_state_ = options_.seed;
  if (rng_state_ == 0) {
    std::random_device rd;
    rng_state_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
}

Store::~Store() = default;

std::string Store::new_id(char prefix) {
  static constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  while (true) {
    std::string id(1, prefix);
    uint64_t r = splitmix64(&rng_state_);
    uint64_t r2 = splitmix64(&rng_state_);
    for (int i = 0; i < 13; ++i) {
      uint64_t& src = i < 12 ? r : r2;
      id.push_back(kAlnum[src % 36]);
      src /= 36;
    }
    if (prefix == 'Z' ? !zones_.count(id) : !changes_.count(id)) return id;
  }
}

r53::ChangeInfo Store::record_change(const std::string& comment, int64_t now_ms) {
  auto rec = std::make_unique<ChangeRecord>();
  rec->id = new_id('C');
  rec->submitted_ms = now_ms;
  rec->insync_at_ms = now_ms + options_.insync_after_ms;
  rec->comment = comment;
  r53::ChangeInfo ci{"/change/" + rec->id, "PENDING", iso8601_ms(now_ms), comment};
  change_order_.push_back(rec->id);
  changes_.emplace(rec->id, std::move(rec));
  while (options_.max_change_records > 0 && change_order_.size() > options_.max_change_records) {
    changes_.erase(change_order_.front());
    change_order_.pop_front();
  }
  return ci;
}

Store::Zone* Store::find_zone(std::string_view zone_id) {
  auto it = zones_.find(r53::bare_id(std::string(zone_id)));
  return it == zones_.end() ? nullptr : it->second.get();
}

const Store::Zone* Store::find_zone(std::string_view zone_id) const {
  auto it = zones_.find(r53::bare_id(std::string(zone_id)));
  return it == zones_.end() ? nullptr : it->second.get();
}

ZoneView Store::view_of(const Zone& z) const {
  ZoneView v;
  v.zone.id = "/hostedzone/" + z.id;
  v.zone.name = z.name;
  v.zone.caller_reference = z.caller_reference;
  v.zone.comment = z.comment;
  v.zone.private_zone = z.private_zone;
  v.zone.record_set_count = static_cast<int64_t>(z.rrsets.size());
  v.name_servers = z.name_servers;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Hosted zones

ApiResult<CreatedZone> Store::create_hosted_zone(const CreateZoneRequest& req, int64_t now_ms) {
  if (req.caller_reference.empty() || req.caller_reference.size() > 128) {
    return invalid_input("1 validation error detected: Value '" + req.caller_reference +
                         "' at 'callerReference' failed to satisfy constraint: Member must have "
                         "length " +
                         (req.caller_reference.empty() ? "greater than or equal to 1"
                                                       : "less than or equal to 128"));
  }
  if (req.comment && req.comment->size() > 256) {
    return invalid_input("1 validation error detected: Value at 'hostedZoneConfig.comment' "
                         "failed to satisfy constraint: Member must have length less than or "
                         "equal to 256");
  }
  auto labels = r53::split_name(req.name);
  if (!labels.ok() || labels->empty() || req.name.size() > r53::kMaxNameInputChars) {
    return ApiError{400, "InvalidDomainName", "The specified domain name is not valid."};
  }
  std::string name = r53::join_labels(*labels);
  if (labels->size() == 1) {  // a TLD: reserved (§2.8)
    return ApiError{400, "InvalidDomainName", name.substr(0, name.size() - 1) + " is reserved by AWS!"};
  }
  if ((*labels)[0] == "*") {
    return ApiError{400, "InvalidDomainName", "The specified domain name is not valid."};
  }
  for (const auto& [id, z] : zones_) {
    if (z->caller_reference == req.caller_reference) {
      return ApiError{409, "HostedZoneAlreadyExists",
                      "A hosted zone has already been created with the specified caller "
                      "reference."};
    }
  }
  std::string id = req.id;
  if (!id.empty()) {
    id = r53::bare_id(id);
    if (zones_.count(id)) {
      return ApiError{409, "HostedZoneAlreadyExists", "A hosted zone with ID " + id + " already exists."};
    }
  } else if (options_.max_hosted_zones > 0 &&
             static_cast<int64_t>(zones_.size()) >= options_.max_hosted_zones) {
    return ApiError{400, "TooManyHostedZones",
                    "Limits Exceeded: MAX_HOSTED_ZONES_BY_ACCOUNT - Cannot create more than " +
                        std::to_string(options_.max_hosted_zones) + " hosted zones."};
  } else {
    id = new_id('Z');
  }

  auto z = std::make_unique<Zone>();
  z->id = id;
  z->name = name;
  z->order_name = r53::reverse_name_key(name);
  z->caller_reference = req.caller_reference;
  z->comment = req.comment;
  z->private_zone = req.private_zone;
  // Four delegation-set servers in Route 53's style (§2.7, §3.4).
  uint64_t base = (splitmix64(&rng_state_) % 512) * 4;
  static constexpr const char* kTlds[] = {"com", "net", "org", "co.uk"};
  for (int i = 0; i < 4; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "ns-%llu.awsdns-%02llu.%s",
                  static_cast<unsigned long long>(base + i),
                  static_cast<unsigned long long>((base / 32 + i) % 64), kTlds[i]);
    z->name_servers.emplace_back(buf);
  }
  RecordSet ns;
  ns.name = name;
  ns.type = "NS";
  ns.ttl_s = 172800;
  for (const auto& s : z->name_servers) ns.values.push_back(s + ".");
  RecordSet soa;
  soa.name = name;
  soa.type = "SOA";
  soa.ttl_s = 900;
  soa.values.push_back(z->name_servers[0] + ". awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
  z->rrsets.emplace(RecordKey::make(name, "NS", ""), std::move(ns));
  z->rrsets.emplace(RecordKey::make(name, "SOA", ""), std::move(soa));

  CreatedZone out;
  out.view = view_of(*z);
  out.change = record_change(req.comment.value_or(""), now_ms);
  out.change.comment.clear();  // CreateHostedZone's ChangeInfo carries no comment
  zones_.emplace(id, std::move(z));
  return out;
}

ApiResult<ZoneView> Store::get_hosted_zone(std::string_view zone_id) const {
  const Zone* z = find_zone(zone_id);
  if (!z) return no_such_zone(r53::bare_id(std::string(zone_id)));
  return view_of(*z);
}

bool Store::has_zone(std::string_view zone_id) const { return find_zone(zone_id) != nullptr; }

std::vector<std::string> Store::zone_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, z] : zones_) out.push_back(id);
  return out;
}

ApiResult<ZoneListPage> Store::list_hosted_zones(const std::optional<std::string>& marker,
                                                 const std::optional<std::string>& max_items,
                                                 bool only_private) const {
  auto max = parse_max_items(max_items, 100, 100);
  if (!max) return invalid_input("Invalid value for maxitems: " + max_items.value_or(""));
  ZoneListPage page;
  page.marker = marker.value_or("");
  page.max_items = max_items_echo(max_items, 100);
  auto it = marker ? zones_.lower_bound(r53::bare_id(*marker)) : zones_.begin();
  auto skip = [&] {
    while (only_private && it != zones_.end() && !it->second->private_zone) ++it;
  };
  for (skip(); it != zones_.end() && page.zones.size() < *max; ++it, skip()) {
    page.zones.push_back(view_of(*it->second));
  }
  if (it != zones_.end()) {
    page.is_truncated = true;
    page.next_marker = it->first;
  }
  return page;
}

ApiResult<ZoneByNamePage> Store::list_hosted_zones_by_name(
    const std::optional<std::string>& dns_name, const std::optional<std::string>& hosted_zone_id,
    const std::optional<std::string>& max_items) const {
  auto max = parse_max_items(max_items, 100, 100);
  if (!max) return invalid_input("Invalid value for maxitems: " + max_items.value_or(""));
  if (hosted_zone_id && !dns_name) {
    return invalid_input("The parameter hostedzoneid is only valid together with dnsname.");
  }
  ZoneByNamePage page;
  page.max_items = max_items_echo(max_items, 100);
  std::pair<std::string, std::string> start;
  if (dns_name) {
    auto n = r53::normalize_name(*dns_name);
    if (!n.ok()) return ApiError{400, "InvalidDomainName", "The specified domain name is not valid."};
    page.dns_name = *n;
    start.first = r53::reverse_name_key(*n);
  }
  if (hosted_zone_id) {
    page.hosted_zone_id = r53::bare_id(*hosted_zone_id);
    start.second = page.hosted_zone_id;
  }
  std::vector<std::pair<std::pair<std::string, std::string>, const Zone*>> order;
  order.reserve(zones_.size());
  for (const auto& [id, z] : zones_) order.push_back({{z->order_name, id}, z.get()});
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto it = std::lower_bound(order.begin(), order.end(), start,
                             [](const auto& e, const auto& key) { return e.first < key; });
  for (; it != order.end() && page.zones.size() < *max; ++it) page.zones.push_back(view_of(*it->second));
  if (it != order.end()) {
    page.is_truncated = true;
    page.next_dns_name = it->second->name;
    page.next_hosted_zone_id = it->second->id;
  }
  return page;
}

ApiResult<r53::ChangeInfo> Store::delete_hosted_zone(std::string_view zone_id, int64_t now_ms) {
  Zone* z = find_zone(zone_id);
  if (!z) return no_such_zone(r53::bare_id(std::string(zone_id)));
  if (now_ms < z->busy_until_ms) return prior_request();
  for (const auto& [key, rs] : z->rrsets) {
    bool required = rs.name == z->name && rs.set_identifier.empty() &&
                    (rs.type == "SOA" || rs.type == "NS");
    if (!required) {
      return ApiError{400, "HostedZoneNotEmpty",
                      "The specified hosted zone contains non-required resource record sets and "
                      "so cannot be deleted."};
    }
  }
  std::string id = z->id;
  zones_.erase(id);
  return record_change("", now_ms);
}

int64_t Store::busy_until_ms(std::string_view zone_id) const {
  const Zone* z = find_zone(zone_id);
  return z ? z->busy_until_ms : 0;
}

StoreStats Store::stats() const {
  StoreStats s = counters_;
  s.zones = static_cast<int64_t>(zones_.size());
  s.rrsets = 0;
  for (const auto& [id, z] : zones_) s.rrsets += static_cast<int64_t>(z->rrsets.size());
  return s;
}

// ---------------------------------------------------------------------------------------------
// Listing and GetChange

ApiResult<RrsetPage> Store::list_rrsets(std::string_view zone_id, const RrsetQuery& q) const {
  const Zone* z = find_zone(zone_id);
  if (!z) return no_such_zone(r53::bare_id(std::string(zone_id)));
  auto max = parse_max_items(q.max_items, 100, 300);
  if (!max) return invalid_input("Invalid value for maxitems: " + q.max_items.value_or(""));
  if (q.type && !q.name) {
    return invalid_input("The input is not valid: StartRecordType requires StartRecordName.");
  }
  if (q.identifier && !q.type) {
    return invalid_input(
        "The input is not valid: StartRecordIdentifier requires StartRecordName and "
        "StartRecordType.");
  }
  if (q.type && !is_known_type(*q.type)) {
    return invalid_input("Invalid XML ; cvc-enumeration-valid: Value '" + *q.type +
                         "' is not facet-valid with respect to enumeration '" + kTypeEnum +
                         "'. It must be a value from the enumeration.");
  }
  RecordKey start;
  if (q.name) {
    auto n = r53::normalize_name(*q.name);
    if (!n.ok()) return invalid_input("Invalid name: " + n.status().message());
    start = RecordKey::make(*n, q.type.value_or(""), q.identifier.value_or(""));
  }
  RrsetPage page;
  page.max_items = max_items_echo(q.max_items, 100);
  auto it = q.name ? z->rrsets.lower_bound(start) : z->rrsets.begin();
  page.rrsets.reserve(std::min(*max, z->rrsets.size()));
  for (; it != z->rrsets.end() && page.rrsets.size() < *max; ++it) page.rrsets.push_back(it->second);
  if (it != z->rrsets.end()) {
    page.is_truncated = true;
    page.next_record_name = it->second.name;
    page.next_record_type = it->second.type;
    page.next_record_identifier = it->second.set_identifier;
  }
  return page;
}

ApiResult<r53::ChangeInfo> Store::get_change(std::string_view change_id, int64_t now_ms) const {
  std::string id = r53::bare_id(std::string(change_id));
  auto it = changes_.find(id);
  if (it == changes_.end()) {
    return ApiError{404, "NoSuchChange", "A change with the specified change ID does not exist."};
  }
  const ChangeRecord& c = *it->second;
  return r53::ChangeInfo{"/change/" + c.id, now_ms >= c.insync_at_ms ? "INSYNC" : "PENDING",
                         iso8601_ms(c.submitted_ms), c.comment};
}

}  // namespace r53d::sim
