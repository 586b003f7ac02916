// The commit pipeline of one hosted zone (DESIGN.md "Group commit", "One commit pipeline, two
// sources"): one queue of edits (RFC 2136 UPDATEs, zone-transfer results; edit.h) and at most one
// ChangeResourceRecordSets in flight; every request a compare-and-swap on the mirror.
//
//   commit::ZoneCommitter zc(loop, std::move(mirror), "Z0123", backend, {});
//   zc.set_on_accepted([&](const std::string& change_id, zone::RRset::Ptr soa) { poll(change_id); });
//   zc.submit(std::make_unique<commit::UpdateEdit>(std::move(req)), [](const commit::EditAnswer& a) {
//     reply(a.rcode);
//   });
//
// States (one enum, changed only by set_state(), which logs the transition at debug level):
//
//        submit ─▶ kIdle ──no token─▶ kPacing ──token─┐
//                   │  ▲                               ▼
//                   │  └──────── accepted ◀──────── kSending ◀─┐ next request of a push
//                   │  ▲                               │  └──────┘
//                   │  │                   lost compare-and-swap
//                   │  │                               ▼
//                   │  └──── kRereading ◀──timer── kBackingOff   (no back-off: straight to kRereading)
//                   │  ▲
//                   └─foreign push lock─▶ kLockWait ──lease over, or the lock is gone─┘
//
// How a batch is made (zone/mirror.h's loop):
//  - An idle zone commits at once (at the end of the current loop turn, so that UPDATEs read in
//    the same turn share a batch). While a change request is in flight, or while the backend
//    says a request would only wait for a rate-limit token (send_delay_ms), edits queue.
//  - The next batch takes queued edits in arrival order, each applied to one working copy of the
//    mirror (with options.write_rules: Route 53's rules are the working copy's) so later edits
//    see earlier ones. One whose prerequisites (or anything else) fail changes nothing; its rcode
//    is given at once if nothing before it in the batch changed the copy (the failure rests on
//    the mirror alone), else it rides with the batch as a member with a verdict and is answered
//    when the batch is: the earlier edits it saw may still be refused, and then it is evaluated
//    again. The batch stops before the first edit that would make it exceed a Route 53 request
//    (1,000 records / 32,000 characters); that edit leads the next batch. A non-exclusive edit
//    too big for a batch on its own is REFUSED.
//  - Exclusive edits (a zone transfer's result, Edit::exclusive) go alone. One that fits a request
//    with its SOA goes as one batch. A larger one is a push of several requests under the push
//    lock (DESIGN.md "The push lock", zone/soa.h): the changes grouped by owner name (never split
//    across requests), packed into the fewest requests the limits allow; the first request swaps
//    the SOA for a marked copy with the same serial, each later one swaps the mark for the next
//    mark, the last swaps the mark for the final SOA — the data first, the serial last, and every
//    request asserts that the lock is still ours. Only the last request's change ID goes to
//    on_accepted (its INSYNC implies the earlier ones).
//  - The push lock of another writer: before building any batch, if the mirror's SOA is marked and
//    not by this committer, nothing is sent; the apex is re-read every lock_poll_ms until the mark
//    is gone or has not changed for lock_lease_ms (its holder died or stalled): then the lock is
//    taken over (the batch DELETEs the exact mark). An exclusive edit that reads less than the
//    whole zone is then answered SERVFAIL with full_sync_needed: the dead holder may have written
//    names outside its scope, so only a full comparison is safe.
//  - Names that are not fresh (zone/mirror.h "Freshness"): an edit that reads one is not
//    evaluated, unless it asserts what it reads (Edit::asserts_reads, an UPDATE with
//    verify_foreign: see "Writers that do not go through route53d" below). It leads the next batch, which first re-reads (without back-off: this is not
//    contention) its names and those of every queued edit that are not fresh, with the apex (the
//    whole zone when one of them reads the whole zone); then it is evaluated on the fresh view.
//  - Writers that do not go through route53d (zone/mirror.h): each edit tells the working copy
//    what its answer rests on. Presences are asserted in the batch (identical DELETE + CREATE,
//    counted in the limits). An edit whose answer rests on an absence the batch does not CREATE,
//    or a failed edit (no batch asserts anything for it), on names not read from Route 53 since
//    it arrived (Mirror::read_stamp against its arrival stamp) is not answered from the mirror:
//    it waits (the queued edits behind it that share none of its names go on into the batch:
//    they commute with it) and leads the next batch, which first reads those names (not the
//    apex) and the absence names of the queued edits behind it (Edit::absence_names) as long as
//    the read stays within absence_read_pages estimated ListResourceRecordSets pages.
//    verify_foreign = false skips both (the mirror is trusted; faster, wrong when another writer
//    changed those names).
//  - Accepted (HTTP 200): the mirror takes the batch, every edit in it is answered NOERROR (or its
//    verdict), the on_accepted hook gets the change ID and the new SOA. Never NOERROR before
//    that.
//  - Compare-and-swap lost (Rejection::kCasLost): after a back-off (below) the names the batch
//    read or wrote are re-read, the mirror is refreshed, and the same edits are evaluated again
//    from scratch (a push starts again from the state Route 53 now holds: what its earlier
//    requests wrote is not written twice). An edit that has lost more than max_cas_rounds rounds
//    is answered SERVFAIL.
//  - Back-off after a lost compare-and-swap (another writer changed the zone): "full jitter",
//    uniform in [0, min(cas_backoff_cap_ms, cas_backoff_base_ms·2^(k-1))) for the k-th loss of the
//    batch's most unlucky edit, and at least until the backend could send the re-read and the
//    change request back to back (ZoneBackend::reread_delay_ms, at most cas_backoff_cap_ms).
//    Measured with tests/system/update/two_daemons.test: without the two-token wait the busier
//    daemon commits inside the loser's token wait round after round (4-9 SERVFAIL per run); with
//    it, 0 in 3 runs.
//  - Reply lost after apply: when the call lost its compare-and-swap but ChangeOutcome says an
//    earlier attempt went unanswered (maybe_applied), the batch may have landed and only its
//    answer been lost. Right after the re-read (no back-off) the committer checks whether the zone
//    holds exactly what the batch wrote; if so the batch landed: its edits are answered NOERROR
//    and on_accepted gets an EMPTY change ID (nothing to poll; ConfirmedSoa confirms it with a
//    later change). Skipped without maybe_applied: another writer that wrote the very same data
//    and serial must not pass for ours. A request of a push found landed this way lets the push
//    go on from the state now read.
//  - A lost compare-and-swap whose re-read finds nothing changed (Mirror::foreign_changes): Route
//    53 refuses the change itself (a CNAME conflict with a set route53d cannot see as one, ...),
//    so it is handled as a rejected batch (below), not as another round; the log says which.
//  - Rejected for another reason (Rejection::kBadBatch): the batch is bisected (the first half is
//    retried alone, then the rest) until the one edit Route 53 refuses is alone; it is answered
//    REFUSED (the AWS message is its reason), the others go through.
//  - Any other failure (retries exhausted in the backend, access denied...): SERVFAIL for every
//    edit of the batch that changed something; members with a verdict are evaluated again.
//  - Background re-read (refresh_interval_ms > 0; zone_refresh.cc): the mirror converges on
//    what other writers did even where no edit looks. Every refresh_interval_ms a cycle reads the
//    zone page by page (ZoneBackend::read_page_background: the rate limiter serves it only when
//    no other call waits, or after it waited 10 s), at most one page per refresh_page_gap_ms. A
//    page is applied while the committer is idle (between batches), to the names of its range
//    except those the committer wrote or re-read after the page was requested, and never to the
//    SOA (the compare-and-swap's own); the names read get the page's read stamp. A change made
//    elsewhere is therefore in the mirror at most refresh_interval_ms + pages × refresh_page_gap_ms
//    (+ 10 s per page on a saturated account) after it was made.
//  - Duplicates: an edit with the same dedup_key() as one still queued or in flight joins it;
//    one answered less than dedup_window_ms ago gets the same answer again (replayed).
//
// Callbacks: `done` of submit() and the hooks are called from the loop, never before submit()
// returns. The committer must outlive the loop turns in which the backend may call back, or be
// destroyed while idle; destroying it drops pending callbacks silently.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commit/backend.h"
#include "commit/edit.h"
#include "commit/update_edit.h"
#include "loop/event_base.h"
#include "loop/timer.h"
#include "util/clock.h"
#include "zone/mirror.h"

