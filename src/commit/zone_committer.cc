// Group commit for one hosted zone: queue, working copy, compare-and-swap batch, split on reject.
#include "commit/zone_committer.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "util/crypto.h"
#include "util/log.h"
#include "zone/codec.h"

namespace r53d::commit {

int64_t cas_backoff_ms(int losses, int64_t base_ms, int64_t cap_ms, double u) {
  if (losses < 1 || base_ms <= 0 || cap_ms <= 0) return 0;
  int64_t window = base_ms;
  for (int i = 1; i < losses && window < cap_ms; ++i) window *= 2;
  window = std::min(window, cap_ms);
  u = std::clamp(u, 0.0, 1.0);
  return std::min(window, static_cast<int64_t>(u * static_cast<double>(window)));
}

ZoneCommitter::ZoneCommitter(loop::EventBase& loop, zone::Mirror mirror, std::string zone_id,
                             ZoneBackend& backend, CommitterOptions options)
    : loop_(loop),
      mirror_(std::move(mirror)),
      zone_id_(std::move(zone_id)),
      backend_(backend),
      options_(options),
      pace_timer_(loop, [this] {
        paced_ = true;
        kick();
      }),
      cas_timer_(loop, [this] {
        if (!reload_) {  // abandoned at shutdown while backing off
          reloading_ = false;
          kick();
          return;
        }
        reload_then_retry(reload_->reread);
      }),
      alive_(std::make_shared<bool>(true)) {
  if (!options_.rng) options_.rng = make_system_rng();
}

ZoneCommitter::~ZoneCommitter() { *alive_ = false; }

void ZoneCommitter::submit(UpdateRequest req, AnswerFn done) {
  ++stats_.submitted;
  prune_answered();
  // RFC 2136 clients retransmit the identical message (same ID, same TSIG time and MAC).
  // The digest first: map lookups then differ in the first octets instead of after a long
  // shared "127.0.0.1#" prefix.
  std::string key = sha256(std::string_view(reinterpret_cast<const char*>(req.wire.data()), req.wire.size())) +
                    "|" + req.client + "|" + std::to_string(req.id);
  std::weak_ptr<bool> alive = alive_;
  auto later = [this, alive](AnswerFn fn, UpdateAnswer a) {
    loop_.defer([alive, fn = std::move(fn), a = std::move(a)] {
      if (auto p = alive.lock(); p && *p) fn(a);
    });
  };
  if (auto it = pending_by_key_.find(key); it != pending_by_key_.end()) {
    ++stats_.duplicates;
    log::debug("zone %s: UPDATE id %u from %s is a retransmission; joins the one waiting",
               zone_name().c_str(), req.id, req.client.c_str());
    it->second->waiters.push_back(std::move(done));
    return;
  }
  if (auto it = answered_.find(key); it != answered_.end()) {
    ++stats_.duplicates;
    UpdateAnswer a = it->second.answer;
    a.replayed = true;
    later(std::move(done), std::move(a));
    return;
  }
  if (!accepting_) {
    later(std::move(done), UpdateAnswer{LDNS_RCODE_SERVFAIL, "shutting down", false});
    return;
  }
  if (queue_.size() >= options_.max_queue) {
    later(std::move(done), UpdateAnswer{LDNS_RCODE_SERVFAIL, "commit queue full", false});
    return;
  }
  auto p = std::make_unique<Pending>();
  p->req = std::move(req);
  p->dedup_key = std::move(key);
  p->waiters.push_back(std::move(done));
  pending_by_key_[p->dedup_key] = p.get();
  queue_.push_back(std::move(p));
  schedule_kick();
}

void ZoneCommitter::schedule_kick() {
  if (kick_scheduled_) return;
  kick_scheduled_ = true;
  std::weak_ptr<bool> alive = alive_;
  // At the end of the turn: UPDATEs read in the same turn share the batch, and an idle zone
  // still commits without any added delay.
  loop_.defer([this, alive] {
    if (auto p = alive.lock(); !p || !*p) return;
    kick_scheduled_ = false;
    kick();
  });
}

void ZoneCommitter::kick() {
  while (!in_flight_ && !reloading_ && !queue_.empty()) {
    if (pace_timer_.pending()) return;
    if (!paced_ && accepting_) {
      int64_t delay = backend_.send_delay_ms(zone_id_);
      if (delay > 0) {
        pace_timer_.start_once(delay);
        return;
      }
    }
    paced_ = false;
    build_and_send();
  }
}

void ZoneCommitter::build_and_send() {
  auto f = std::make_unique<Flight>();
  f->wc = std::make_unique<zone::WorkingCopy>(mirror_);
  zone::WorkingCopy& wc = *f->wc;
  size_t limit = options_.max_batch_updates ? options_.max_batch_updates : SIZE_MAX;
  f->from_suspects = suspects_ > 0;
  if (f->from_suspects) limit = std::min(limit, std::min(std::max<size_t>(split_cap_, 1), suspects_));

  while (!queue_.empty() && f->members.size() < limit) {
    Pending& p = *queue_.front();
    auto take = [&]() {
      PendingPtr out = std::move(queue_.front());
      queue_.pop_front();
      if (suspects_ > 0) --suspects_;
      return out;
    };
    // A split batch goes out as soon as its share of the suspects is through.
    auto split_done = [&] { return f->from_suspects && suspects_ == 0; };
    if (p.cas_rounds > options_.max_cas_rounds) {
      answer(take(), {LDNS_RCODE_SERVFAIL,
                      "the zone kept changing behind route53d (compare-and-swap lost " +
                          std::to_string(p.cas_rounds) + " times)"});
      if (split_done()) break;
      continue;
    }
    zone::WorkingCopy::Mark mark = wc.mark();
    bool changed_before = wc.changed();
    update::Outcome o = update::apply(p.req.pkt.get(), *p.req.grant, wc);
    if (wc.read_stale_since(mark)) {
      // Whatever it decided may rest on another writer's older data: re-read first.
      wc.rollback(mark);
      if (!f->members.empty()) break;  // it leads the next batch
      reread_stale(take(), f->from_suspects);
      return;
    }
    if (!o.ok()) {
      if (!changed_before) {
        answer(take(), {o.rcode, o.reason()});  // rests on the mirror alone
      } else {
        PendingPtr m = take();
        m->verdict = UpdateAnswer{o.rcode, o.reason(), false};
        f->members.push_back(std::move(m));
      }
      if (split_done()) break;
      continue;
    }
    if (zone::BatchSize s = wc.size(); !s.fits()) {
      wc.rollback(mark);
      if (!changed_before) {
        // Alone it is already larger than one request: it can never be one atomic batch.
        answer(take(), {LDNS_RCODE_REFUSED,
                        "larger than one Route 53 change batch (" + std::to_string(s.records) +
                            " records, " + std::to_string(s.chars) + " characters; limits " +
                            std::to_string(zone::kMaxBatchRecords) + " and " +
                            std::to_string(zone::kMaxBatchChars) + ")"});
        if (split_done()) break;
        continue;
      }
      break;  // it leads the next batch
    }
    f->members.push_back(take());
    if (split_done()) break;
  }
  if (f->members.empty()) return;

  f->batch = zone::diff(wc);
  if (f->batch.empty()) {
    // Nothing to change (duplicates, deletes of absent data, changes that cancel out): no call,
    // no serial bump; every answer is that of a serial run ending where the mirror is.
    for (auto& m : f->members) answer_member(std::move(m));
    return;
  }
  r53::ChangeBatch cb;
  cb.comment = "route53d: " + std::to_string(f->writers()) + " update(s), serial " +
               std::to_string(f->batch.new_serial);
  cb.changes = f->batch.changes;
  log::debug("zone %s: sending batch of %zu update(s), %zu changes, %zu records, serial %u -> %u",
             zone_name().c_str(), f->writers(), cb.changes.size(), f->batch.size.records,
             f->batch.old_serial, f->batch.new_serial);
  in_flight_ = std::move(f);
  ++stats_.batches_sent;
  std::weak_ptr<bool> alive = alive_;
  backend_.change_rrsets(zone_id_, cb, [this, alive](ChangeOutcome o) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_change_done(std::move(o));
  });
}

