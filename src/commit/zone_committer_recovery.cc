// The recovery half of ZoneCommitter (zone_committer.h): after a lost compare-and-swap it backs
// off and re-reads only the names the batch touched, in Route 53 listing order (a few pages, never
// the whole zone because a batch named many names); a refused batch is split or refused per edit;
// names an edit reads first are read before it is evaluated; a batch whose reply was lost is
// checked for having landed.
#include "commit/zone_committer.h"

#include <algorithm>
#include <set>

#include "r53/names.h"
#include "util/log.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::commit {
namespace {

// The mirror's owner names in ListResourceRecordSets order (route53-api.md §4.6), to estimate what
// reading some names costs: pages of `page` sets read one after another, each starting at the first
// wanted name not yet covered (Route53Backend::read_names). Names close together share a page.
class ListOrder {
 public:
  ListOrder(const zone::Mirror& m, size_t page) : page_(std::max<size_t>(page, 1)) {
    small_ = m.rrset_count() <= page_;
    if (small_) return;  // one page holds the zone: nothing to sort
    for (const auto& n : m.names())
      order_.emplace_back(r53::reverse_name_key(zone::name_to_r53(n)), m.at_name(n).size());
    std::sort(order_.begin(), order_.end());
    before_.assign(order_.size() + 1, 0);
    for (size_t i = 0; i < order_.size(); ++i) before_[i + 1] = before_[i] + order_[i].second;
  }
  // Record sets listed before `n` (where a page starting at n begins).
  size_t rank(const zone::Name& n) const {
    if (small_) return 0;
    std::string k = r53::reverse_name_key(zone::name_to_r53(n));
    auto it = std::lower_bound(order_.begin(), order_.end(), std::make_pair(k, size_t{0}));
    return before_[static_cast<size_t>(it - order_.begin())];
  }
  // Calls to read names of these ranks (sorted ascending).
  size_t calls(const std::vector<size_t>& sorted_ranks) const {
    size_t calls = 0, covered = 0;
    for (size_t r : sorted_ranks) {
      if (calls > 0 && r < covered) continue;
      ++calls;
      covered = r + page_;
    }
    return calls;
  }

 private:
  size_t page_;
  bool small_ = false;
  std::vector<std::pair<std::string, size_t>> order_;  // Route 53 key of each owner, its sets
  std::vector<size_t> before_;                         // sets before each position
};

}  // namespace

int64_t cas_backoff_ms(int losses, int64_t base_ms, int64_t cap_ms, double u) {
  if (losses < 1 || base_ms <= 0 || cap_ms <= 0) return 0;
  int64_t window = base_ms;
  for (int i = 1; i < losses && window < cap_ms; ++i) window *= 2;
  window = std::min(window, cap_ms);
  u = std::clamp(u, 0.0, 1.0);
  return std::min(window, static_cast<int64_t>(u * static_cast<double>(window)));
}

void ZoneCommitter::on_cas_lost(std::unique_ptr<Flight> f, const std::string& why, bool maybe_applied) {
  ++stats_.cas_lost;
  // A push re-reads what its failed request wrote (and the apex); the freshness rule re-reads the
  // rest of what it reads if the SOA moved. A batch re-reads everything it read or wrote.
  f->reread = f->push() ? f->batch().names() : f->wc->names_to_reload();
  f->wc.reset();
  f->maybe_applied = maybe_applied;
  f->cas_lost = true;
  f->rejection = why;
  f->changes_before = mirror_.foreign_changes();
  int losses = 0;
  bool retries_left = false;
  for (auto& m : f->members) {
    losses = std::max(losses, ++m->cas_rounds);
    retries_left = retries_left || m->cas_rounds <= options_.max_cas_rounds;
  }
  // No back-off when the batch may be our own (a lost reply: see the header) or when no edit will
  // be sent again anyway.
  int64_t wait = 0;
  if (!f->maybe_applied && retries_left) {
    wait = cas_backoff_ms(losses, options_.cas_backoff_base_ms, options_.cas_backoff_cap_ms, options_.rng());
    // And until the re-read and the retry can go out back to back (see backend.h).
    wait = std::max(wait, std::min(backend_.reread_delay_ms(zone_id_), options_.cas_backoff_cap_ms));
  }
  log::notice("zone %s: compare-and-swap lost (%s)%s; re-reading %zu name(s)%s", zone_name().c_str(), why.c_str(),
              f->maybe_applied ? " after an unanswered attempt" : "", f->reread.size(),
              wait > 0 ? (" in " + std::to_string(wait) + " ms").c_str() : "");
  flight_ = std::move(f);
  if (wait > 0) {
    stats_.cas_backoff_ms += wait;
    set_state(State::kBackingOff, "compare-and-swap lost");
    cas_timer_.start_once(wait);
  } else {
    reread_then_retry();
  }
}

