// The commit pipeline of one hosted zone: queue, working copy, compare-and-swap batches, pushes
// under the push lock. What follows a refused or lost batch (back-off, re-reads, split on reject)
// is zone_committer_recovery.cc.
#include "commit/zone_committer.h"

#include <algorithm>
#include <set>

#include "r53/names.h"
#include "util/log.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::commit {

namespace {

// The SOA pair every request of a push carries, at its largest: the request swaps the current SOA
// or a lock mark (10-digit EXPIRE) out and a mark or the final SOA in, so both sides count as the
// largest of the three (one character too few made request 8 of a 100,000-record push exceed
// 32,000 characters: bench/xfr_bench.sh).
zone::BatchSize push_reserve(const zone::WorkingCopy& wc) {
  zone::RRset::Ptr cur = wc.base().find(wc.apex(), LDNS_RR_TYPE_SOA);
  zone::BatchSize largest = cur->size();
  auto bigger = [&](const zone::RRset& s) {
    if (s.size().chars > largest.chars) largest = s.size();
  };
  bigger(*zone::final_soa(wc));
  if (auto probe = zone::soa_locked(*cur, ~zone::kSoaLockMask); probe.ok()) bigger(**probe);
  zone::BatchSize reserve = largest;
  reserve += largest;
  return reserve;
}

}  // namespace

size_t requests_needed(const zone::WorkingCopy& wc) {
  if (!wc.changed()) return 0;
  if (wc.size().fits()) return 1;
  return zone::plan_push(zone::change_groups(wc), push_reserve(wc)).requests.size();
}

const char* ZoneCommitter::state_name(State s) {
  switch (s) {
    case State::kIdle: return "idle";
    case State::kPacing: return "pacing";
    case State::kSending: return "sending";
    case State::kBackingOff: return "backing-off";
    case State::kRereading: return "re-reading";
    case State::kLockWait: return "lock-wait";
  }
  return "?";
}

ZoneCommitter::ZoneCommitter(loop::EventBase& loop, zone::Mirror mirror, std::string zone_id,
                             ZoneBackend& backend, CommitterOptions options)
    : loop_(loop),
      mirror_(std::move(mirror)),
      zone_id_(std::move(zone_id)),
      backend_(backend),
      options_(std::move(options)),
      pace_timer_(loop, [this] {
        paced_ = true;
        set_state(State::kIdle, "rate-limit token due");
        kick();
      }),
      cas_timer_(loop, [this] {
        if (!flight_) {  // abandoned at shutdown while backing off
          set_state(State::kIdle, "abandoned");
          kick();
          return;
        }
        reread_then_retry();
      }),
      lock_timer_(loop, [this] {
        std::weak_ptr<bool> alive = alive_;
        uint64_t stamp = ++stamp_;
        backend_.read_names(zone_id_, {mirror_.apex()}, [this, alive, stamp](Result<std::vector<r53::RecordSet>> sets) {
          if (auto p = alive.lock(); !p || !*p) return;
          Status s = sets.status();
          if (s.ok()) s = mirror_.reload_names({mirror_.apex()}, *sets, stamp);
          refresh_written({mirror_.apex()}, false);
          if (!s.ok())
            log::warning("zone %s: re-reading the apex while waiting for a push lock failed: %s", zone_name().c_str(),
                         s.to_string().c_str());
          set_state(State::kIdle, "looked at the push lock again");
          kick();
        });
      }),
      refresh_timer_(loop, [this] { refresh_request(); }),
      alive_(std::make_shared<bool>(true)) {
  if (!options_.rng) options_.rng = make_system_rng();
  if (options_.refresh_interval_ms > 0) refresh_timer_.start_once(options_.refresh_interval_ms);
  // Tokens only need to differ from another writer's: not drawn from options_.rng, whose draws
  // tests count.
  token_ = static_cast<uint32_t>(make_system_rng()() * 16777216.0);
}

ZoneCommitter::~ZoneCommitter() { *alive_ = false; }

void ZoneCommitter::set_state(State next, const char* why) {
  if (next == state_) return;
  log::debug("zone %s: commit %s -> %s (%s)", zone_name().c_str(), state_name(state_), state_name(next), why);
  state_ = next;
}

uint32_t ZoneCommitter::next_token() { return token_ = (token_ + 1) & ~zone::kSoaLockMask; }