void ZoneCommitter::on_change_done(ChangeOutcome outcome) {
  std::unique_ptr<Flight> f = std::move(in_flight_);
  if (!f) return;  // abandoned at shutdown
  if (outcome.info.ok()) {
    Status s = mirror_.commit(f->batch);
    f->wc.reset();
    if (!s.ok()) {
      // Cannot happen while the committer is the mirror's only writer; the next batch will lose
      // its compare-and-swap and re-read, so the zone heals.
      log::error("zone %s: accepted batch did not apply to the mirror: %s", zone_name().c_str(),
                 s.to_string().c_str());
    }
    ++stats_.batches_accepted;
    stats_.max_batch = std::max(stats_.max_batch, f->writers());
    if (suspects_ == 0) split_cap_ = 0;
    log::info("zone %s: Route 53 accepted %zu update(s) as change %s, serial %u", zone_name().c_str(),
              f->writers(), r53::bare_id(outcome.info->id).c_str(), f->batch.new_serial);
    for (auto& m : f->members) answer_member(std::move(m));
    if (on_accepted_) on_accepted_(outcome.info->id, mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA));
    kick();
    return;
  }

  std::string why = outcome.error_code.empty() ? outcome.info.status().message()
                                               : outcome.error_code + ": " + outcome.error_message;
  switch (classify_rejection(outcome)) {
    case Rejection::kCasLost: {
      ++stats_.cas_lost;
      f->reread = f->wc->names_to_reload();
      f->wc.reset();
      f->maybe_applied = outcome.maybe_applied;
      int losses = 0;
      bool retries_left = false;
      for (auto& m : f->members) {
        losses = std::max(losses, ++m->cas_rounds);
        retries_left = retries_left || m->cas_rounds <= options_.max_cas_rounds;
      }
      // No back-off when the batch may be our own (a lost reply: see the header) or when no
      // UPDATE will be sent again anyway.
      int64_t wait = 0;
      if (!f->maybe_applied && retries_left) {
        wait = cas_backoff_ms(losses, options_.cas_backoff_base_ms, options_.cas_backoff_cap_ms, options_.rng());
        // And until the re-read and the retry can go out back to back (see backend.h).
        wait = std::max(wait, std::min(backend_.reread_delay_ms(zone_id_), options_.cas_backoff_cap_ms));
      }
      log::notice("zone %s: compare-and-swap lost (%s)%s; re-reading %zu name(s)%s", zone_name().c_str(),
                  why.c_str(), f->maybe_applied ? " after an unanswered attempt" : "", f->reread.size(),
                  wait > 0 ? (" in " + std::to_string(wait) + " ms").c_str() : "");
      reload_ = std::move(f);
      reloading_ = true;
      if (wait > 0) {
        stats_.cas_backoff_ms += wait;
        cas_timer_.start_once(wait);
      } else {
        reload_then_retry(reload_->reread);
      }
      return;
    }
    case Rejection::kBadBatch: {
      ++stats_.bad_batches;
      size_t n = f->members.size();
      if (f->writers() == 1) {
        // The one member that changed anything is the one Route 53 refuses.
        log::notice("zone %s: Route 53 refused an update: %s", zone_name().c_str(), why.c_str());
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
        log::notice("zone %s: Route 53 refused a batch of %zu updates (%s); splitting it",
                    zone_name().c_str(), n, why.c_str());
        requeue(std::move(f->members), true);
        split_cap_ = std::max<size_t>(n / 2, 1);
      }
      break;
    }
    case Rejection::kFailed: {
      log::warning("zone %s: change request failed: %s", zone_name().c_str(), why.c_str());
      std::vector<PendingPtr> rest;
      for (auto& m : f->members) {
        if (m->verdict)
          rest.push_back(std::move(m));
        else
          answer(std::move(m), {LDNS_RCODE_SERVFAIL, "Route 53 change failed: " + why});
      }
      requeue(std::move(rest), f->from_suspects);
      if (f->from_suspects) split_cap_ = suspects_;
      break;
    }
  }
  kick();
}

