// One served hosted zone: load, commit pipeline, confirmed SOA, and a secondary zone's refreshes.
#include "daemon/managed_zone.h"

#include <algorithm>

#include "commit/sync_edit.h"
#include "dns/serial.h"
#include "util/log.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::daemon {
namespace {

xfr::RefreshLimits limits_of(const config::SecondaryConfig& s) {
  auto sec = [](int64_t ms) { return static_cast<uint32_t>(std::clamp<int64_t>(ms / 1000, 1, UINT32_MAX)); };
  xfr::RefreshLimits l;
  l.min_refresh_s = sec(s.refresh_min_ms);
  l.max_refresh_s = sec(s.refresh_max_ms);
  l.min_retry_s = sec(s.retry_min_ms);
  l.max_retry_s = sec(s.retry_max_ms);
  l.min_expire_s = sec(s.expire_min_ms);
  l.max_expire_s = sec(s.expire_max_ms);
  // Before any SOA is known (a first AXFR that keeps failing): back off from retry-min.
  l.initial_retry_s = std::min<uint32_t>(60, l.min_retry_s);
  return l;
}

std::optional<xfr::SoaTimers> timers_of(const zone::RRset& soa) {
  auto f = zone::soa_fields(soa);
  if (!f.ok()) return std::nullopt;
  return xfr::SoaTimers{f->refresh, f->retry, f->expire};
}

}  // namespace

const char* ManagedZone::state_name(State s) {
  switch (s) {
    case State::kLocating: return "locating";
    case State::kLoading: return "loading";
    case State::kLoadFailed: return "load-failed";
    case State::kIdle: return "idle";
    case State::kChecking: return "checking";
    case State::kPushing: return "pushing";
    case State::kStopped: return "stopped";
  }
  return "?";
}

const char* ManagedZone::freshness_name(Freshness f) {
  switch (f) {
    case Freshness::kUnsynced: return "unsynced";
    case Freshness::kFresh: return "fresh";
    case Freshness::kRetrying: return "retrying";
    case Freshness::kExpired: return "expired";
  }
  return "?";
}

ManagedZone::ManagedZone(ZoneServices services, config::ZoneConfig config, zone::Name apex, ManagedZoneOptions options)
    : services_(services),
      config_(std::move(config)),
      apex_(std::move(apex)),
      options_(std::move(options)),
      zone_id_(config_.hosted_zone_id),
      load_timer_(services_.loop, [this] { load(); }),
      timers_(limits_of(config_.secondary), options_.rng ? options_.rng : make_system_rng()),
      refresh_timer_(services_.loop, [this] { check(false, std::nullopt, "refresh timer"); }),
      expire_timer_(services_.loop, [this] { on_expire_check(); }),
      alive_(std::make_shared<bool>(true)) {
  load_retry_ms_ = options_.load_retry_min_ms;
  options_.committer.write_rules.apex_ns = config_.secondary.apex_ns == config::ApexNsPolicy::kPrimary &&
                                           config_.mode == config::ZoneMode::kSecondary;
  options_.committer.lock_lease_ms = config_.lock_lease_ms;
  // Writers that do not go through route53d (commit/zone_committer.h).
  options_.committer.verify_foreign = !config_.trust_mirror;
  options_.committer.refresh_interval_ms = config_.background_refresh_ms;
}

ManagedZone::~ManagedZone() { *alive_ = false; }

void ManagedZone::set_state(State next, const std::string& why) {
  if (next == state_) return;
  log::debug("zone %s: %s -> %s (%s)", name().c_str(), state_name(state_), state_name(next), why.c_str());
  state_ = next;
}

