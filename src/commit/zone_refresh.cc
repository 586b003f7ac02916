// The committer's background re-read of its zone (zone_committer.h "Background re-read"): page by
// page at background priority, applied between batches, so that the mirror converges on what
// writers that do not go through route53d changed.
#include <algorithm>

#include "commit/zone_committer.h"
#include "r53/names.h"
#include "util/log.h"
#include "zone/codec.h"

namespace r53d::commit {
namespace {

// The Route 53 listing key of a stored name (route53-api.md §4.6); "" sorts before every name.
std::string list_key(const std::string& stored) {
  return stored.empty() ? std::string() : r53::reverse_name_key(stored);
}

}  // namespace

void ZoneCommitter::refresh_request() {
  if (!accepting_ || refresh_.outstanding || refresh_.ready) return;
  if (refresh_.from == PageStart{}) {
    // A new cycle: the names it must cover, in Route 53 order. Names the committer creates later
    // show up in the pages themselves (or were written after their page was read).
    refresh_.cycle_start_ms = loop_.now_ms();
    refresh_.pages = 0;
    refresh_.changes_before = stats_.refresh_changes;
    refresh_.index.clear();
    for (const auto& n : mirror_.names()) refresh_.index.emplace_back(list_key(zone::name_to_r53(n)), n);
    std::sort(refresh_.index.begin(), refresh_.index.end());
  }
  refresh_.outstanding = true;
  refresh_.stamp = ++stamp_;
  refresh_.written.clear();
  refresh_.discard = false;
  std::weak_ptr<bool> alive = alive_;
  backend_.read_page_background(zone_id_, refresh_.from, [this, alive](Result<Page> page) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_refresh_page(std::move(page));
  });
}

void ZoneCommitter::on_refresh_page(Result<Page> page) {
  refresh_.outstanding = false;
  if (!page.ok()) {
    log::warning("zone %s: background re-read of a page failed: %s; trying again later", zone_name().c_str(),
                 page.status().to_string().c_str());
    if (accepting_) refresh_timer_.start_once(std::max<int64_t>(options_.refresh_page_gap_ms, 1) * 10);
    return;
  }
  refresh_.ready = std::move(*page);
  if (state_ == State::kIdle && !flight_) apply_refresh_page();  // else kick() does, when idle
}

void ZoneCommitter::refresh_written(const std::vector<zone::Name>& names, bool whole_zone) {
  if (!refresh_.outstanding && !refresh_.ready) return;
  if (whole_zone) refresh_.discard = true;
  refresh_.written.insert(names.begin(), names.end());
}

void ZoneCommitter::apply_refresh_page() {
  Page page = std::move(*refresh_.ready);
  refresh_.ready.reset();
  const std::string from_key = list_key(refresh_.from.name);
  // A page that ends inside a name: that name is read whole by the next page, unless the page
  // started at it (a name with more sets than a page): then the listing goes on inside it.
  std::string to_key;  // "" : to the end of the zone
  PageStart next;
  if (page.truncated) {
    to_key = list_key(page.next.name);
    next = to_key == from_key ? page.next : PageStart{page.next.name, "", ""};
  }
  auto in_range = [&](const std::string& k) { return k >= from_key && (to_key.empty() || k < to_key); };
  if (!refresh_.discard) {
    std::set<zone::Name> names;
    std::vector<r53::RecordSet> sets;
    for (auto& rs : page.sets) {
      auto n = zone::name_from_r53(rs.name);
      if (!n.ok() || !in_range(list_key(zone::name_to_r53(*n))) || refresh_.written.count(*n)) continue;
      if (*n == mirror_.apex() && rs.type == "SOA") continue;  // the compare-and-swap's own
      names.insert(*n);
      sets.push_back(std::move(rs));
    }
    auto lo = std::lower_bound(refresh_.index.begin(), refresh_.index.end(), std::make_pair(from_key, zone::Name()));
    for (auto it = lo; it != refresh_.index.end() && in_range(it->first); ++it)
      if (!refresh_.written.count(it->second)) names.insert(it->second);
    if (names.count(mirror_.apex()))
      for (const auto& rs : mirror_.soa().stored()) sets.push_back(rs);
    uint64_t before = mirror_.foreign_changes();
    Status s = mirror_.reload_names(std::vector<zone::Name>(names.begin(), names.end()), sets, refresh_.stamp);
    if (!s.ok()) {
      log::warning("zone %s: background re-read: page not applied: %s", zone_name().c_str(), s.to_string().c_str());
    } else {
      ++stats_.refresh_pages;
      ++refresh_.pages;
      if (mirror_.foreign_changes() != before) {
        ++stats_.refresh_changes;
        log::info("zone %s: background re-read: another writer changed names between %s and %s", zone_name().c_str(),
                  refresh_.from.name.empty() ? "the apex" : refresh_.from.name.c_str(),
                  to_key.empty() ? "the end" : page.next.name.c_str());
      }
    }
  }
  refresh_.written.clear();
  refresh_.discard = false;
  if (!accepting_) return;
  if (page.truncated) {
    refresh_.from = next;
    refresh_timer_.start_once(options_.refresh_page_gap_ms);
    return;
  }
  ++stats_.refresh_cycles;
  int64_t took = loop_.now_ms() - refresh_.cycle_start_ms;
  log::debug("zone %s: background re-read done: %zu page(s) in %lld ms, %llu with changes", zone_name().c_str(),
             refresh_.pages, static_cast<long long>(took),
             static_cast<unsigned long long>(stats_.refresh_changes - refresh_.changes_before));
  refresh_.from = PageStart{};
  refresh_.index.clear();
  refresh_timer_.start_once(std::max(options_.refresh_page_gap_ms, options_.refresh_interval_ms - took));
}

}  // namespace r53d::commit