void ZoneCommitter::reread_stale(PendingPtr p, bool was_suspect) {
  auto f = std::make_unique<Flight>();
  f->from_suspects = was_suspect;
  std::set<zone::Name> names{mirror_.apex()};  // first: see zone/mirror.h "Freshness"
  auto add_stale = [&](const Pending& q) {
    for (auto& n : update::names_read(q.req.pkt.get(), mirror_.apex()))
      if (!mirror_.is_fresh(n)) names.insert(n);
  };
  add_stale(*p);
  // The queued UPDATEs that will follow it in the next batches: one read serves them all.
  size_t looked = 0;
  for (const auto& q : queue_) {
    if (++looked > zone::kMaxBatchRecords) break;
    add_stale(*q);
  }
  f->reread.assign(names.begin(), names.end());
  f->members.push_back(std::move(p));
  ++stats_.stale_rereads;
  log::info("zone %s: re-reading %zu name(s) not read since the zone last changed behind route53d",
            zone_name().c_str(), f->reread.size());
  reload_ = std::move(f);
  reload_then_retry(reload_->reread);
}

void ZoneCommitter::reload_then_retry(std::vector<zone::Name> names) {
  reloading_ = true;
  size_t zone_calls = mirror_.rrset_count() / std::max<size_t>(options_.list_page_size, 1) + 1;
  bool whole = names.size() > zone_calls;
  std::weak_ptr<bool> alive = alive_;
  auto cb = [this, alive, names, whole](Result<std::vector<r53::RecordSet>> sets) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_reloaded(names, whole, std::move(sets));
  };
  if (whole)
    backend_.read_zone(zone_id_, std::move(cb));
  else
    backend_.read_names(zone_id_, names, std::move(cb));
}

