// The Route 53 operations the group commit needs, behind one small interface: the daemon plugs in
// Route53Backend (route53_backend.h, on r53::Route53Client); unit tests plug in a fake that
// accepts, rejects or fails deterministically.
//
//   class FakeBackend : public commit::ZoneBackend { ... };   // tests/unit/commit/
//   commit::Route53Backend real(r53_client);                    // daemon
//
// Every callback is called exactly once, later, from the event loop (never before the call
// returns), unless the backend is destroyed first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "r53/model.h"
#include "util/status.h"
#include "zone/name.h"

namespace r53d::commit {

// The end of one ChangeResourceRecordSets call, after the client's own retries (throttling,
// PriorRequestNotComplete, 5xx and network errors are retried inside the backend).
struct ChangeOutcome {
  Result<r53::ChangeInfo> info = Status::internal("no outcome");
  // The AWS error response when that is why it failed: code ("InvalidChangeBatch", "Throttling",
  // ...) and message (every message, joined, for a root InvalidChangeBatch; then " (request id
  // R)" when Route 53 sent one). Empty otherwise.
  std::string error_code;
  std::string error_message;
  // An earlier attempt of this call got no definite answer (connection reset, timeout, 5xx; also
  // curl's own re-send on a fresh connection) and was retried: Route 53 may have applied the batch although the final answer is an error (the
  // retry then loses the compare-and-swap against the batch itself).
  bool maybe_applied = false;
};

// Where a page of ListResourceRecordSets starts (stored forms; all empty: the zone's beginning).
struct PageStart {
  std::string name;
  std::string type;
  std::string identifier;
  bool operator==(const PageStart&) const = default;
};
// One page: its record sets, and where the next one starts (none: the listing ended).
struct Page {
  std::vector<r53::RecordSet> sets;
  bool truncated = false;
  PageStart next;
};

class ZoneBackend {
 public:
  using RecordSetsCallback = std::function<void(Result<std::vector<r53::RecordSet>>)>;
  using PageCallback = std::function<void(Result<Page>)>;
  virtual ~ZoneBackend() = default;

  // Sends one ChangeResourceRecordSets for hosted zone `zone_id` (bare id, "Z...").
  virtual void change_rrsets(const std::string& zone_id, const r53::ChangeBatch& batch,
                             std::function<void(ChangeOutcome)> cb) = 0;
  // Every record set owned by one of `names` (any type). Record sets of other names may be
  // included (a listing page that runs past a name); the caller filters.
  virtual void read_names(const std::string& zone_id, const std::vector<zone::Name>& names,
                          RecordSetsCallback cb) = 0;
  // Every record set of the zone (all pages of ListResourceRecordSets).
  virtual void read_zone(const std::string& zone_id, RecordSetsCallback cb) = 0;
  // One page of ListResourceRecordSets from `start`, at background priority (its rate-limit
  // token yields to every other call: r53::RateLimiter): the mirror's slow re-read. The default
  // answers kFailedPrecondition at once (the one exception to "later"): no background re-read.
  virtual void read_page_background(const std::string& zone_id, const PageStart& start, PageCallback cb);
  // Milliseconds a change request sent now would wait for a rate-limit token inside the backend
  // (0: it would go at once). The committer holds its next batch that long instead, so that
  // UPDATEs arriving meanwhile join it (DESIGN.md "Group commit" step 2). A hint, not a promise.
  virtual int64_t send_delay_ms(const std::string& /*zone_id*/) { return 0; }
  // Milliseconds until a re-read and the change request after it could go out back to back (two
  // rate-limit tokens at once; 0: now). After a lost compare-and-swap the committer waits at
  // least this long before re-reading: otherwise the other writer's next commit lands in the
  // token wait between the two calls, round after round. A hint, not a promise.
  virtual int64_t reread_delay_ms(const std::string& /*zone_id*/) { return 0; }
};

// What a failed ChangeResourceRecordSets means for the group commit.
enum class Rejection {
  kCasLost,   // InvalidChangeBatch saying the zone differs from the mirror ("not found", "values
              // provided do not match", "already exists", a policy or CNAME conflict with a set the
              // mirror does not hold): re-read the names, rebuild, retry
  kBadBatch,  // InvalidChangeBatch / InvalidInput for another reason: some UPDATE in the batch is
              // at fault; split the batch until it is isolated
  kFailed,    // anything else (retries exhausted, access denied, no such zone): SERVFAIL
};
Rejection classify_rejection(const ChangeOutcome& outcome);

}  // namespace r53d::commit