namespace r53d::commit {

using AnswerFn = std::function<void(const EditAnswer&)>;

struct CommitterOptions {
  int max_cas_rounds = 5;             // compare-and-swap losses before SERVFAIL
  int64_t dedup_window_ms = 60000;    // how long answered edits are remembered
  size_t max_queue = 100000;          // edits waiting; more are answered SERVFAIL at once
  size_t max_batch_updates = 0;       // 0: only the Route 53 limits bound a batch (tests)
  int64_t cas_backoff_base_ms = 20;   // back-off window after the first lost compare-and-swap
  int64_t cas_backoff_cap_ms = 1000;  // largest back-off window
  size_t list_page_size = 300;        // record sets per ListResourceRecordSets page: a re-read of
                                      // more names than the zone has pages reads the whole zone
  zone::WriteRules write_rules;       // what edits may change beyond Route 53's own rules
  int64_t lock_lease_ms = 120000;     // another writer's push lock unchanged this long: take it over
  int64_t lock_poll_ms = 2000;        // while waiting for it, re-read the apex this often
  UniformRng rng;                     // back-off jitter, lock tokens; empty: make_system_rng()
  bool verify_foreign = true;         // assert presences in the batch, read absences first
  size_t absence_read_pages = 4;      // estimated pages one read-first may take (queued edits'
                                      // names join while it stays within this)
  int64_t refresh_interval_ms = 0;    // background re-read: a cycle this often (0: none)
  int64_t refresh_page_gap_ms = 1000; // at most one background page per this
};

// The back-off before re-reading after the `losses`-th lost compare-and-swap (losses >= 1):
// u·min(cap_ms, base_ms·2^(losses-1)) for u in [0, 1), rounded down. Pure.
int64_t cas_backoff_ms(int losses, int64_t base_ms, int64_t cap_ms, double u);

// How an exclusive edit's working copy goes out: 0 requests (nothing changed), 1 (it fits one
// request with its SOA), or the requests of a push under the lock (zone::plan_push over
// zone::change_groups, each request carrying the SOA pair). What --sync --dry-run prints.
size_t requests_needed(const zone::WorkingCopy& wc);

class ZoneCommitter {
 public:
  enum class State { kIdle, kPacing, kSending, kBackingOff, kRereading, kLockWait };
  static const char* state_name(State s);