void ZoneCommitter::on_reloaded(std::vector<zone::Name> names, bool whole_zone,
                                Result<std::vector<r53::RecordSet>> sets) {
  reloading_ = false;
  std::unique_ptr<Flight> f = std::move(reload_);
  if (!f) {  // abandoned at shutdown
    kick();
    return;
  }
  Status s = sets.status();
  if (s.ok()) s = whole_zone ? mirror_.reload_zone(*sets) : mirror_.reload_names(names, *sets);
  if (s.ok() && f->maybe_applied && batch_landed(f->batch)) {
    // The first attempt landed and only its reply was lost: the UPDATEs took effect.
    ++stats_.lost_replies;
    stats_.max_batch = std::max(stats_.max_batch, f->writers());
    if (suspects_ == 0) split_cap_ = 0;
    log::notice("zone %s: change request of %zu update(s) had landed although its reply was lost; serial %u",
                zone_name().c_str(), f->writers(), f->batch.new_serial);
    for (auto& m : f->members) answer_member(std::move(m));
    if (on_accepted_) on_accepted_("", mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA));
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

size_t ZoneCommitter::Flight::writers() const {
  return static_cast<size_t>(std::count_if(members.begin(), members.end(), [](const PendingPtr& m) { return !m->verdict; }));
}

void ZoneCommitter::requeue(std::vector<PendingPtr> members, bool suspects) {
  if (suspects) suspects_ += members.size();
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if ((*it)->verdict) {
      ++stats_.reevaluated;
      (*it)->verdict.reset();
    }
    queue_.push_front(std::move(*it));
  }
}

void ZoneCommitter::answer_member(PendingPtr p) {
  UpdateAnswer a = p->verdict.value_or(UpdateAnswer{LDNS_RCODE_NOERROR, "", false});
  answer(std::move(p), std::move(a));
}

void ZoneCommitter::answer(PendingPtr p, UpdateAnswer a) {
  if (a.rcode == LDNS_RCODE_NOERROR)
    ++stats_.noerror;
  else
    ++stats_.failed;
  pending_by_key_.erase(p->dedup_key);
  int64_t expires = loop_.now_ms() + options_.dedup_window_ms;
  answered_[p->dedup_key] = Answered{a, expires};
  answered_order_.emplace_back(expires, p->dedup_key);
  for (auto& w : p->waiters) w(a);
}

void ZoneCommitter::prune_answered() {
  int64_t now = loop_.now_ms();
  while (!answered_order_.empty() && answered_order_.front().first <= now) {
    auto it = answered_.find(answered_order_.front().second);
    if (it != answered_.end() && it->second.expires_ms <= now) answered_.erase(it);
    answered_order_.pop_front();
  }
}

void ZoneCommitter::stop_accepting() {
  accepting_ = false;
  suspects_ = 0;
  while (!queue_.empty()) {
    PendingPtr p = std::move(queue_.front());
    queue_.pop_front();
    answer(std::move(p), {LDNS_RCODE_SERVFAIL, "shutting down"});
  }
}

void ZoneCommitter::abandon_in_flight() {
  for (std::unique_ptr<Flight>* slot : {&in_flight_, &reload_}) {
    std::unique_ptr<Flight> f = std::move(*slot);
    if (!f) continue;
    for (auto& m : f->members)
      answer(std::move(m), {LDNS_RCODE_SERVFAIL, "shutting down before Route 53 answered"});
  }
  stop_accepting();
}

}  // namespace r53d::commit
