// route53-sim's in-memory Route 53 state (route53-api.md §2-§4). Work in progress.
#include "sim/store.h"

namespace r53d::sim {

struct Store::Zone {};
struct Store::ChangeRecord {};

namespace {
ApiError not_implemented() { return {500, "InternalFailure", "not implemented yet"}; }
}  // namespace

Store::Store(StoreOptions options) : options_(options) {}
Store::~Store() = default;

ApiResult<CreatedZone> Store::create_hosted_zone(const CreateZoneRequest&, int64_t) {
  return not_implemented();
}
ApiResult<ZoneView> Store::get_hosted_zone(std::string_view) const { return not_implemented(); }
bool Store::has_zone(std::string_view) const { return false; }
std::vector<std::string> Store::zone_ids() const { return {}; }
ApiResult<ZoneListPage> Store::list_hosted_zones(const std::optional<std::string>&,
                                                 const std::optional<std::string>&) const {
  return not_implemented();
}
ApiResult<ZoneByNamePage> Store::list_hosted_zones_by_name(const std::optional<std::string>&,
                                                           const std::optional<std::string>&,
                                                           const std::optional<std::string>&) const {
  return not_implemented();
}
ApiResult<r53::ChangeInfo> Store::delete_hosted_zone(std::string_view, int64_t) {
  return not_implemented();
}
ApiResult<r53::ChangeInfo> Store::change_rrsets(std::string_view, const r53::ChangeBatch&, int64_t) {
  return not_implemented();
}
ApiResult<RrsetPage> Store::list_rrsets(std::string_view, const RrsetQuery&) const {
  return not_implemented();
}
ApiResult<r53::ChangeInfo> Store::get_change(std::string_view, int64_t) const {
  return not_implemented();
}
int64_t Store::busy_until_ms(std::string_view) const { return 0; }
StoreStats Store::stats() const { return counters_; }
std::string Store::to_json() const { return "{}"; }
Status Store::load_json(std::string_view) { return Status::internal("not implemented yet"); }

}  // namespace r53d::sim
