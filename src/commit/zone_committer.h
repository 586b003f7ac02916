// Group commit for one hosted zone (DESIGN.md "Group commit"): one queue of RFC 2136 UPDATEs and
// at most one ChangeResourceRecordSets in flight; every batch a compare-and-swap on the mirror.
//
//   commit::ZoneCommitter zc(loop, std::move(mirror), "Z0123", backend, {});
//   zc.set_on_accepted([&](const std::string& change_id, zone::RRset::Ptr soa) { poll(change_id); });
//   commit::UpdateRequest req{.client = "192.0.2.1#5300", .id = 0x1234, .wire = bytes,
//                             .pkt = std::move(pkt), .grant = grant, .key = "update-key."};
//   zc.submit(std::move(req), [](const commit::UpdateAnswer& a) { reply(a.rcode); });
//
// How a batch is made (mirror.h's loop):
//  - An idle zone commits at once (at the end of the current loop turn, so that UPDATEs read in
//    the same turn share a batch). While a change request is in flight, or while the backend
//    says a request would only wait for a rate-limit token (send_delay_ms), UPDATEs queue.
//  - The next batch takes queued UPDATEs in arrival order, each applied to one working copy of the
//    mirror so later UPDATEs see earlier ones. One whose prerequisites (or anything else) fail
//    changes nothing; its rcode is given at once if nothing before it in the batch changed the
//    copy (the failure rests on the mirror alone), else it rides with the batch as a member with
//    a verdict and is answered when the batch is: the earlier UPDATEs it saw may still be refused,
//    and then it is evaluated again (a YXDOMAIN that rests on an add Route 53 never took would
//    describe a zone that never existed). The batch stops before the first UPDATE that would make
//    it exceed a Route 53 request (1,000 records / 32,000 characters); that UPDATE leads the next
//    batch. An UPDATE too big for a batch on its own is REFUSED.
//  - Names that are not fresh (zone/mirror.h "Freshness": after a partial re-read found another
//    SOA, the names it did not read may be out of date): an UPDATE that reads one is not
//    evaluated. It leads the next batch, which first re-reads (without back-off: this is not
//    contention) its names and those of every queued UPDATE that are not fresh, with the apex;
//    then it is evaluated on the fresh view. Without this the SOA lock would cover prerequisites
//    on names the batch does not write with data older than the SOA it swaps.
//  - Accepted (HTTP 200): the mirror takes the batch, every UPDATE in it is answered NOERROR (or
//    its verdict), the on_accepted hook gets the change ID and the new SOA. Never NOERROR before
//    that.
//  - Compare-and-swap lost (Rejection::kCasLost): after a back-off (below) the names the batch
//    read or wrote are re-read (the ListResourceRecordSets pages that cover them, or the whole
//    zone when that is fewer calls), the mirror is refreshed, and the same UPDATEs are evaluated
//    again from scratch. An UPDATE that has lost more than max_cas_rounds rounds is answered
//    SERVFAIL.
//  - Back-off after a lost compare-and-swap (another writer, e.g. a second route53d, changed the
//    zone): "full jitter", uniform in [0, min(cas_backoff_cap_ms, cas_backoff_base_ms·2^(k-1)))
//    for the k-th loss of the batch's most unlucky UPDATE (20, 40, 80, 160, 320 ms windows with
//    the defaults), on the loop's timer; the zone sends nothing meanwhile. Two writers that keep
//    colliding drift apart; the re-read comes after the wait, so it sees the other writer's
//    newest state. The wait also lasts at least until the backend could send the re-read and
//    the change request back to back (ZoneBackend::reread_delay_ms: two rate-limit tokens, at
//    most cas_backoff_cap_ms). Measured with tests/system/update/two_daemons.test (two route53d
//    at 5 requests/s on one zone): jitter alone did not help (SERVFAIL after 6 lost rounds: 9, 6
//    and 4 per run, 6 in each run without any back-off), because the busier daemon commits every
//    200 ms, inside the token wait between the loser's re-read and its change request, round
//    after round; waiting for both tokens makes the loser's window one round trip (0 SERVFAIL in
//    3 runs, ~0.5 s per back-off). Losing max_cas_rounds + 1 = 6 rounds then needs the other
//    writer to commit inside that window six times running, so 5 stays: more rounds would only
//    stretch the answer past the clients' retransmission timers.
//  - Reply lost after apply: when the call lost its compare-and-swap but ChangeOutcome says an
//    earlier attempt went unanswered (maybe_applied: reset, timeout, 5xx, then a retry), the
//    batch may have landed and only its answer been lost; the retry then failed against the
//    batch's own result. So, right after the re-read (no back-off: this is not contention) and
//    before any re-evaluation, the committer checks whether the zone holds exactly what the batch
//    wrote: every RRset it touched equal (TTL and values) to the batch's CREATE, absent where the
//    batch only deleted, and the SOA the batch's new SOA. If so the batch landed: every UPDATE of
//    it is answered NOERROR (re-evaluating would answer e.g. YXDOMAIN for an UPDATE whose
//    "name not in use" prerequisite is now false because of the UPDATE itself), and on_accepted
//    gets an EMPTY change ID (the ID went with the lost reply): nothing to poll, and the serial
//    counts as confirmed only once a later change of the zone is INSYNC (ConfirmedSoa). The check
//    is skipped without maybe_applied: a definite first answer means the batch did not land, and
//    another writer that happened to write the very same data and serial (two route53d
//    incrementing one counter) must not pass for ours. Not recognised: a landed batch that a
//    third writer changed again before the re-read (re-evaluated as a lost compare-and-swap).
//  - Rejected for another reason (Rejection::kBadBatch): the batch is bisected (the first half is
//    retried alone, then the rest) until the one UPDATE Route 53 refuses is alone (the only
//    member without a verdict); it is answered REFUSED (the AWS message is its reason), the others
//    go through (members with a verdict are evaluated again).
//  - Any other failure (retries exhausted in the backend, access denied...): SERVFAIL for every
//    UPDATE of the batch that changed something; members with a verdict are evaluated again.
//  - Duplicates: an UPDATE with the same client, message ID and bytes as one still queued or in
//    flight joins it; one answered less than dedup_window_ms ago gets the same answer again
//    (replayed, not applied twice).
//
// Callbacks: `done` of submit() and the hooks are called from the loop, never before submit()
// returns. The committer must outlive the loop turns in which the backend may call back, or be
// destroyed while idle; destroying it drops pending callbacks silently.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commit/backend.h"
#include "loop/event_base.h"
#include "loop/timer.h"
#include "update/grant.h"
#include "update/update.h"
#include "util/clock.h"
#include "zone/mirror.h"

