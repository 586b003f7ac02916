// ZoneBackend on the real Route 53 client: ChangeResourceRecordSets, and the re-reads a lost
// compare-and-swap needs (ListResourceRecordSets pages covering the names, or every page of the
// zone).
//
//   commit::Route53Backend backend(r53_client, loop);
//   commit::ZoneCommitter zc(loop, std::move(mirror), "Z0123", backend);
#pragma once

#include <memory>

#include "commit/backend.h"
#include "loop/event_base.h"
#include "r53/api.h"

namespace r53d::commit {

class Route53Backend final : public ZoneBackend {
 public:
  // client and loop must outlive the backend. Destroying the backend drops callbacks not yet
  // delivered.
  Route53Backend(r53::Route53Client& client, loop::EventBase& loop)
      : client_(client), loop_(loop), alive_(std::make_shared<bool>(true)) {}
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
  // Both from the client's own limiter, the one every call of the account waits in (change
  // requests, GetChange polls, re-reads, listings), waiters already queued counted: one token for
  // a change request, two for a re-read and the change request after it.
  int64_t send_delay_ms(const std::string& zone_id) override;
  int64_t reread_delay_ms(const std::string& zone_id) override;

 private:
  r53::Route53Client& client_;
  loop::EventBase& loop_;
  std::shared_ptr<bool> alive_;
};

}  // namespace r53d::commit