void ManagedZone::set_freshness(Freshness next, const std::string& why) {
  if (next == freshness_) return;
  Freshness was = freshness_;
  freshness_ = next;
  if (next == Freshness::kExpired)
    log::error("zone %s: EXPIRED: %s; SOA queries are answered SERVFAIL; Route 53 keeps serving the data last pushed",
               name().c_str(), why.c_str());
  else if (was == Freshness::kExpired)
    log::notice("zone %s: no longer expired: %s", name().c_str(), why.c_str());
  else
    log::debug("zone %s: %s -> %s (%s)", name().c_str(), freshness_name(was), freshness_name(next), why.c_str());
}

void ManagedZone::start(std::function<void(Status)> loaded) {
  loaded_ = std::move(loaded);
  if (zone_id_.empty())
    locate();
  else
    load();
}

void ManagedZone::locate() {
  set_state(State::kLocating, "looking up the hosted zone by name");
  std::weak_ptr<bool> alive = alive_;
  services_.client->find_hosted_zones_by_name(config_.name, [this, alive](r53::ApiResult<std::vector<r53::HostedZone>> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    if (!r.ok()) return load_failed("cannot look up its hosted zone: " + r.status().message());
    const auto& found = r.value();
    auto fail = [&](const std::string& why) {
      set_state(State::kStopped, "configuration error");
      if (auto cb = std::exchange(loaded_, nullptr)) cb(Status::invalid_argument(why));
    };
    if (found.empty())
      return fail(config_.where.str() + ": zone " + config_.name +
                  ": no hosted zone of that name in this AWS account (set hosted-zone-id?)");
    if (found.size() > 1) {
      std::string ids;
      for (const auto& hz : found) ids += (ids.empty() ? "" : ", ") + r53::bare_id(hz.id) + (hz.private_zone ? " (private)" : "");
      return fail(config_.where.str() + ": zone " + config_.name + ": several hosted zones have that name: " + ids +
                  "; set hosted-zone-id to choose one");
    }
    zone_id_ = r53::bare_id(found.front().id);
    log::info("zone %s: hosted zone %s", name().c_str(), zone_id_.c_str());
    load();
  });
}

void ManagedZone::load() {
  if (zone_id_.empty()) return locate();
  set_state(State::kLoading, "reading the hosted zone");
  std::weak_ptr<bool> alive = alive_;
  services_.client->list_rrsets(zone_id_, [this, alive](r53::ApiResult<std::vector<r53::RecordSet>> r) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_loaded(std::move(r));
  });
}

void ManagedZone::load_failed(const std::string& why) {
  log::error("zone %s%s: %s; not served; loading it again in %lld s", name().c_str(),
             zone_id_.empty() ? "" : (" (" + zone_id_ + ")").c_str(), why.c_str(),
             static_cast<long long>(load_retry_ms_ / 1000));
  set_state(State::kLoadFailed, why);
  load_timer_.start_once(load_retry_ms_);
  load_retry_ms_ = std::min(load_retry_ms_ * 2, options_.load_retry_max_ms);
  // The daemon goes on with the other zones.
  if (auto cb = std::exchange(loaded_, nullptr)) cb(Status());
}

void ManagedZone::on_loaded(r53::ApiResult<std::vector<r53::RecordSet>> r) {
  if (state_ == State::kStopped) return;
  if (!r.ok()) return load_failed("cannot read its record sets: " + r.status().message());
  size_t n = r.value().size();
  auto mirror = zone::Mirror::load(apex_, std::move(r.value()));
  if (!mirror.ok()) return load_failed(mirror.status().message());
  zone::RRset::Ptr soa = mirror->find(apex_, LDNS_RR_TYPE_SOA);
  log::info("zone %s: %zu record sets loaded from hosted zone %s (%d API requests), serial %u%s", name().c_str(), n,
            zone_id_.c_str(), r.requests, mirror->serial(),
            zone::soa_is_locked(*soa) ? " (its SOA carries a push lock)" : "");
  adopt(std::move(*mirror), zone_id_);
}