  // loop and backend must outlive the committer. zone_id: bare hosted zone id.
  ZoneCommitter(loop::EventBase& loop, zone::Mirror mirror, std::string zone_id, ZoneBackend& backend,
                CommitterOptions options = {});
  ~ZoneCommitter();
  ZoneCommitter(const ZoneCommitter&) = delete;
  ZoneCommitter& operator=(const ZoneCommitter&) = delete;

  // Queues one edit for this zone. `done` is called exactly once, later (unless the committer is
  // destroyed first).
  void submit(std::unique_ptr<Edit> edit, AnswerFn done);
  // An UPDATE (its zone section already checked by the caller).
  void submit(UpdateRequest req, AnswerFn done) { submit(std::make_unique<UpdateEdit>(std::move(req)), std::move(done)); }

  // Called after every batch Route 53 accepted (the last request of a push), with its change ID
  // ("/change/C..." as returned) and the SOA it wrote; with an empty change ID for a batch found
  // applied after its reply was lost (nothing to poll; see the header comment).
  using AcceptedFn = std::function<void(const std::string& change_id, zone::RRset::Ptr soa)>;
  void set_on_accepted(AcceptedFn fn) { on_accepted_ = std::move(fn); }

  // Shutdown: answers every queued edit not yet sent SERVFAIL ("shutting down") and refuses new
  // ones; the request in flight still completes (a push stops after it). idle() tells when it has.
  void stop_accepting();
  // Answers the edits of the batch in flight SERVFAIL ("shutting down before Route 53 answered"):
  // the end of the bounded shutdown wait.
  void abandon_in_flight();
  bool idle() const { return !flight_ && queue_.empty() && state_ != State::kRereading; }

