// ChangePoller: GetChange until INSYNC, one pinned change per hosted zone at a time, with back-off.
//
// After a change batch is accepted (PENDING), watch() registers a waiter for it. Per zone one
// change is polled at a time (PollSchedule, poll_schedule.h): the newest when the zone had none
// pinned, first first_poll_ms (~1 s) after its acceptance, then at doubling intervals up to
// max_interval_ms (10 s), through the shared Route53Client (so through its rate limiter). A newer
// watch() of the zone neither restarts that schedule nor cancels the GetChange in flight: it
// waits. When the pinned change is INSYNC, its waiter and every older one are done (a later
// change implies the earlier ones, route53-api.md §5.4; the older callbacks are `superseded`);
// if newer changes came meanwhile, the newest of them is pinned next. Under a steady stream of
// changes a zone thus confirms one at least every (Route 53's propagation delay +
// max_interval_ms), with at most one GetChange of the zone in flight.
//
//   r53::ChangePoller poller(loop, client, {});
//   poller.watch(zone_id, info.id, [](const r53::ChangeDone& d) {
//     if (d.status.ok()) log::info("change %s INSYNC after %lld ms", d.change_id.c_str(), ...);
//   });
//
// Failures: a GetChange that fails with a retryable error after the client's own retries
// (throttling storm, network) is logged and polled again at max_interval_ms; a final error
// (NoSuchChange, AccessDenied, ...) or give_up_ms elapsing since the pinned change's acceptance
// ends the waiters it settles with that Status (kDeadlineExceeded for give_up_ms); newer changes
// are then polled in their turn. Callbacks come from the loop, never from watch().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/api.h"
#include "r53/poll_schedule.h"
#include "util/histogram.h"
#include "util/status.h"

namespace r53d::r53 {

using ChangePollerOptions = PollOptions;

struct ChangeDone {
  std::string zone_id;    // as given to watch()
  std::string change_id;  // the change this callback was registered for
  Status status;          // OK when INSYNC
  int64_t took_ms = 0;    // from watch() to the poll that saw INSYNC (or to the failure)
  int polls = 0;          // GetChange calls made for this zone while this change was waited on
  bool superseded = false;  // settled through a newer change of the same zone
};

class ChangePoller {
 public:
  using Callback = std::function<void(const ChangeDone&)>;

  // loop and client must outlive the poller.
  ChangePoller(loop::EventBase& loop, Route53Client& client, ChangePollerOptions options = {});
  ~ChangePoller();  // stops polling; pending callbacks are not called
  ChangePoller(const ChangePoller&) = delete;
  ChangePoller& operator=(const ChangePoller&) = delete;

  // Starts waiting for change_id (with or without "/change/") of zone_id, accepted now, after
  // every change of the zone watched before.
  void watch(const std::string& zone_id, const std::string& change_id, Callback cb);
  // Stops polling a zone; its callbacks are not called.
  void forget_zone(const std::string& zone_id);

  // Zones with a change waiting.
  size_t zones_watched() const;
  uint64_t polls() const { return polls_; }  // GetChange calls made
  // Seconds from watch() to INSYNC of every change seen INSYNC, by bare zone id (metrics).
  const std::map<std::string, Histogram>& insync_seconds() const { return insync_s_; }
  // New intervals (a reload of `[aws] poll-interval-*`), for every zone's next schedule.
  void set_options(ChangePollerOptions options);

 private:
  struct Waiter {
    std::string change_id;  // bare
    int64_t since_ms;
    int polls_at_start;
    Callback cb;
  };
  struct Zone {
    Zone(std::string id, const std::string& key, const PollOptions& options)
        : zone_id(std::move(id)), schedule(key, options) {}
    std::string zone_id;          // as given to watch()
    PollSchedule schedule;        // counts `waiters`: the first schedule.pinned() are the pinned change's
    std::deque<Waiter> waiters;   // in watch() order
    int polls = 0;                // GetChange calls made for this zone
    uint64_t op = 0;              // GetChange in flight (0: none)
    std::unique_ptr<loop::Timer> timer;
  };

  // Arms the zone's timer for the schedule's next poll (kWaiting).
  void arm(Zone& z);
  void poll(const std::string& zone_key);
  void on_result(const std::string& zone_key, ApiResult<ChangeInfo> r);
  // The pinned change settled with `status`: its waiters and the older ones are called back,
  // after the schedule has moved on (a callback may watch() or forget the zone).
  void settle(const std::string& zone_key, const Status& status);

  loop::EventBase& loop_;
  Route53Client& client_;
  ChangePollerOptions options_;
  std::map<std::string, Zone> zones_;  // by bare zone id; idle zones stay (kIdle)
  uint64_t polls_ = 0;
  std::map<std::string, Histogram> insync_s_;
};

}  // namespace r53d::r53
