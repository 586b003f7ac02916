// route53-sim's in-memory Route 53: hosted zones, record sets, change records, stats, JSON state.
//
// Pure logic, no HTTP and no clock: every call that depends on time takes `now_ms` (wall-clock
// milliseconds since the Unix epoch, e.g. Clock::wall_ms()). Every failure is an ApiError that
// the HTTP layer renders as Route 53's ErrorResponse (HTTP status, <Code>, exact <Message>).
// Single-threaded: call from the event loop only.
//
//   sim::Store store(sim::StoreOptions{});
//   auto z = store.create_hosted_zone({.name = "example.com", .caller_reference = "r1"}, now);
//   if (!z.ok()) return render(z.error());
//   std::string id = r53::bare_id(z->zone.id);            // "Z..." (bare)
//   auto ci = store.change_rrsets(id, batch, now);        // ApiResult<r53::ChangeInfo>
//   auto page = store.list_rrsets(id, {.max_items = "300"});
//
// Names and IDs given to the Store may be in any spelling: zone IDs bare ("Z123") or prefixed
// ("/hostedzone/Z123"), names with or without trailing dot, any case; the Store returns stored
// forms (route53-api.md §4.1) and prefixed IDs ("/hostedzone/Z...", "/change/C...").
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "r53/model.h"
#include "r53/names.h"
#include "util/clock.h"
#include "util/status.h"

namespace r53d::sim {

// A Route 53 error as the HTTP layer sends it.
struct ApiError {
  int http_status = 400;
  std::string code;     // "InvalidChangeBatch", "NoSuchHostedZone", "InvalidInput", ...
  std::string message;  // exact Route 53 text (InvalidChangeBatch: the bracketed list)
  bool operator==(const ApiError&) const = default;
};

// A value or the ApiError that explains why there is none.
template <class T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}        // NOLINT(implicit)
  ApiResult(ApiError error) : v_(std::move(error)) {}  // NOLINT(implicit)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const ApiError& error() const { return std::get<ApiError>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, ApiError> v_;
};

struct StoreOptions {
  // A change is PENDING for this long after it was submitted, then INSYNC (--insync-after).
  int64_t insync_after_ms = 0;
  // Modelled time to apply a change: a ChangeResourceRecordSets or DeleteHostedZone for a zone
  // whose previous change was submitted less than this long ago gets PriorRequestNotComplete.
  int64_t apply_time_ms = 0;
  // MAX_RRSETS_BY_ZONE: record sets a zone may hold, each (name, type, set identifier) counted
  // once, the apex SOA and NS included, as in the zone's ResourceRecordSetCount (Route 53:
  // 10,000). A change that would leave a zone above it, and above what it held before, is
  // refused with InvalidChangeBatch "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: Z...]" (a
  // zone already over a lowered quota may still shrink). 0 = unlimited.
  int64_t max_rrsets_per_zone = 10000;
  // Hosted zones per account (Route 53: 500). 0 = unlimited.
  int64_t max_hosted_zones = 500;
  // Change records kept for GetChange; the oldest are forgotten beyond this.
  size_t max_change_records = 100000;
  // Seed for zone IDs, change IDs and name-server numbers. 0: seeded from std::random_device.
  uint64_t seed = 0;
};

struct CreateZoneRequest {
  std::string name{};              // any spelling; stored normalised
  std::string caller_reference{};  // 1-128 chars, unique per store
  std::optional<std::string> comment{};
  bool private_zone = false;
  std::string id{};  // bare ID to use ("--zone NAME=ID"); empty: generate "Z" + 13..21 chars
};

struct ZoneView {
  r53::HostedZone zone;                   // id "/hostedzone/Z...", name stored form
  std::vector<std::string> name_servers;  // delegation set, no trailing dot
};

struct CreatedZone {
  ZoneView view;
  r53::ChangeInfo change;  // PENDING
};

struct ZoneListPage {           // ListHostedZones
  std::vector<ZoneView> zones;
  std::string marker;           // echo of the request marker (may be empty)
  bool is_truncated = false;
  std::string next_marker;      // bare ID, only when truncated
  std::string max_items;        // echo ("100" when not given)
};

struct ZoneByNamePage {         // ListHostedZonesByName
  std::vector<ZoneView> zones;
  std::string dns_name;         // echo, stored form; empty when not sent
  std::string hosted_zone_id;   // echo; empty when not sent
  bool is_truncated = false;
  std::string next_dns_name;    // only when truncated
  std::string next_hosted_zone_id;
  std::string max_items;
};

// ListResourceRecordSets query parameters exactly as received (nullopt = parameter absent).
struct RrsetQuery {
  std::optional<std::string> name{};        // StartRecordName (any spelling)
  std::optional<std::string> type{};        // StartRecordType (needs name)
  std::optional<std::string> identifier{};  // StartRecordIdentifier (needs name and type)
  std::optional<std::string> max_items{};   // "1".."300"; larger values are capped at 300
};

struct RrsetPage {
  std::vector<r53::RecordSet> rrsets;  // in ListResourceRecordSets order
  bool is_truncated = false;
  std::string next_record_name;        // only when truncated
  std::string next_record_type;
  std::string next_record_identifier;  // only when truncated and the next set has one
  std::string max_items;               // echo ("100" when not given)
};