  State state() const { return state_; }
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
    size_t max_batch = 0;         // most edits in one accepted batch
    uint64_t pushes = 0;          // edits that needed several requests
    uint64_t lock_waits = 0;      // times another writer's push lock held us up
    uint64_t lock_takeovers = 0;  // locks taken over after their lease
    uint64_t absence_reads = 0;   // reads made before answering edits resting on an absence
    uint64_t asserted = 0;        // RRsets asserted by identical DELETE + CREATE in sent batches
    uint64_t foreign_changes = 0; // lost compare-and-swaps whose re-read found another writer's change
    uint64_t refused_unchanged = 0;  // refusals whose re-read found nothing changed
    uint64_t refresh_pages = 0;   // background pages applied
    uint64_t refresh_cycles = 0;  // background re-reads of the whole zone completed
    uint64_t refresh_changes = 0; // background pages that found another writer's change
  };
  const Stats& stats() const { return stats_; }
  size_t queued() const { return queue_.size(); }

 private:
  // One edit with everyone waiting for its answer (the first sender and any retransmissions).
  struct Pending {
    std::unique_ptr<Edit> edit;
    std::string dedup_key;
    std::vector<AnswerFn> waiters;
    int cas_rounds = 0;
    size_t requests = 0;  // accepted change requests that carried it
    uint64_t arrival = 0;  // stamp_ when submitted (compared with Mirror::read_stamp)
    // In a batch: the failure it met on the batch's working copy, answered when the batch is
    // (see the header); none: it is one of the batch's writers (or a no-op, NOERROR).
    std::optional<EditAnswer> verdict;
  };
  using PendingPtr = std::unique_ptr<Pending>;
  struct Answered {
    EditAnswer answer;
    int64_t expires_ms = 0;
  };
  struct Flight {
    std::vector<PendingPtr> members;        // in arrival order
    std::unique_ptr<zone::WorkingCopy> wc;  // the copy the requests were built from
    std::vector<zone::Batch> chain;         // one request, or the requests of a push
    size_t step = 0;                        // the request in flight
    bool from_suspects = false;             // its members came from a rejected batch
    bool maybe_applied = false;             // lost its compare-and-swap after an unanswered attempt
    std::vector<zone::Name> reread;         // after a lost compare-and-swap: names to re-read
    bool reread_whole = false;              // ... or the whole zone
    uint64_t read_stamp = 0;                // stamp_ when the re-read was sent
    bool cas_lost = false;                  // re-reading after a lost compare-and-swap ...
    std::string rejection;                  // ... refused with this reason
    uint64_t changes_before = 0;            // Mirror::foreign_changes() before the re-read
    size_t writers() const;                 // members without a verdict
    const zone::Batch& batch() const { return chain[step]; }
    bool push() const { return chain.size() > 1; }
  };

  void set_state(State next, const char* why);
  void schedule_kick();
  void kick();
  // The mirror's SOA is another writer's live push lock: wait (kLockWait) and return true.
  bool lock_holds_us_up();
  // Builds and sends the next batch (or push) from the queue front; answers what fails on the way.
  void build_and_send();
  void build_exclusive();
  void send(std::unique_ptr<Flight> f);
  void send_step();
  void on_change_done(ChangeOutcome outcome);
  void on_cas_lost(std::unique_ptr<Flight> f, const std::string& why, bool maybe_applied);
  void reread_then_retry();
  // The names edit `p`, applied to wc since `mark`, rests on and that neither the batch asserts
  // nor a read since it arrived shows (empty when verify_foreign is off). `no_batch`: it failed or
  // the batch is empty so far.
  std::vector<zone::Name> unread_reliances(const Pending& p, zone::WorkingCopy& wc, zone::WorkingCopy::Mark mark,
                                           bool no_batch);
  // e reads one of `names` (or the whole zone).
  bool shares_names(const Edit& e, const std::set<zone::Name>& names) const;
  // Sends nothing; reads `names` (and the absence names of queued edits, within
  // absence_read_pages) from Route 53, then puts p back at the queue front.
  void read_first(PendingPtr p, std::vector<zone::Name> names, bool was_suspect);
  // After the re-read of a lost compare-and-swap that found nothing changed: Route 53 refuses the
  // batch itself. True when handled (split, or its one writer REFUSED).
  bool refused_unchanged(std::unique_ptr<Flight>& f);
  // Rejected batch: bisect it, or answer its one writer REFUSED (`why`: Route 53's reason).
  void split_or_refuse(std::unique_ptr<Flight> f, const std::string& why);
  // Estimated ListResourceRecordSets calls to read `names` (Route 53 order, list_page_size).
  size_t pages_to_read(const std::vector<zone::Name>& names) const;