void ManagedZone::adopt(zone::Mirror mirror, std::string zone_id) {
  zone_id_ = std::move(zone_id);
  zone::RRset::Ptr soa = mirror.find(apex_, LDNS_RR_TYPE_SOA);
  load_retry_ms_ = options_.load_retry_min_ms;
  committer_ = std::make_unique<commit::ZoneCommitter>(services_.loop, std::move(mirror), zone_id_, services_.backend,
                                                       options_.committer);
  confirmed_ = std::make_unique<commit::ConfirmedSoa>(soa);
  committer_->set_on_accepted([this](const std::string& id, zone::RRset::Ptr s) { on_accepted(id, std::move(s)); });
  set_state(State::kIdle, "loaded");
  if (auto cb = std::exchange(loaded_, nullptr)) cb(Status());
  if (!secondary()) return;
  // The expire clock starts now (no state survives a restart); the first check is a full
  // transfer and comparison, which repairs whatever changed behind route53d or was left half-done.
  if (auto t = timers_of(*soa)) timers_.on_success(*t, services_.loop.now_ms());
  if (auto d = timers_.expire_deadline_ms()) expire_timer_.start_once(std::max<int64_t>(0, *d - services_.loop.now_ms()));
  force_axfr_ = true;
  check(true, std::nullopt, "start");
}

void ManagedZone::on_accepted(const std::string& change_id, zone::RRset::Ptr soa) {
  confirmed_->accepted(change_id, std::move(soa));
  if (change_id.empty() || !services_.poller) return;
  commit::ConfirmedSoa* confirmed = confirmed_.get();
  std::string zname = name();
  // The watch may outlive the zone (a reload drops a zone whose last change is still PENDING; the
  // poller is keyed by hosted zone id, which its replacement shares): alive_ says.
  std::weak_ptr<bool> alive = alive_;
  services_.poller->watch(zone_id_, change_id, [confirmed, zname, alive](const r53::ChangeDone& d) {
    if (auto p = alive.lock(); !p || !*p) return;
    if (!d.status.ok()) {
      log::warning("zone %s: change %s: %s", zname.c_str(), r53::bare_id(d.change_id).c_str(),
                   d.status.to_string().c_str());
      return;
    }
    if (confirmed->insync(d.change_id))
      log::info("zone %s: change %s INSYNC after %lld ms; serial %u confirmed", zname.c_str(),
                r53::bare_id(d.change_id).c_str(), static_cast<long long>(d.took_ms), confirmed->serial());
  });
}

void ManagedZone::stop() {
  if (state_ == State::kStopped) return;
  set_state(State::kStopped, "shutting down");
  load_timer_.cancel();
  refresh_timer_.cancel();
  expire_timer_.cancel();
  refresh_.reset();
  if (committer_) committer_->stop_accepting();
}

// ---- secondary zones ---------------------------------------------------------------------------

void ManagedZone::notify(std::optional<uint32_t> hint, std::optional<size_t> primary, const std::string& client) {
  ++stats_.notifies;
  if (!serving() || !secondary()) return;
  uint32_t pushed = committer_->mirror().serial();
  // RFC 1996 §3.7: the serial in a NOTIFY is only a hint; equal to what is pushed, nothing to do.
  if (hint && *hint == pushed && state_ == State::kIdle && freshness_ != Freshness::kUnsynced) {
    log::info("zone %s: NOTIFY from %s with serial %u: Route 53 already holds it", name().c_str(), client.c_str(), *hint);
    return;
  }
  if (state_ == State::kChecking || state_ == State::kPushing) {
    // Coalesced: one more check once this one is done (BIND's "need refresh").
    log::info("zone %s: NOTIFY from %s%s while a %s is under way: one more check afterwards", name().c_str(),
              client.c_str(), hint ? (" (serial " + std::to_string(*hint) + ")").c_str() : "",
              state_ == State::kChecking ? "check" : "push");
    recheck_ = true;
    recheck_primary_ = primary;
    return;
  }
  check(false, primary, "NOTIFY from " + client + (hint ? " (serial " + std::to_string(*hint) + ")" : ""));
}

