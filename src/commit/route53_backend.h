// ZoneBackend on the real Route 53 client: ChangeResourceRecordSets, and the re-reads a lost
// compare-and-swap needs (ListResourceRecordSets pages covering the names, or every page of the
// zone).
//
//   commit::Route53Backend backend(r53_client, loop, {.requests_per_second = 5, .burst = 5});
//   commit::ZoneCommitter zc(loop, std::move(mirror), "Z0123", backend);
#pragma once

#include <memory>

#include "commit/backend.h"
#include "loop/event_base.h"
#include "r53/api.h"
#include "r53/rate_limit.h"

namespace r53d::commit {

class Route53Backend final : public ZoneBackend {
 public:
  // client and loop must outlive the backend. pace: the client's rate limit, mirrored to tell the
  // committer when a change request would only wait for a token (send_delay_ms; a hint: the
  // client's own limiter, shared with polls and listings, is what really enforces the rate).
  // Destroying the backend drops callbacks not yet delivered.
  Route53Backend(r53::Route53Client& client, loop::EventBase& loop, r53::RateLimitOptions pace)
      : client_(client),
        loop_(loop),
        paced_(pace.requests_per_second > 0),
        pace_(pace.requests_per_second > 0 ? pace.requests_per_second : 1, pace.burst < 1 ? 1 : pace.burst,
              loop.now_ms()),
        alive_(std::make_shared<bool>(true)) {}
  ~Route53Backend() override { *alive_ = false; }

  void change_rrsets(const std::string& zone_id, const r53::ChangeBatch& batch,
                     std::function<void(ChangeOutcome)> cb) override;
  // Pages of ListResourceRecordSets (300 sets each) read one after another in Route 53 order,
  // each starting at the first wanted name the pages before did not cover: names that lie
  // close together in the zone share a page, so N names cost from 1 to N calls (plus extra
  // pages for a name with more than 300 sets), and at most one more than the pages the zone
  // holds from the first name to the last. Only sets of `names` are returned. No names: no
  // call (the callback still comes from the loop). The first failed page fails the read.
  void read_names(const std::string& zone_id, const std::vector<zone::Name>& names,
                  RecordSetsCallback cb) override;
  void read_zone(const std::string& zone_id, RecordSetsCallback cb) override;
  void read_page_background(const std::string& zone_id, const PageStart& start, PageCallback cb) override;
  int64_t send_delay_ms(const std::string& zone_id) override;
  // From the client's own limiter (shared with polls and listings): two tokens.
  int64_t reread_delay_ms(const std::string& zone_id) override;

 private:
  r53::Route53Client& client_;
  loop::EventBase& loop_;
  bool paced_;
  r53::TokenBucket pace_;
  std::shared_ptr<bool> alive_;
};

}  // namespace r53d::commit