namespace r53d::commit {

// One UPDATE handed over by the DNS side.
struct UpdateRequest {
  std::string client;                          // "192.0.2.1#5300": logs and retransmission key
  uint16_t id = 0;                             // DNS message ID
  std::vector<uint8_t> wire;                   // the message as received (retransmission key)
  zone::PktPtr pkt;                            // the parsed message (owned)
  std::shared_ptr<const update::Grant> grant;  // what this client may change (non-null)
  std::string key;                             // TSIG key name for logs, "" if unsigned
};

// The answer for one UPDATE.
struct UpdateAnswer {
  ldns_pkt_rcode rcode = LDNS_RCODE_SERVFAIL;
  std::string reason;     // why, when rcode != NOERROR (one phrase for the log line)
  bool replayed = false;  // the answer of an earlier identical message, sent again
};

using AnswerFn = std::function<void(const UpdateAnswer&)>;

struct CommitterOptions {
  int max_cas_rounds = 5;             // compare-and-swap losses before SERVFAIL
  int64_t dedup_window_ms = 60000;    // how long answered UPDATEs are remembered
  size_t max_queue = 100000;          // UPDATEs waiting; more are answered SERVFAIL at once
  size_t max_batch_updates = 0;       // 0: only the Route 53 limits bound a batch (tests)
  int64_t cas_backoff_base_ms = 20;   // back-off window after the first lost compare-and-swap
  int64_t cas_backoff_cap_ms = 1000;  // largest back-off window
  size_t list_page_size = 300;        // record sets per ListResourceRecordSets page: a re-read of
                                      // more names than the zone has pages reads the whole zone
  UniformRng rng;                     // back-off jitter; empty: make_system_rng()
};

// The back-off before re-reading after the `losses`-th lost compare-and-swap (losses >= 1):
// u·min(cap_ms, base_ms·2^(losses-1)) for u in [0, 1), rounded down. Pure.
int64_t cas_backoff_ms(int losses, int64_t base_ms, int64_t cap_ms, double u);

class ZoneCommitter {
 public:
  // loop and backend must outlive the committer. zone_id: bare hosted zone id.
  ZoneCommitter(loop::EventBase& loop, zone::Mirror mirror, std::string zone_id, ZoneBackend& backend,
                CommitterOptions options = {});
  ~ZoneCommitter();
  ZoneCommitter(const ZoneCommitter&) = delete;
  ZoneCommitter& operator=(const ZoneCommitter&) = delete;

  // Queues one UPDATE for this zone (its zone section already checked by the caller). `done` is
  // called exactly once, later (unless the committer is destroyed first).
  void submit(UpdateRequest req, AnswerFn done);

  // Called after every batch Route 53 accepted, with its change ID ("/change/C..." as returned)
  // and the SOA the batch wrote; with an empty change ID for a batch found applied after its
  // reply was lost (nothing to poll; see the header comment).
  using AcceptedFn = std::function<void(const std::string& change_id, zone::RRset::Ptr soa)>;
  void set_on_accepted(AcceptedFn fn) { on_accepted_ = std::move(fn); }

