// ChangePoller: GetChange until INSYNC, newest change per hosted zone only, with back-off.
//
// After a change batch is accepted (PENDING), watch() polls GetChange through the shared
// Route53Client (so through its rate limiter): first after first_poll_ms (~1 s), then at
// doubling intervals up to max_interval_ms (10 s). A later change of the same zone implies the
// earlier ones are applied (route53-api.md §5.4), so a newer watch() of a zone replaces the
// older one's polling; the older callback fires when the newer change is INSYNC.
//
//   r53::ChangePoller poller(loop, client, {});
//   poller.watch(zone_id, info.id, [](const r53::ChangeDone& d) {
//     if (d.status.ok()) log::info("change %s INSYNC after %lld ms", d.change_id.c_str(), ...);
//   });
//
// Failures: a GetChange that fails with a retryable error after the client's own retries
// (throttling storm, network) is logged and polled again at max_interval_ms; a final error
// (NoSuchChange, AccessDenied, ...) or give_up_ms elapsing ends the watch with that Status
// (kDeadlineExceeded for give_up_ms). Callbacks come from the loop, never from watch().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/api.h"
#include "util/status.h"

namespace r53d::r53 {

struct ChangePollerOptions {
  int64_t first_poll_ms = 1000;     // delay of the first GetChange after watch()
  int64_t max_interval_ms = 10000;  // longest delay between two polls
  double growth = 2.0;              // interval multiplier after each PENDING answer
  int64_t give_up_ms = 0;           // end the watch after this long (0: never)
};

struct ChangeDone {
  std::string zone_id;    // as given to watch()
  std::string change_id;  // the change this callback was registered for
  Status status;          // OK when INSYNC
  int64_t took_ms = 0;    // from watch() to the poll that saw INSYNC (or to the failure)
  int polls = 0;          // GetChange calls made for this zone while this change was waited on
  bool superseded = false;  // confirmed through a newer change of the same zone
};

class ChangePoller {
 public:
  using Callback = std::function<void(const ChangeDone&)>;

  // loop and client must outlive the poller.
  ChangePoller(loop::EventBase& loop, Route53Client& client, ChangePollerOptions options = {});
  ~ChangePoller();  // stops polling; pending callbacks are not called
  ChangePoller(const ChangePoller&) = delete;
  ChangePoller& operator=(const ChangePoller&) = delete;

  // Starts waiting for change_id (with or without "/change/") of zone_id.
  void watch(const std::string& zone_id, const std::string& change_id, Callback cb);
  // Stops polling a zone; its callbacks are not called.
  void forget_zone(const std::string& zone_id);

  size_t zones_watched() const { return zones_.size(); }
  uint64_t polls() const { return polls_; }

 private:
  struct Waiter {
    std::string change_id;
    int64_t since_ms;
    int polls_at_start;
    Callback cb;
  };
  struct Zone {
    std::string zone_id;
    std::string change_id;  // the newest change: the one polled
    std::vector<Waiter> waiters;
    int64_t interval_ms = 0;
    int polls = 0;
    uint64_t op = 0;  // GetChange in flight (0: none)
    int64_t give_up_at_ms = 0;
    std::unique_ptr<loop::Timer> timer;
  };

  void poll(const std::string& zone_key);
  void on_result(const std::string& zone_key, ApiResult<ChangeInfo> r);
  void schedule(Zone& z, int64_t delay_ms);
  void finish(const std::string& zone_key, const Status& status);

  loop::EventBase& loop_;
  Route53Client& client_;
  ChangePollerOptions options_;
  std::map<std::string, Zone> zones_;  // by bare zone id
  uint64_t polls_ = 0;
};

}  // namespace r53d::r53
