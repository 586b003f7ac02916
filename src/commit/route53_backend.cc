// ZoneBackend on r53::Route53Client.
#include "commit/route53_backend.h"

#include "zone/codec.h"

namespace r53d::commit {
namespace {

// Collects the record sets of several names read in parallel; calls back once all are in.
struct NameReads {
  size_t left = 0;
  Status failure;
  std::vector<r53::RecordSet> sets;
  ZoneBackend::RecordSetsCallback cb;
};

// Reads the record sets at `name` from `start`, following pages while they still hold the name.
void read_one(r53::Route53Client& client, const std::string& zone_id, zone::Name name,
              std::string r53_name, r53::RrsetStart start, std::shared_ptr<NameReads> st, std::weak_ptr<bool> alive) {
  client.list_rrsets_page(
      zone_id, start, 100,
      [&client, zone_id, name, r53_name, st, alive](r53::ApiResult<r53::RrsetPage> r) {
        if (auto p = alive.lock(); !p || !*p) return;
        bool more = false;
        if (!r.ok()) {
          if (st->failure.ok()) st->failure = r.status();
        } else {
          // Only this name: a page runs on into the following names, which have their own reads.
          for (auto& rs : r.value().rrsets) {
            auto n = zone::name_from_r53(rs.name);
            if (n.ok() && *n == name) st->sets.push_back(rs);
          }
          const auto& page = r.value();
          more = page.is_truncated && page.next_name == r53_name;
          if (more) {
            read_one(client, zone_id, name, r53_name, {page.next_name, page.next_type, page.next_identifier}, st, alive);
            return;
          }
        }
        if (--st->left == 0) {
          if (st->failure.ok())
            st->cb(std::move(st->sets));
          else
            st->cb(st->failure);
        }
      });
}

}  // namespace

void Route53Backend::change_rrsets(const std::string& zone_id, const r53::ChangeBatch& batch,
                                   std::function<void(ChangeOutcome)> cb) {
  if (paced_) (void)pace_.try_take(loop_.now_ms());
  std::weak_ptr<bool> alive = alive_;
  client_.change_rrsets(zone_id, batch, [cb = std::move(cb), alive](r53::ApiResult<r53::ChangeInfo> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    ChangeOutcome o;
    o.info = std::move(r.result);
    if (r.error) {
      o.error_code = r.error->code;
      o.error_message = r.error->message;
      for (const auto& m : r.error->messages) o.error_message += (o.error_message.empty() ? "" : ", ") + m;
    }
    cb(std::move(o));
  });
}

void Route53Backend::read_names(const std::string& zone_id, const std::vector<zone::Name>& names,
                                RecordSetsCallback cb) {
  auto st = std::make_shared<NameReads>();
  st->left = names.size();
  st->cb = std::move(cb);
  if (names.empty()) {
    // Still call back later, from the loop.
    read_zone(zone_id, [st](Result<std::vector<r53::RecordSet>>) { st->cb(std::vector<r53::RecordSet>{}); });
    return;
  }
  for (const auto& n : names) {
    std::string r53_name = zone::name_to_r53(n);
    read_one(client_, zone_id, n, r53_name, {r53_name, "", ""}, st, alive_);
  }
}

int64_t Route53Backend::send_delay_ms(const std::string&) {
  return paced_ ? pace_.delay_ms(loop_.now_ms()) : 0;
}

void Route53Backend::read_zone(const std::string& zone_id, RecordSetsCallback cb) {
  std::weak_ptr<bool> alive = alive_;
  client_.list_rrsets(zone_id, [cb = std::move(cb), alive](r53::ApiResult<std::vector<r53::RecordSet>> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    cb(std::move(r.result));
  });
}

}  // namespace r53d::commit