void ManagedZone::check(bool force_axfr, std::optional<size_t> preferred, const std::string& why) {
  if (!serving() || !secondary() || !services_.transfers) return;
  if (state_ == State::kChecking || state_ == State::kPushing) {
    recheck_ = true;
    if (preferred) recheck_primary_ = preferred;
    return;
  }
  refresh_timer_.cancel();
  ++stats_.checks;
  RefreshRequest req;
  req.apex = apex_;
  req.primaries = config_.secondary.primaries;
  req.transfer_source = config_.secondary.transfer_source;
  req.preferred = preferred.value_or(0);
  req.serial = committer_->mirror().serial();
  req.force_axfr = force_axfr || force_axfr_ || !primary_;
  if (primary_ && !req.force_axfr) {
    req.ixfr_base = primary_->serial();
    req.ixfr_soa.reset(ldns_rr_clone(primary_->soa()));
  }
  set_state(State::kChecking, why);
  log::debug("zone %s: checking the primary (%s)", name().c_str(), why.c_str());
  std::weak_ptr<bool> alive = alive_;
  refresh_ = services_.transfers->refresh(std::move(req), [this, alive](RefreshResult r) {
    if (auto p = alive.lock(); !p || !*p) return;
    on_refreshed(std::move(r));
  });
}

void ManagedZone::on_refreshed(RefreshResult r) {
  services_.loop.defer_delete(std::move(refresh_));
  if (state_ != State::kChecking) return;
  const std::string& primary = r.primary < config_.secondary.primaries.size()
                                   ? config_.secondary.primaries[r.primary].str()
                                   : std::string("?");
  if (!r.status.ok()) {
    ++stats_.transfer_failures;
    return refresh_failed(r.status.message());
  }
  uint32_t pushed = committer_->mirror().serial();
  if (r.kind == RefreshResult::Kind::kUpToDate) {
    if (r.serial_went_backwards)
      log::warning("zone %s: primary %s has serial %u, older than the %u Route 53 holds: nothing transferred "
                   "(a primary whose serial went backwards; route53d --sync %s --force copies it anyway)",
                   name().c_str(), primary.c_str(), r.primary_serial, pushed, name().c_str());
    else
      log::debug("zone %s: primary %s has serial %u: up to date", name().c_str(), primary.c_str(), r.primary_serial);
    if (primary_ && !copy_pushed_ && !dns::serial_gt(pushed, primary_->serial())) {
      // Our copy is the primary's current version but its push failed (Route 53 may hold part of
      // it, under the same serial or an older one): push it again, comparing the whole zone.
      return push(primary_, std::nullopt, "serial " + std::to_string(primary_->serial()) + " (pushed again)", pushed);
    }
    return refresh_ok(r.primary_serial);
  }
  if (r.kind == RefreshResult::Kind::kFull) {
    ++stats_.transfers_full;
    auto pz = zone::PrimaryZone::from_full(apex_, r.soa.get(), r.records.get());
    if (!pz.ok()) {
      ++stats_.transfer_failures;
      return refresh_failed("the transfer from " + primary + " is not a usable zone: " + pz.status().message());
    }
    stats_.records_transferred += pz->record_count() + 1;
    primary_ = std::make_shared<zone::PrimaryZone>(std::move(*pz));
    copy_pushed_ = false;
    force_axfr_ = false;
    // The transfer's serial, not the SOA query's: the zone may have changed in between.
    return push(primary_, std::nullopt, r.how + " serial " + std::to_string(primary_->serial()) + " from " + primary,
                pushed);
  }
  // Incremental: every difference sequence applies to our copy of the primary's zone, or the
  // copy diverged and only a full transfer helps (dns-protocol.md §5.7).
  ++stats_.transfers_incremental;
  std::set<zone::Name> changed;
  uint32_t from = primary_ ? primary_->serial() : 0;
  for (auto& d : r.deltas) {
    stats_.records_transferred += (d.deleted ? ldns_rr_list_rr_count(d.deleted.get()) : 0) +
                                  (d.added ? ldns_rr_list_rr_count(d.added.get()) : 0);
    auto names = primary_ ? primary_->apply_delta(d.old_soa.get(), d.deleted.get(), d.new_soa.get(), d.added.get())
                          : Result<std::set<zone::Name>>(Status::failed_precondition("no copy of the zone"));
    if (!names.ok()) {
      log::notice("zone %s: IXFR from %s does not apply to the zone as last transferred (%s): AXFR instead",
                  name().c_str(), primary.c_str(), names.status().message().c_str());
      primary_.reset();  // partly applied: useless now
      force_axfr_ = true;
      set_state(State::kIdle, "IXFR did not apply");
      return check(true, r.primary, "IXFR did not apply");
    }
    changed.insert(names->begin(), names->end());
    copy_pushed_ = false;
  }
  push(primary_, std::vector<zone::Name>(changed.begin(), changed.end()),
       r.how + " " + std::to_string(from) + " -> " + std::to_string(primary_->serial()) + " from " + primary, pushed,
       from);
}

