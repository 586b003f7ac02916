// ZoneBackend on r53::Route53Client.
#include "commit/route53_backend.h"

#include <map>
#include <set>

#include "r53/names.h"
#include "zone/codec.h"

namespace r53d::commit {
namespace {

// One read_names call: the names still to read in ListResourceRecordSets order, and what was
// found. The pages are read one after another, each starting at the first name not yet covered.
struct NameReads {
  std::string zone_id;
  std::vector<std::string> order;     // r53::reverse_name_key of each name, sorted, unique
  std::vector<std::string> stored;    // the same names in stored form, same order
  std::set<zone::Name> wanted;
  size_t next = 0;                    // first entry of `order` no page has covered yet
  std::vector<r53::RecordSet> sets;
  ZoneBackend::RecordSetsCallback cb;
};

// Reads one page from `start` (maxitems: the client's page size, 300) and keeps the sets of the
// wanted names. Route 53 lists in the order of reverse_name_key (route53-api.md §4.6), so a page
// holds every set of every name from `start` up to its NextRecordName: the wanted names in
// that range are done, and the next page starts at the first wanted name after it (or inside
// NextRecordName's sets, when that name is wanted too). Names close together share a page.
void read_from(r53::Route53Client& client, const r53::RrsetStart& start, const std::shared_ptr<NameReads>& st,
               const std::weak_ptr<bool>& alive) {
  client.list_rrsets_page(
      st->zone_id, start, 0, [&client, start, st, alive](r53::ApiResult<r53::RrsetPage> r) {
        if (auto p = alive.lock(); !p || !*p) return;
        if (!r.ok()) return st->cb(r.status());
        const r53::RrsetPage& page = r.value();
        for (const auto& rs : page.rrsets) {
          auto n = zone::name_from_r53(rs.name);
          if (n.ok() && st->wanted.count(*n)) st->sets.push_back(rs);
        }
        if (!page.is_truncated) return st->cb(std::move(st->sets));  // read to the end of the zone
        auto next_name = r53::normalize_name(page.next_name);
        if (!next_name.ok()) {
          return st->cb(Status::internal("ListResourceRecordSets: bad NextRecordName \"" +
                                         page.next_name + "\""));
        }
        std::string next_key = r53::reverse_name_key(*next_name);
        while (st->next < st->order.size() && st->order[st->next] < next_key) ++st->next;
        if (st->next == st->order.size()) return st->cb(std::move(st->sets));
        r53::RrsetStart from{st->stored[st->next], "", ""};
        if (st->order[st->next] == next_key) from = {*next_name, page.next_type, page.next_identifier};
        if (from.name == start.name && from.type == start.type && from.identifier == start.identifier) {
          return st->cb(Status::internal("ListResourceRecordSets: NextRecordName did not advance"));
        }
        read_from(client, from, st, alive);
      });
}

}  // namespace

void Route53Backend::change_rrsets(const std::string& zone_id, const r53::ChangeBatch& batch,
                                   std::function<void(ChangeOutcome)> cb) {
  std::weak_ptr<bool> alive = alive_;
  client_.change_rrsets(zone_id, batch, [cb = std::move(cb), alive](r53::ApiResult<r53::ChangeInfo> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    ChangeOutcome o;
    o.info = std::move(r.result);
    o.maybe_applied = r.maybe_applied;
    if (r.error) {
      o.error_code = r.error->code;
      // message already joins a <Messages> list ("[a, b]"). The request ID goes with it so that
      // the committer's log line of a refused batch carries it.
      o.error_message = r.error->message;
      if (!r.error->request_id.empty()) {
        o.error_message += " (request id " + r.error->request_id + ")";
      }
    }
    cb(std::move(o));
  });
}

void Route53Backend::read_names(const std::string& zone_id, const std::vector<zone::Name>& names,
                                RecordSetsCallback cb) {
  if (names.empty()) {
    // Nothing to read; still call back later, from the loop.
    std::weak_ptr<bool> alive = alive_;
    loop_.defer([cb = std::move(cb), alive] {
      if (auto p = alive.lock(); p && *p) cb(std::vector<r53::RecordSet>{});
    });
    return;
  }
  auto st = std::make_shared<NameReads>();
  st->zone_id = zone_id;
  st->cb = std::move(cb);
  std::map<std::string, std::string> by_order;  // reverse_name_key -> stored name
  for (const auto& n : names) {
    std::string stored = zone::name_to_r53(n);
    by_order.emplace(r53::reverse_name_key(stored), stored);
    st->wanted.insert(n);
  }
  for (auto& [key, stored] : by_order) {
    st->order.push_back(key);
    st->stored.push_back(stored);
  }
  read_from(client_, {st->stored.front(), "", ""}, st, alive_);
}

int64_t Route53Backend::send_delay_ms(const std::string&) { return client_.limiter().delay_ms(1); }

int64_t Route53Backend::reread_delay_ms(const std::string&) { return client_.limiter().delay_ms(2); }

void Route53Backend::read_zone(const std::string& zone_id, RecordSetsCallback cb) {
  std::weak_ptr<bool> alive = alive_;
  client_.list_rrsets(zone_id, [cb = std::move(cb), alive](r53::ApiResult<std::vector<r53::RecordSet>> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    cb(std::move(r.result));
  });
}

void Route53Backend::read_page_background(const std::string& zone_id, const PageStart& start, PageCallback cb) {
  std::weak_ptr<bool> alive = alive_;
  client_.list_rrsets_page(
      zone_id, r53::RrsetStart{start.name, start.type, start.identifier}, 0,
      [cb = std::move(cb), alive](r53::ApiResult<r53::RrsetPage> r) {
        if (auto p = alive.lock(); !p || !*p) return;
        if (!r.ok()) return cb(r.status());
        Page page;
        page.sets = std::move(r.value().rrsets);
        page.truncated = r.value().is_truncated;
        if (page.truncated) page.next = {r.value().next_name, r.value().next_type, r.value().next_identifier};
        cb(std::move(page));
      },
      r53::RateLimiter::Priority::kBackground);
}

}  // namespace r53d::commit
