// One hosted zone served by route53d (DESIGN.md "One commit pipeline, two sources"): its hosted
// zone, the commit pipeline (mirror, group commit), the confirmed SOA and its GetChange watch, and
// for a secondary zone the copy of the primary's zone and the refresh state machine (SOA timers,
// NOTIFY, IXFR/AXFR through a TransferSource, the push of each transfer as one edit).
//
//   daemon::ManagedZone z(services, zone_config, apex);
//   z.start([](Status s) { if (!s.ok()) fail(s); else zone_ready(); });
//   handler.add_zone(&z);              // queries, UPDATEs, NOTIFYs reach it through the handler
//   z.notify(hint_serial, primary_index, "192.0.2.1#53");
//   z.stop();                          // shutdown: timers and transfers cancelled
//
// States (one enum, changed only in set_state(), which logs each transition):
//
//   kLocating ──hosted zone found──▶ kLoading ──mirror loaded──▶ kIdle ◀───────────────────┐
//       (hosted-zone-id set: straight to kLoading)   │ load failed                           │
//                                                     ▼                                      │
//                                               kLoadFailed ──retry timer──▶ kLoading        │
//   secondary zones only, from kIdle:                                                        │
//     refresh timer / NOTIFY ──▶ kChecking (SOA query, transfer) ──newer──▶ kPushing ──done──┤
//                                    └── up to date / failed ───────────────────────────────┘
//   NOTIFYs and timers that fire while kChecking or kPushing are coalesced into one more check
//   right after (BIND's "need refresh").
//
// Freshness of a secondary zone (a second small enum, changed only in set_freshness()):
//   kUnsynced (nothing transferred since start) ─success─▶ kFresh ─failure─▶ kRetrying
//   kFresh/kRetrying/kUnsynced ─no success for EXPIRE─▶ kExpired ─success─▶ kFresh
// The expire clock starts when the zone is loaded (route53d keeps no state across restarts) and
// is reset by every successful refresh (a transfer pushed, or the primary's SOA found equal). An
// expired zone logs an error at each retry and its SOA queries are answered SERVFAIL; Route 53
// keeps serving the data last pushed.
//
// A dynamic zone goes kLocating → kLoading → kIdle and stays there: UPDATEs go to committer().
// A zone whose load fails (an SOA that does not parse, API errors) is not served (queries and
// UPDATEs get SERVFAIL) and is loaded again after a back-off; the other zones are unaffected.
// A hosted zone that does not exist, or several of that name, is a configuration error: start()
// reports it and the daemon stops.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "commit/backend.h"
#include "commit/confirmed_soa.h"
#include "commit/zone_committer.h"
#include "config/config.h"
#include "daemon/transfer_source.h"
#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/api.h"
#include "r53/change_poller.h"
#include "xfr/refresh_timers.h"
#include "zone/desired.h"
#include "zone/primary_zone.h"

namespace r53d::daemon {

// What every zone shares, owned by the daemon (which outlives the zones).
struct ZoneServices {
  loop::EventBase& loop;
  r53::Route53Client* client = nullptr;  // required by start(); tests adopt() a mirror instead
  commit::ZoneBackend& backend;
  r53::ChangePoller* poller = nullptr;  // nullptr: changes are not polled (tests)
  TransferSource* transfers = nullptr;  // required for secondary zones
};

struct ManagedZoneOptions {
  int64_t load_retry_min_ms = 5000;    // first wait after a failed load; doubles
  int64_t load_retry_max_ms = 300000;
  commit::CommitterOptions committer;  // write_rules and lock_lease_ms are set from the config
  UniformRng rng;                      // timer jitter; empty: make_system_rng()
};

class ManagedZone {
 public:
  enum class State { kLocating, kLoading, kLoadFailed, kIdle, kChecking, kPushing, kStopped };
  enum class Freshness { kUnsynced, kFresh, kRetrying, kExpired };
  static const char* state_name(State s);
  static const char* freshness_name(Freshness f);

  ManagedZone(ZoneServices services, config::ZoneConfig config, zone::Name apex, ManagedZoneOptions options = {});
  ~ManagedZone();
  ManagedZone(const ManagedZone&) = delete;
  ManagedZone& operator=(const ManagedZone&) = delete;

  // Finds and loads the hosted zone. `loaded` is called once, later: OK when the zone is loaded,
  // or when its load failed in a way it retries on its own (it is then not served until it
  // loads); an error for a configuration problem (no hosted zone of that name, or several).
  void start(std::function<void(Status)> loaded);
  // Serves `mirror` as the hosted zone `zone_id` just read (what start() does once it has read
  // it): the one-shot --sync mode and tests, which bring their own mirror.
  void adopt(zone::Mirror mirror, std::string zone_id);
  // Shutdown: timers and transfers cancelled, the committer stops accepting (its request in
  // flight still completes; see ZoneCommitter::stop_accepting).
  void stop();
  bool idle() const { return !committer_ || committer_->idle(); }