void ManagedZone::push(std::shared_ptr<const zone::PrimaryZone> primary, std::optional<std::vector<zone::Name>> scope,
                       const std::string& what, uint32_t from_serial, std::optional<uint32_t> scope_base) {
  commit::SyncOptions o;
  if (scope) o.scope_base_serial = scope_base;
  o.policy.apex_ns_from_primary = config_.secondary.apex_ns == config::ApexNsPolicy::kPrimary;
  o.policy.soa_timers_from_primary = config_.secondary.soa_timers == config::SoaTimersPolicy::kPrimary;
  o.max_change_percent = config_.secondary.max_change_percent;
  o.record_set_quota = config_.record_set_quota;
  auto report = std::make_shared<commit::SyncReport>();
  bool whole = !scope.has_value();
  set_state(State::kPushing, what);
  std::weak_ptr<bool> alive = alive_;
  committer_->submit(std::make_unique<commit::SyncEdit>(std::move(primary), std::move(scope), o, what, report),
                     [this, alive, report, what, from_serial, whole](const commit::EditAnswer& a) {
                       if (auto p = alive.lock(); !p || !*p) return;
                       // Skipped records: each name/type once in the log, all of them counted.
                       for (const auto& s : report->skipped) {
                         // The apex NS set staying Route 53's is the configured behaviour, not news.
                         if (s.reason == zone::Rule::kApexNs) continue;
                         if (skips_logged_.insert({s.owner, s.type}).second)
                           log::notice("zone %s: not pushed: %s", name().c_str(), s.to_string().c_str());
                       }
                       for (const auto& t : report->ttl_lowered_text)
                         log::info("zone %s: records with different TTLs: %s", name().c_str(), t.c_str());
                       if (whole) skips_ = report->skips;  // a partial scope counts only its names
                       if (report->scope_stale && primary_) {
                         // Route 53 does not hold the version the IXFR started from (an earlier
                         // push failed, or another writer pushed): its names are not all that
                         // differs.
                         log::notice("zone %s: %s: %s; comparing the whole zone", name().c_str(), what.c_str(),
                                     a.reason.c_str());
                         return push(primary_, std::nullopt, what + " (whole zone)", committer_->mirror().serial());
                       }
                       if (report->route53_newer) {
                         log::notice("zone %s: %s: Route 53 already holds serial %u (another writer pushed a newer "
                                     "version): checking the primary again",
                                     name().c_str(), what.c_str(), report->route53_serial);
                         recheck_ = true;
                         // Not a failure: with two route53d following the same primary the other
                         // one is often first. No error line, no retry back-off, freshness as it
                         // was; the check right after tells what the primary holds now.
                         if (a.rcode != LDNS_RCODE_NOERROR) return idle_or_recheck();
                       }
                       if (a.rcode == LDNS_RCODE_NOERROR) {
                         ++stats_.pushes;
                         copy_pushed_ = true;
                         if (a.requests == 0)
                           log::info("zone %s: %s: Route 53 already equal (no change request)", name().c_str(),
                                     what.c_str());
                         else
                           log::info("zone %s: %s: pushed %zu new, %zu changed, %zu deleted record sets in %zu "
                                     "request(s) (change %s), serial %u -> %u%s",
                                     name().c_str(), what.c_str(), report->creates, report->changes, report->deletes,
                                     a.requests, a.change_id.empty() ? "-" : r53::bare_id(a.change_id).c_str(),
                                     from_serial, a.serial,
                                     report->skips.total_rrsets() ? ("; skipped: " + report->skips.to_string()).c_str() : "");
                         return refresh_ok(a.serial);
                       }
                       on_pushed(a, what, from_serial);
                     });
}