struct StoreStats {
  int64_t changes_accepted = 0;  // ChangeResourceRecordSets that returned 200
  int64_t changes_rejected = 0;  // ChangeResourceRecordSets that returned an error
  int64_t records_changed = 0;   // ResourceRecord elements in accepted changes (alias: 1)
  int64_t zones = 0;
  int64_t rrsets = 0;            // over all zones
};

class Store {
 public:
  explicit Store(StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreOptions& options() const { return options_; }
  void set_options(const StoreOptions& options) { options_ = options; }

  // CreateHostedZone. Gives the zone an apex SOA (TTL 900) and four apex NS (TTL 172800) as
  // Route 53 does. Errors: InvalidDomainName (bad or TLD-only name), HostedZoneAlreadyExists 409
  // (caller reference reused; or the explicit id exists), TooManyHostedZones, InvalidInput.
  ApiResult<CreatedZone> create_hosted_zone(const CreateZoneRequest& req, int64_t now_ms);

  // GetHostedZone. Errors: NoSuchHostedZone 404 "No hosted zone found with ID: <id>".
  ApiResult<ZoneView> get_hosted_zone(std::string_view zone_id) const;
  bool has_zone(std::string_view zone_id) const;
  // Bare IDs of every zone, in ListHostedZones order (by ID).
  std::vector<std::string> zone_ids() const;

  // ListHostedZones (order: by ID). marker = bare ID of the first zone to return (an unknown
  // one starts at the next ID); max_items "1".."100" (larger: capped at 100). only_private
  // (hostedzonetype=PrivateHostedZone): the other zones are skipped before paging, so pages
  // stay full and NextMarker names a private zone. Errors: InvalidInput (bad maxitems).
  ApiResult<ZoneListPage> list_hosted_zones(const std::optional<std::string>& marker,
                                            const std::optional<std::string>& max_items,
                                            bool only_private = false) const;

  // ListHostedZonesByName: positional (not a filter), ordered by reversed name then ID.
  // Errors: InvalidInput (hostedzoneid without dnsname, bad maxitems), InvalidDomainName.
  ApiResult<ZoneByNamePage> list_hosted_zones_by_name(
      const std::optional<std::string>& dns_name, const std::optional<std::string>& hosted_zone_id,
      const std::optional<std::string>& max_items) const;

  // DeleteHostedZone. Errors: NoSuchHostedZone 404, HostedZoneNotEmpty 400 (anything besides
  // the apex SOA and apex NS), PriorRequestNotComplete 400.
  ApiResult<r53::ChangeInfo> delete_hosted_zone(std::string_view zone_id, int64_t now_ms);

  // ChangeResourceRecordSets (route53-api.md §3): changes applied in order to the zone, all or
  // nothing. Errors: NoSuchHostedZone 404; PriorRequestNotComplete 400; InvalidInput 400
  // (schema-level: "Expected exactly one of [...]", bad TTL/Weight/..., Comment too long);
  // InvalidChangeBatch 400 with the bracketed list of every problem found. On any error the
  // zone is unchanged. Counts changes_accepted / changes_rejected / records_changed.
  ApiResult<r53::ChangeInfo> change_rrsets(std::string_view zone_id, const r53::ChangeBatch& batch,
                                           int64_t now_ms);

  // ListResourceRecordSets. Errors: NoSuchHostedZone 404, InvalidInput 400 (type without name,
  // identifier without type, unknown type, bad maxitems, bad name).
  ApiResult<RrsetPage> list_rrsets(std::string_view zone_id, const RrsetQuery& query) const;

  // GetChange: PENDING until submitted + insync_after_ms, then INSYNC.
  // Errors: NoSuchChange 404.
  ApiResult<r53::ChangeInfo> get_change(std::string_view change_id, int64_t now_ms) const;

  // Wall-clock ms until which the zone's last change is still "being applied" (0 if none or
  // unknown zone). The store itself answers PriorRequestNotComplete from this.
  int64_t busy_until_ms(std::string_view zone_id) const;

  StoreStats stats() const;

  // Whole state (zones, rrsets, change records, counters, ID generator) as JSON (RapidJSON).
  std::string to_json() const;
  // Replaces the state with the one in json. On error (kInvalidArgument, message says where)
  // the store is left unchanged.
  Status load_json(std::string_view json);

  // Opaque internals (zone table, ordered record maps); defined in store.cc.
  struct Zone;
  struct ChangeRecord;

 private:
  Zone* find_zone(std::string_view zone_id);
  const Zone* find_zone(std::string_view zone_id) const;
  std::string new_id(char prefix);
  r53::ChangeInfo record_change(const std::string& comment, int64_t now_ms);
  ZoneView view_of(const Zone& z) const;

  StoreOptions options_;
  uint64_t rng_state_ = 0;
  std::map<std::string, std::unique_ptr<Zone>> zones_;  // bare ID -> zone
  std::unordered_map<std::string, std::unique_ptr<ChangeRecord>> changes_;  // bare ID ->
  std::deque<std::string> change_order_;  // bare change IDs, oldest first (for eviction)
  StoreStats counters_;
};

}  // namespace r53d::sim