  // A reload changed keys of this zone that need no new mirror (daemon/reload.h "updated"):
  // primaries, allow-notify, transfer-source, timer bounds, max-change-percent, soa-timers,
  // record-set-quota, allow-update (the handler's). Takes effect at the next check or push.
  void reconfigure(config::ZoneConfig next);

  // A NOTIFY the handler accepted (allowed source, right key) for this secondary zone. `hint` is
  // the serial of the SOA in its answer section, if any (RFC 1996 §3.7: only a hint).
  void notify(std::optional<uint32_t> hint, std::optional<size_t> primary, const std::string& client);

  const zone::Name& apex() const { return apex_; }
  const config::ZoneConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  bool secondary() const { return config_.mode == config::ZoneMode::kSecondary; }
  State state() const { return state_; }
  Freshness freshness() const { return freshness_; }
  // Loaded and answering (not kLocating/kLoading/kLoadFailed/kStopped).
  bool serving() const { return committer_ != nullptr && state_ != State::kStopped; }
  bool expired() const { return freshness_ == Freshness::kExpired; }
  // nullptr until the zone is loaded.
  commit::ZoneCommitter* committer() { return committer_.get(); }
  const commit::ZoneCommitter* committer() const { return committer_.get(); }
  // The SOA Route 53 has confirmed (INSYNC); nullptr until the zone is loaded.
  zone::RRset::Ptr confirmed_soa() const { return confirmed_ ? confirmed_->current() : nullptr; }
  commit::ConfirmedSoa* confirmed() { return confirmed_.get(); }
  const std::string& hosted_zone_id() const { return zone_id_; }

  struct Stats {
    uint64_t notifies = 0, checks = 0, transfers_full = 0, transfers_incremental = 0, transfer_failures = 0;
    uint64_t pushes = 0, push_failures = 0, refused_by_safety = 0, records_transferred = 0;
    int64_t last_success_ms = 0;  // monotonic; 0: none
  };
  const Stats& stats() const { return stats_; }
  const zone::SkipCounts& skips() const { return skips_; }
  // Secondary zones: when the zone expires without a successful refresh (monotonic ms).
  std::optional<int64_t> expire_deadline_ms() const { return timers_.expire_deadline_ms(); }

 private:
  void set_state(State next, const std::string& why);
  void set_freshness(Freshness next, const std::string& why);
  void locate();
  void load();
  void on_loaded(r53::ApiResult<std::vector<r53::RecordSet>> r);
  void load_failed(const std::string& why);
  void on_accepted(const std::string& change_id, zone::RRset::Ptr soa);

  // Secondary zones.
  void check(bool force_axfr, std::optional<size_t> preferred, const std::string& why);
  void on_refreshed(RefreshResult r);
  // scope: the names an IXFR changed since scope_base (pushed alone only while Route 53 holds
  // scope_base, else the whole zone is compared); nullopt: every name.
  void push(std::shared_ptr<const zone::PrimaryZone> primary, std::optional<std::vector<zone::Name>> scope,
            const std::string& what, uint32_t from_serial, std::optional<uint32_t> scope_base = std::nullopt);
  void on_pushed(const commit::EditAnswer& a, const std::string& what, uint32_t from_serial);
  void refresh_ok(uint32_t serial);
  void refresh_failed(const std::string& why);
  void schedule_refresh(int64_t delay_ms);
  void idle_or_recheck();
  void on_expire_check();

  ZoneServices services_;
  config::ZoneConfig config_;
  zone::Name apex_;
  ManagedZoneOptions options_;
  std::string zone_id_;
  State state_ = State::kLocating;
  Freshness freshness_ = Freshness::kUnsynced;
  std::function<void(Status)> loaded_;
  int64_t load_retry_ms_ = 0;
  loop::Timer load_timer_;
  std::unique_ptr<commit::ZoneCommitter> committer_;
  std::unique_ptr<commit::ConfirmedSoa> confirmed_;

  // Secondary zones.
  xfr::RefreshTimers timers_;
  loop::Timer refresh_timer_;
  loop::Timer expire_timer_;
  std::unique_ptr<TransferSource::Handle> refresh_;
  std::shared_ptr<zone::PrimaryZone> primary_;  // the primary's zone as last transferred
  bool copy_pushed_ = false;                    // Route 53 holds primary_'s version (its last push succeeded)
  bool recheck_ = false;                        // a NOTIFY or timer came while busy
  std::optional<size_t> recheck_primary_;
  bool force_axfr_ = false;                     // the next check asks for the full zone
  zone::SkipCounts skips_;
  std::set<std::pair<zone::Name, uint16_t>> skips_logged_;

  Stats stats_;
  std::shared_ptr<bool> alive_;
};

}  // namespace r53d::daemon