  // Background re-read (zone_refresh.cc).
  void refresh_request();                         // refresh_timer_: ask for the next page
  void on_refresh_page(Result<Page> page);
  void apply_refresh_page();                      // idle: apply the page that arrived
  void refresh_written(const std::vector<zone::Name>& names, bool whole_zone);  // mirror took them from elsewhere
  // After the re-read: the mirror holds exactly what `batch` wrote.
  bool batch_landed(const zone::Batch& batch) const;
  void on_reread(Result<std::vector<r53::RecordSet>> sets);
  // Sends nothing; re-reads the names of `p` and of every queued edit that are not fresh, then
  // puts p back at the queue front.
  void reread_stale(PendingPtr p, bool was_suspect);
  // Puts members back at the queue front, in order, verdicts dropped; they count as suspects
  // again when `suspects` (they came from a batch being split).
  void requeue(std::vector<PendingPtr> members, bool suspects);
  // The answer of a member of an accepted (or landed, or empty) batch.
  void answer_member(PendingPtr p, const EditAnswer& done);
  void answer(PendingPtr p, const EditAnswer& a);
  void prune_answered();
  uint32_t next_token();

  loop::EventBase& loop_;
  zone::Mirror mirror_;
  std::string zone_id_;
  ZoneBackend& backend_;
  CommitterOptions options_;
  AcceptedFn on_accepted_;

  State state_ = State::kIdle;
  std::deque<PendingPtr> queue_;
  std::unique_ptr<Flight> flight_;  // kSending: the request in flight; kBackingOff/kRereading:
                                    // the batch that lost its compare-and-swap (or a stale re-read)
  bool kick_scheduled_ = false;
  loop::Timer pace_timer_;  // kPacing: holds the next batch while the rate limiter has no token
  bool paced_ = false;      // the pace timer fired: send without asking again
  loop::Timer cas_timer_;   // kBackingOff: the back-off after a lost compare-and-swap
  loop::Timer lock_timer_;  // kLockWait: the next look at the apex
  bool accepting_ = true;
  // Split on reject: the first `suspects_` queued edits came from a rejected batch; batches take
  // at most `split_cap_` of them until they are through.
  size_t suspects_ = 0;
  size_t split_cap_ = 0;
  // The push lock: the mark this committer wrote last (nullptr when it holds none), and another
  // writer's mark seen in the mirror with when it was first seen unchanged.
  zone::RRset::Ptr own_mark_;
  zone::RRset::Ptr foreign_mark_;
  int64_t foreign_since_ms_ = 0;
  bool taking_over_ = false;
  uint32_t token_ = 0;
  uint64_t stamp_ = 0;  // orders arrivals and reads (Pending::arrival, Mirror::read_stamp)
  struct Refresh {
    PageStart from;                 // where the next (or outstanding) page starts
    bool outstanding = false;       // a page request is out
    std::optional<Page> ready;      // arrived; applied when the committer is idle
    uint64_t stamp = 0;             // stamp_ when it was requested
    std::set<zone::Name> written;   // names the mirror took from elsewhere since then
    bool discard = false;           // ... or the whole zone
    int64_t cycle_start_ms = 0;
    std::vector<std::pair<std::string, zone::Name>> index;  // the cycle's names in Route 53 order
    size_t pages = 0;
    uint64_t changes_before = 0;
  };
  Refresh refresh_;
  loop::Timer refresh_timer_;

  std::map<std::string, Pending*> pending_by_key_;  // queued or in flight
  std::map<std::string, Answered> answered_;
  std::deque<std::pair<int64_t, std::string>> answered_order_;  // (expires_ms, key)

  Stats stats_;
  std::shared_ptr<bool> alive_;  // backend callbacks check it
};

}  // namespace r53d::commit