void ManagedZone::on_pushed(const commit::EditAnswer& a, const std::string& what, uint32_t) {
  if (a.full_sync_needed && primary_) {
    log::notice("zone %s: %s: %s; comparing the whole zone", name().c_str(), what.c_str(), a.reason.c_str());
    return push(primary_, std::nullopt, what + " (whole zone)", committer_->mirror().serial());
  }
  ++stats_.push_failures;
  if (a.rcode == LDNS_RCODE_REFUSED) ++stats_.refused_by_safety;
  // A refusal by a safety rule is an error that needs a person; retried at the next refresh.
  log::error("zone %s: %s: not pushed: %s", name().c_str(), what.c_str(), a.reason.c_str());
  refresh_failed("push failed: " + a.reason);
}

void ManagedZone::refresh_ok(uint32_t serial) {
  stats_.last_success_ms = services_.loop.now_ms();
  if (primary_)
    if (auto t = xfr::soa_timers(primary_->soa()); t.ok()) timers_.on_success(*t, services_.loop.now_ms());
  set_freshness(Freshness::kFresh, "serial " + std::to_string(serial));
  if (auto d = timers_.expire_deadline_ms()) expire_timer_.start_once(std::max<int64_t>(0, *d - services_.loop.now_ms()));
  schedule_refresh(timers_.refresh_delay_ms());
  idle_or_recheck();
}

void ManagedZone::refresh_failed(const std::string& why) {
  timers_.on_failure();
  bool expired = timers_.expired(services_.loop.now_ms());
  if (expired) {
    set_freshness(Freshness::kExpired, why);
    log::error("zone %s: expired and still failing: %s", name().c_str(), why.c_str());
  } else {
    if (freshness_ != Freshness::kUnsynced) set_freshness(Freshness::kRetrying, why);
    log::warning("zone %s: refresh failed: %s; retrying in %lld s", name().c_str(), why.c_str(),
                 static_cast<long long>(timers_.retry_delay_ms() / 1000));
  }
  schedule_refresh(timers_.retry_delay_ms());
  idle_or_recheck();
}

void ManagedZone::schedule_refresh(int64_t delay_ms) { refresh_timer_.start_once(std::max<int64_t>(delay_ms, 0)); }

void ManagedZone::idle_or_recheck() {
  set_state(State::kIdle, "check done");
  if (recheck_) {
    recheck_ = false;
    std::optional<size_t> p = std::exchange(recheck_primary_, std::nullopt);
    check(false, p, "NOTIFY or timer during the last check");
  }
}

void ManagedZone::on_expire_check() {
  if (timers_.expired(services_.loop.now_ms()))
    set_freshness(Freshness::kExpired, "no successful refresh for the SOA EXPIRE time");
}

void ManagedZone::reconfigure(config::ZoneConfig next) {
  config_ = std::move(next);
  config_.hosted_zone_id = config_.hosted_zone_id.empty() ? "" : zone_id_;
  timers_.set_limits(limits_of(config_.secondary));
}

}  // namespace r53d::daemon