void ZoneCommitter::submit(std::unique_ptr<Edit> edit, AnswerFn done) {
  ++stats_.submitted;
  prune_answered();
  std::string key = edit->dedup_key();
  std::weak_ptr<bool> alive = alive_;
  auto later = [this, alive](AnswerFn fn, EditAnswer a) {
    loop_.defer([alive, fn = std::move(fn), a = std::move(a)] {
      if (auto p = alive.lock(); p && *p) fn(a);
    });
  };
  if (!key.empty()) {
    if (auto it = pending_by_key_.find(key); it != pending_by_key_.end()) {
      ++stats_.duplicates;
      log::debug("zone %s: %s is a retransmission; joins the one waiting", zone_name().c_str(),
                 edit->describe().c_str());
      it->second->waiters.push_back(std::move(done));
      return;
    }
    if (auto it = answered_.find(key); it != answered_.end()) {
      ++stats_.duplicates;
      EditAnswer a = it->second.answer;
      a.replayed = true;
      later(std::move(done), std::move(a));
      return;
    }
  }
  if (!accepting_) {
    later(std::move(done), EditAnswer{LDNS_RCODE_SERVFAIL, "shutting down"});
    return;
  }
  if (queue_.size() >= options_.max_queue) {
    later(std::move(done), EditAnswer{LDNS_RCODE_SERVFAIL, "commit queue full"});
    return;
  }
  auto p = std::make_unique<Pending>();
  p->edit = std::move(edit);
  p->dedup_key = std::move(key);
  p->waiters.push_back(std::move(done));
  p->arrival = ++stamp_;
  if (!p->dedup_key.empty()) pending_by_key_[p->dedup_key] = p.get();
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
  if (refresh_.ready && state_ == State::kIdle && !flight_) apply_refresh_page();
  while (state_ == State::kIdle && !queue_.empty()) {
    if (lock_holds_us_up()) return;
    if (!paced_ && accepting_) {
      int64_t delay = backend_.send_delay_ms(zone_id_);
      if (delay > 0) {
        set_state(State::kPacing, "waiting for a rate-limit token");
        pace_timer_.start_once(delay);
        return;
      }
    }
    paced_ = false;
    build_and_send();
  }
}

bool ZoneCommitter::lock_holds_us_up() {
  zone::RRset::Ptr soa = mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA);
  if (!zone::soa_is_locked(*soa)) {
    foreign_mark_.reset();
    taking_over_ = false;
    return false;
  }
  if (own_mark_ && own_mark_->same_data(*soa)) return false;
  int64_t now = loop_.now_ms();
  if (!foreign_mark_ || !foreign_mark_->same_data(*soa)) {
    foreign_mark_ = soa;
    foreign_since_ms_ = now;
    taking_over_ = false;
    ++stats_.lock_waits;
    log::notice("zone %s: another writer holds the push lock (SOA serial %u is marked); waiting until it is "
                "released, or unchanged for %lld ms",
                zone_name().c_str(), soa->soa_serial(), static_cast<long long>(options_.lock_lease_ms));
  }
  int64_t left = foreign_since_ms_ + options_.lock_lease_ms - now;
  if (left <= 0) {
    if (!taking_over_) {
      ++stats_.lock_takeovers;
      log::warning("zone %s: the push lock has not moved for %lld ms: its holder stopped; taking it over",
                   zone_name().c_str(), static_cast<long long>(now - foreign_since_ms_));
    }
    taking_over_ = true;
    return false;
  }
  set_state(State::kLockWait, "another writer's push lock");
  lock_timer_.start_once(std::min(options_.lock_poll_ms, left));
  return true;
}