void ZoneCommitter::reread_stale(PendingPtr p, bool was_suspect) {
  auto f = std::make_unique<Flight>();
  f->from_suspects = was_suspect;
  std::set<zone::Name> names{mirror_.apex()};  // first: see zone/mirror.h "Freshness"
  auto add_stale = [&](const Pending& q) {
    if (q.edit->reads_whole_zone()) {
      f->reread_whole = true;
      return;
    }
    for (auto& n : q.edit->names_read(mirror_.apex()))
      if (!mirror_.is_fresh(n)) names.insert(n);
  };
  add_stale(*p);
  // The queued edits that will follow it in the next batches: one read serves them all.
  size_t looked = 0;
  for (const auto& q : queue_) {
    if (f->reread_whole || ++looked > zone::kMaxBatchRecords) break;
    add_stale(*q);
  }
  f->reread.assign(names.begin(), names.end());
  f->members.push_back(std::move(p));
  ++stats_.stale_rereads;
  if (f->reread_whole)
    log::info("zone %s: re-reading the whole zone: it changed behind route53d since it was read",
              zone_name().c_str());
  else
    log::info("zone %s: re-reading %zu name(s) not read since the zone last changed behind route53d",
              zone_name().c_str(), f->reread.size());
  flight_ = std::move(f);
  reread_then_retry();
}

void ZoneCommitter::reread_then_retry() {
  set_state(State::kRereading, "re-reading from Route 53");
  Flight& f = *flight_;
  // Estimate what a read of the names costs (pages_to_read): names close together share a page;
  // the whole zone is read instead only when that is fewer calls.
  bool whole = f.reread_whole;
  if (!whole) {
    size_t zone_calls = mirror_.rrset_count() / std::max<size_t>(options_.list_page_size, 1) + 1;
    if (f.reread.size() > zone_calls) whole = pages_to_read(f.reread) > zone_calls;
  }
  f.reread_whole = whole;
  f.read_stamp = ++stamp_;  // what is read shows Route 53 as it was after every edit queued now
  std::weak_ptr<bool> alive = alive_;
  auto cb = [this, alive](Result<std::vector<r53::RecordSet>> sets) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_reread(std::move(sets));
  };
  if (whole)
    backend_.read_zone(zone_id_, std::move(cb));
  else
    backend_.read_names(zone_id_, f.reread, std::move(cb));
}

void ZoneCommitter::on_reread(Result<std::vector<r53::RecordSet>> sets) {
  std::unique_ptr<Flight> f = std::move(flight_);
  set_state(State::kIdle, "re-read done");
  if (!f) {  // abandoned at shutdown
    kick();
    return;
  }
  Status s = sets.status();
  if (s.ok())
    s = f->reread_whole ? mirror_.reload_zone(*sets, f->read_stamp)
                        : mirror_.reload_names(f->reread, *sets, f->read_stamp);
  if (s.ok()) refresh_written(f->reread, f->reread_whole);
  if (s.ok() && f->maybe_applied && !f->chain.empty() && batch_landed(f->batch())) {
    // The attempt landed and only its reply was lost.
    ++stats_.lost_replies;
    for (auto& m : f->members)
      if (!m->verdict) {
        ++m->requests;
        --m->cas_rounds;  // not contention: our own request
      }
    if (f->step + 1 < f->chain.size()) {
      // A request of a push: the lock is still ours; the rest is evaluated again from here.
      own_mark_ = f->batch().swaps.back().after;
      log::notice("zone %s: push request %zu of %zu had landed although its reply was lost; going on",
                  zone_name().c_str(), f->step + 1, f->chain.size());
      requeue(std::move(f->members), f->from_suspects);
      kick();
      return;
    }
    own_mark_.reset();
    stats_.max_batch = std::max(stats_.max_batch, f->writers());
    if (suspects_ == 0) split_cap_ = 0;
    log::notice("zone %s: change request of %zu edit(s) had landed although its reply was lost; serial %u",
                zone_name().c_str(), f->writers(), f->batch().new_serial);
    EditAnswer ok{LDNS_RCODE_NOERROR, ""};
    ok.serial = f->batch().new_serial;
    for (auto& m : f->members) answer_member(std::move(m), ok);
    if (on_accepted_) on_accepted_("", mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA));
    kick();
    return;
  }
  if (s.ok() && f->cas_lost && refused_unchanged(f)) {
    kick();
    return;
  }
  if (!s.ok()) {
    log::warning("zone %s: re-reading names from Route 53 failed: %s", zone_name().c_str(), s.to_string().c_str());
    for (auto& m : f->members)
      answer(std::move(m), {LDNS_RCODE_SERVFAIL, "could not re-read the zone from Route 53: " + s.message()});
    if (f->from_suspects) split_cap_ = suspects_;
  } else {
    requeue(std::move(f->members), f->from_suspects);
  }
  kick();
}