  // Shutdown: answers every queued UPDATE not yet sent SERVFAIL ("shutting down") and refuses new
  // ones; the batch in flight still completes. idle() tells when it has.
  void stop_accepting();
  // Answers the UPDATEs of the batch in flight SERVFAIL ("shutting down before Route 53
  // answered"): the end of the bounded shutdown wait.
  void abandon_in_flight();
  bool idle() const { return !in_flight_ && !reload_ && queue_.empty(); }

  const zone::Mirror& mirror() const { return mirror_; }
  const std::string& zone_id() const { return zone_id_; }
  std::string zone_name() const { return mirror_.apex().to_text(); }

  struct Stats {
    uint64_t submitted = 0;
    uint64_t duplicates = 0;      // joined or replayed
    uint64_t batches_sent = 0;    // ChangeResourceRecordSets calls
    uint64_t batches_accepted = 0;
    uint64_t cas_lost = 0;
    uint64_t lost_replies = 0;    // batches found applied after their reply was lost
    uint64_t stale_rereads = 0;   // re-reads of names that were not fresh (no lost CAS of ours)
    uint64_t reevaluated = 0;     // verdicts dropped because their batch did not land
    int64_t cas_backoff_ms = 0;   // time spent backing off after lost compare-and-swaps
    uint64_t bad_batches = 0;
    uint64_t noerror = 0;
    uint64_t failed = 0;          // any other answer
    size_t max_batch = 0;         // most UPDATEs in one accepted batch
  };
  const Stats& stats() const { return stats_; }
  size_t queued() const { return queue_.size(); }

 private:
  // One UPDATE with everyone waiting for its answer (the first sender and any retransmissions).
  struct Pending {
    UpdateRequest req;
    std::string dedup_key;
    std::vector<AnswerFn> waiters;
    int cas_rounds = 0;
    // In a batch: the failure it met on the batch's working copy, answered when the batch is
    // (see the header); none: it is one of the batch's writers (or a no-op, NOERROR).
    std::optional<UpdateAnswer> verdict;
  };
  using PendingPtr = std::unique_ptr<Pending>;
  struct Answered {
    UpdateAnswer answer;
    int64_t expires_ms = 0;
  };
  struct Flight {
    std::vector<PendingPtr> members;        // in arrival order
    std::unique_ptr<zone::WorkingCopy> wc;  // the copy the batch was built from
    zone::Batch batch;
    bool from_suspects = false;             // its members came from a rejected batch
    bool maybe_applied = false;             // lost its compare-and-swap after an unanswered attempt
    std::vector<zone::Name> reread;         // after a lost compare-and-swap: names to re-read
    size_t writers() const;                 // members without a verdict
  };

  void schedule_kick();
  void kick();
  // Builds and sends the next batch from the queue front; answers what fails on the way.
  void build_and_send();
  void on_change_done(ChangeOutcome outcome);
  void reload_then_retry(std::vector<zone::Name> names);
  // After the re-read: the mirror holds exactly what `batch` wrote.
  bool batch_landed(const zone::Batch& batch) const;
  void on_reloaded(std::vector<zone::Name> names, bool whole_zone, Result<std::vector<r53::RecordSet>> sets);
  // Sends nothing; re-reads the names of `p` and of every queued UPDATE that are not fresh, then
  // puts p back at the queue front.
  void reread_stale(PendingPtr p, bool was_suspect);
  // Puts members back at the queue front, in order, verdicts dropped; they count as suspects
  // again when `suspects` (they came from a batch being split).
  void requeue(std::vector<PendingPtr> members, bool suspects);
  // The answer of a member of an accepted (or landed, or empty) batch.
  void answer_member(PendingPtr p);
  void answer(PendingPtr p, UpdateAnswer a);
  void prune_answered();

  loop::EventBase& loop_;
  zone::Mirror mirror_;
  std::string zone_id_;
  ZoneBackend& backend_;
  CommitterOptions options_;
  AcceptedFn on_accepted_;

  std::deque<PendingPtr> queue_;
  std::unique_ptr<Flight> in_flight_;
  std::unique_ptr<Flight> reload_;  // a batch that lost its compare-and-swap, while names are re-read
  bool reloading_ = false;  // backing off or re-reading for reload_: send nothing
  bool kick_scheduled_ = false;
  loop::Timer pace_timer_;  // holds the next batch while the rate limiter has no token
  bool paced_ = false;      // the pace timer fired: send without asking again
  loop::Timer cas_timer_;   // the back-off after a lost compare-and-swap
  bool accepting_ = true;
  // Split on reject: the first `suspects_` queued UPDATEs came from a rejected batch; batches take
  // at most `split_cap_` of them until they are through.
  size_t suspects_ = 0;
  size_t split_cap_ = 0;

  std::map<std::string, Pending*> pending_by_key_;  // queued or in flight
  std::map<std::string, Answered> answered_;
  std::deque<std::pair<int64_t, std::string>> answered_order_;  // (expires_ms, key)

  Stats stats_;
  std::shared_ptr<bool> alive_;  // backend callbacks check it
};

}  // namespace r53d::commit