void ZoneCommitter::build_and_send() {
  if (queue_.front()->edit->exclusive()) {
    build_exclusive();
    return;
  }
  auto f = std::make_unique<Flight>();
  f->wc = std::make_unique<zone::WorkingCopy>(mirror_, options_.write_rules);
  zone::WorkingCopy& wc = *f->wc;
  wc.track_reliances(options_.verify_foreign);
  size_t limit = options_.max_batch_updates ? options_.max_batch_updates : SIZE_MAX;
  f->from_suspects = suspects_ > 0;
  if (f->from_suspects) limit = std::min(limit, std::min(std::max<size_t>(split_cap_, 1), suspects_));

  std::vector<PendingPtr> deferred;    // waiting for a read first (see unread_reliances)
  std::set<zone::Name> deferred_names;  // the names they read
  while (!queue_.empty() && f->members.size() < limit && !queue_.front()->edit->exclusive()) {
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
      answer(take(), {LDNS_RCODE_SERVFAIL, "the zone kept changing behind route53d (compare-and-swap lost " +
                                               std::to_string(p.cas_rounds) + " times)"});
      if (split_done()) break;
      continue;
    }
    if (!deferred.empty() && shares_names(*p.edit, deferred_names)) break;  // stays behind them
    zone::WorkingCopy::Mark mark = wc.mark();
    bool changed_before = wc.changed();
    EditResult o = p.edit->apply(wc);
    // An edit that asserts what it reads (or reads it after it arrived) needs no fresh names: the
    // reliance check below covers it, and re-reading every name a batch touches after another
    // writer moved the SOA would cost a read per batch until the next whole-zone read.
    bool covered = options_.verify_foreign && p.edit->asserts_reads();
    if (!covered && wc.read_stale_since(mark)) {
      // Whatever it decided may rest on another writer's older data: re-read first.
      wc.rollback(mark);
      if (!f->members.empty()) break;  // it leads the next batch
      reread_stale(take(), f->from_suspects);
      return;
    }
    // Writers that do not go through route53d: what it rests on and the batch cannot assert must
    // have been read since it arrived.
    if (auto unread = unread_reliances(p, wc, mark, !o.ok() || !wc.changed()); !unread.empty()) {
      wc.rollback(mark);
      if (f->members.empty()) {
        read_first(take(), std::move(unread), f->from_suspects);
        return;
      }
      if (f->from_suspects || deferred.size() >= zone::kMaxBatchRecords) break;  // it leads the next batch
      // It waits for the read that leads the next batch; the edits behind it that share none of
      // its names commute with it and may go now (serializable: as if they had come first).
      for (auto& n : p.edit->names_read(mirror_.apex())) deferred_names.insert(std::move(n));
      deferred.push_back(take());
      continue;
    }
    if (!wc.creates_hold() && !f->members.empty()) {
      // It undoes a CREATE on which an earlier edit's absence rests: it leads the next batch.
      wc.rollback(mark);
      break;
    }
    if (!o.ok()) {
      wc.rollback(mark);  // its writes are undone already (Edit::apply); its reliances go too
      if (!changed_before) {
        answer(take(), {o.rcode, o.reason});  // rests on the mirror alone
      } else {
        PendingPtr m = take();
        m->verdict = EditAnswer{o.rcode, o.reason};
        f->members.push_back(std::move(m));
      }
      if (split_done()) break;
      continue;
    }
    if (zone::BatchSize s = wc.size(); !s.fits()) {
      wc.rollback(mark);
      if (!changed_before) {
        // Alone it is already larger than one request: it can never be one atomic batch.
        answer(take(), {LDNS_RCODE_REFUSED, "larger than one Route 53 change batch (" + std::to_string(s.records) +
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
  for (auto it = deferred.rbegin(); it != deferred.rend(); ++it) queue_.push_front(std::move(*it));
  if (f->members.empty()) return;

  zone::Batch b = zone::diff(wc);
  if (b.empty()) {
    // Nothing to change (duplicates, deletes of absent data, changes that cancel out): no call,
    // no serial bump; every answer is that of a serial run ending where the mirror is.
    EditAnswer done{LDNS_RCODE_NOERROR, ""};
    done.serial = mirror_.serial();
    for (auto& m : f->members) answer_member(std::move(m), done);
    return;
  }
  f->chain.push_back(std::move(b));
  send(std::move(f));
}

void ZoneCommitter::build_exclusive() {
  auto take = [&]() {
    PendingPtr out = std::move(queue_.front());
    queue_.pop_front();
    if (suspects_ > 0) --suspects_;
    return out;
  };
  Pending& p = *queue_.front();
  if (p.cas_rounds > options_.max_cas_rounds) {
    answer(take(), {LDNS_RCODE_SERVFAIL, "the zone kept changing behind route53d (compare-and-swap lost " +
                                             std::to_string(p.cas_rounds) + " times)"});
    return;
  }
  if (taking_over_ && !p.edit->reads_whole_zone()) {
    EditAnswer a{LDNS_RCODE_SERVFAIL,
                 "another writer's push lock was taken over: it may have left changes anywhere in the zone"};
    a.full_sync_needed = true;
    answer(take(), a);
    return;
  }
  auto f = std::make_unique<Flight>();
  f->wc = std::make_unique<zone::WorkingCopy>(mirror_, options_.write_rules);
  zone::WorkingCopy& wc = *f->wc;
  zone::WorkingCopy::Mark mark = wc.mark();
  EditResult r = p.edit->apply(wc);
  if (wc.read_stale_since(mark)) {
    wc.rollback(mark);
    reread_stale(take(), false);
    return;
  }
  if (!r.ok()) {
    answer(take(), {r.rcode, r.reason});
    return;
  }
  if (!wc.changed()) {
    EditAnswer done{LDNS_RCODE_NOERROR, ""};
    done.serial = mirror_.serial();
    answer(take(), done);
    return;
  }
  f->members.push_back(take());
  // wc.size() is exact and O(1): build the change list only for a change that fits one request
  // (diff() of a 100,000-record zone was 138 MB of RecordSet copies, thrown away at once).
  if (wc.size().fits()) {
    f->chain.push_back(zone::diff(wc));
    send(std::move(f));
    return;
  }
  // A push of several requests under the push lock (see the header).
  std::vector<zone::ChangeGroup> groups = zone::change_groups(wc);
  zone::RRset::Ptr cur = mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA);
  zone::RRset::Ptr last = zone::final_soa(wc);
  zone::PushPlan plan = zone::plan_push(groups, push_reserve(wc));
  if (!plan.too_large.empty()) {
    const auto& t = plan.too_large.front();
    answer(std::move(f->members.front()),
           {LDNS_RCODE_REFUSED, groups[t.group].owner.to_text() + ": " + t.why.text});
    return;
  }
  std::vector<zone::RRset::Ptr> soas;
  for (size_t k = 0; k + 1 < plan.requests.size(); ++k) {
    auto m = zone::soa_locked(*cur, next_token());
    if (!m.ok()) {
      answer(std::move(f->members.front()), {LDNS_RCODE_SERVFAIL, "cannot mark the SOA: " + m.status().message()});
      return;
    }
    soas.push_back(*m);
  }
  soas.push_back(last);
  f->chain = zone::diff_in_requests(wc, plan.requests, soas);
  // A push needs its requests, not the working copy (a lost compare-and-swap re-reads the names
  // of the failed request): free it, a 100,000-record push's largest transient.
  f->wc.reset();
  zone::BatchSize total;
  for (const auto& g : groups) total += g.size;
  ++stats_.pushes;
  log::info("zone %s: %s: %zu owner names changed (%zu records, %zu characters): %zu requests under the push lock "
            "(at least %zu)",
            zone_name().c_str(), f->members.front()->edit->describe().c_str(), groups.size(), total.records,
            total.chars, f->chain.size(), plan.lower_bound);
  send(std::move(f));
}

void ZoneCommitter::send(std::unique_ptr<Flight> f) {
  f->step = 0;
  flight_ = std::move(f);
  send_step();
}

void ZoneCommitter::send_step() {
  Flight& f = *flight_;
  zone::Batch& b = f.chain[f.step];
  if (f.step > 0) b.base_generation = mirror_.generation();  // built on the mirror after step - 1
  r53::ChangeBatch cb;
  if (f.push())
    cb.comment = "route53d: " + f.members.front()->edit->describe() + ", request " + std::to_string(f.step + 1) +
                 " of " + std::to_string(f.chain.size()) + ", serial " + std::to_string(f.chain.back().new_serial);
  else
    cb.comment = "route53d: " + std::to_string(f.writers()) + " update(s), serial " + std::to_string(b.new_serial);
  if (cb.comment.size() > 256) cb.comment.resize(256);  // Route 53's limit (route53-api.md §3.8)
  cb.changes = zone::request_changes(b);
  stats_.asserted += b.asserted.size();
  log::debug("zone %s: sending request %zu/%zu: %zu edit(s), %zu changes, %zu records, %zu characters, serial %u -> %u",
             zone_name().c_str(), f.step + 1, f.chain.size(), f.writers(), cb.changes.size(), b.size.records,
             b.size.chars, b.old_serial, b.new_serial);
  ++stats_.batches_sent;
  set_state(State::kSending, "change request sent");
  std::weak_ptr<bool> alive = alive_;
  backend_.change_rrsets(zone_id_, cb, [this, alive](ChangeOutcome o) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_change_done(std::move(o));
  });
}

void ZoneCommitter::on_change_done(ChangeOutcome outcome) {
  if (!flight_ || state_ != State::kSending) return;  // abandoned at shutdown
  if (outcome.info.ok()) {
    Flight& f = *flight_;
    const zone::Batch& b = f.batch();
    Status s = mirror_.commit(b);
    refresh_written(b.names(), false);
    if (!s.ok()) {
      // Cannot happen while the committer is the mirror's only writer; the next batch will lose
      // its compare-and-swap and re-read, so the zone heals.
      log::error("zone %s: accepted batch did not apply to the mirror: %s", zone_name().c_str(),
                 s.to_string().c_str());
    }
    ++stats_.batches_accepted;
    for (auto& m : f.members)
      if (!m->verdict) ++m->requests;
    if (f.step + 1 < f.chain.size()) {
      own_mark_ = b.swaps.back().after;  // the SOA swap comes last
      log::info("zone %s: push request %zu of %zu accepted as change %s", zone_name().c_str(), f.step + 1,
                f.chain.size(), r53::bare_id(outcome.info->id).c_str());
      ++f.step;
      send_step();
      return;
    }
    std::unique_ptr<Flight> done = std::move(flight_);
    own_mark_.reset();
    stats_.max_batch = std::max(stats_.max_batch, done->writers());
    if (suspects_ == 0) split_cap_ = 0;
    if (done->push() || done->members.front()->edit->exclusive())  // the zone logs the result
      log::debug("zone %s: Route 53 accepted %s as change %s (%zu request(s)), serial %u", zone_name().c_str(),
                done->members.front()->edit->describe().c_str(), r53::bare_id(outcome.info->id).c_str(),
                done->chain.size(), b.new_serial);
    else
      log::info("zone %s: Route 53 accepted %zu update(s) as change %s, serial %u", zone_name().c_str(),
                done->writers(), r53::bare_id(outcome.info->id).c_str(), b.new_serial);
    EditAnswer ok{LDNS_RCODE_NOERROR, ""};
    ok.change_id = outcome.info->id;
    ok.serial = b.new_serial;
    for (auto& m : done->members) answer_member(std::move(m), ok);
    set_state(State::kIdle, "accepted");
    if (on_accepted_) on_accepted_(outcome.info->id, mirror_.find(mirror_.apex(), LDNS_RR_TYPE_SOA));
    kick();
    return;
  }

  std::unique_ptr<Flight> f = std::move(flight_);
  set_state(State::kIdle, "change request failed");
  std::string why = outcome.error_code.empty() ? outcome.info.status().message()
                                               : outcome.error_code + ": " + outcome.error_message;
  if (f->push()) why = "request " + std::to_string(f->step + 1) + " of " + std::to_string(f->chain.size()) + ": " + why;
  switch (classify_rejection(outcome)) {
    case Rejection::kCasLost:
      on_cas_lost(std::move(f), why, outcome.maybe_applied);
      return;
    case Rejection::kBadBatch:
      split_or_refuse(std::move(f), why);
      break;
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

size_t ZoneCommitter::Flight::writers() const {
  return static_cast<size_t>(
      std::count_if(members.begin(), members.end(), [](const PendingPtr& m) { return !m->verdict; }));
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

void ZoneCommitter::answer_member(PendingPtr p, const EditAnswer& done) {
  EditAnswer a = p->verdict.value_or(done);
  if (!p->verdict) a.requests = p->requests;
  answer(std::move(p), a);
}

void ZoneCommitter::answer(PendingPtr p, const EditAnswer& a) {
  if (a.rcode == LDNS_RCODE_NOERROR)
    ++stats_.noerror;
  else
    ++stats_.failed;
  if (!p->dedup_key.empty()) {
    pending_by_key_.erase(p->dedup_key);
    int64_t expires = loop_.now_ms() + options_.dedup_window_ms;
    answered_[p->dedup_key] = Answered{a, expires};
    answered_order_.emplace_back(expires, p->dedup_key);
  }
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
  refresh_timer_.cancel();
  suspects_ = 0;
  while (!queue_.empty()) {
    PendingPtr p = std::move(queue_.front());
    queue_.pop_front();
    answer(std::move(p), {LDNS_RCODE_SERVFAIL, "shutting down"});
  }
}

void ZoneCommitter::abandon_in_flight() {
  if (std::unique_ptr<Flight> f = std::move(flight_)) {
    for (auto& m : f->members) answer(std::move(m), {LDNS_RCODE_SERVFAIL, "shutting down before Route 53 answered"});
  }
  cas_timer_.cancel();
  pace_timer_.cancel();
  lock_timer_.cancel();
  refresh_timer_.cancel();
  set_state(State::kIdle, "abandoned at shutdown");
  stop_accepting();
}

}  // namespace r53d::commit