void ZoneCommitter::split_or_refuse(std::unique_ptr<Flight> f, const std::string& why) {
  ++stats_.bad_batches;
  size_t n = f->members.size();
  if (f->writers() == 1) {
    // The one member that changed anything is the one Route 53 refuses.
    log::notice("zone %s: Route 53 refused %s: %s", zone_name().c_str(),
                f->members.size() == 1 ? f->members.front()->edit->describe().c_str() : "an update", why.c_str());
    std::vector<PendingPtr> rest;
    for (auto& m : f->members) {
      if (m->verdict)
        rest.push_back(std::move(m));
      else
        answer(std::move(m), {LDNS_RCODE_REFUSED, "Route 53 refused the change: " + why});
    }
    requeue(std::move(rest), f->from_suspects);
    split_cap_ = suspects_;  // the rest of the suspects may well be fine together
  } else {
    log::notice("zone %s: Route 53 refused a batch of %zu updates (%s); splitting it", zone_name().c_str(), n,
                why.c_str());
    requeue(std::move(f->members), true);
    split_cap_ = std::max<size_t>(n / 2, 1);
  }
}

bool ZoneCommitter::refused_unchanged(std::unique_ptr<Flight>& f) {
  if (mirror_.foreign_changes() != f->changes_before) {
    ++stats_.foreign_changes;
    log::notice("zone %s: another writer changed the zone behind route53d (%s); evaluating %zu edit(s) again",
                zone_name().c_str(), f->rejection.c_str(), f->members.size());
    return false;
  }
  if (f->push()) return false;  // a push starts again from what Route 53 holds, as before
  // Every name the batch read or wrote is as the mirror had it: not contention, so not a round.
  ++stats_.refused_unchanged;
  for (auto& m : f->members)
    if (!m->verdict && m->cas_rounds > 0) --m->cas_rounds;
  log::notice("zone %s: Route 53 cannot take this change: it refused it (%s) although the names it touches are "
              "as route53d read them",
              zone_name().c_str(), f->rejection.c_str());
  std::string why = f->rejection;
  split_or_refuse(std::move(f), why);
  return true;
}

bool ZoneCommitter::shares_names(const Edit& e, const std::set<zone::Name>& names) const {
  if (e.reads_whole_zone()) return true;
  for (const auto& n : e.names_read(mirror_.apex()))
    if (names.count(n)) return true;
  return false;
}

std::vector<zone::Name> ZoneCommitter::unread_reliances(const Pending& p, zone::WorkingCopy& wc,
                                                        zone::WorkingCopy::Mark mark, bool no_batch) {
  if (!options_.verify_foreign) return {};
  std::vector<zone::Name> out;
  for (auto& n : wc.unasserted_since(mark, no_batch))
    if (mirror_.read_stamp(n) < p.arrival) out.push_back(std::move(n));
  return out;
}

size_t ZoneCommitter::pages_to_read(const std::vector<zone::Name>& names) const {
  ListOrder order(mirror_, options_.list_page_size);
  std::vector<size_t> ranks;
  ranks.reserve(names.size());
  for (const auto& n : names) ranks.push_back(order.rank(n));
  std::sort(ranks.begin(), ranks.end());
  return order.calls(ranks);
}

void ZoneCommitter::read_first(PendingPtr p, std::vector<zone::Name> names, bool was_suspect) {
  auto f = std::make_unique<Flight>();
  f->from_suspects = was_suspect;
  std::set<zone::Name> want(names.begin(), names.end());
  // The queued edits behind it that check absences: one read serves them too, as long as it
  // stays within absence_read_pages (estimated; edits are taken in queue order).
  ListOrder order(mirror_, options_.list_page_size);
  std::vector<size_t> ranks;
  ranks.reserve(want.size());
  for (const auto& n : want) ranks.push_back(order.rank(n));
  std::sort(ranks.begin(), ranks.end());
  size_t looked = 0;
  for (const auto& q : queue_) {
    if (++looked > zone::kMaxBatchRecords) break;
    std::vector<zone::Name> more = q->edit->absence_names(mirror_.apex());
    if (more.empty()) continue;
    std::vector<size_t> next = ranks;
    for (const auto& n : more) next.push_back(order.rank(n));
    std::sort(next.begin(), next.end());
    if (order.calls(next) > std::max<size_t>(options_.absence_read_pages, 1)) break;
    ranks = std::move(next);
    want.insert(more.begin(), more.end());
  }
  f->reread.assign(want.begin(), want.end());
  log::debug("zone %s: %s rests on %zu name(s) not read since it arrived; reading %zu name(s) first",
             zone_name().c_str(), p->edit->describe().c_str(), names.size(), f->reread.size());
  f->members.push_back(std::move(p));
  ++stats_.absence_reads;
  flight_ = std::move(f);
  reread_then_retry();
}

bool ZoneCommitter::batch_landed(const zone::Batch& batch) const {
  if (batch.swaps.empty()) return false;
  for (const auto& sw : batch.swaps) {  // the SOA swap included
    zone::RRset::Ptr now = mirror_.find(sw.key.owner, sw.key.type);
    if (!sw.after) {
      if (now) return false;
    } else if (!now || !now->same_data(*sw.after)) {
      return false;
    }
  }
  return true;
}

}  // namespace r53d::commit
