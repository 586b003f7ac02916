// PollSchedule: which change of one hosted zone GetChange asks about, and when. Pure (no loop,
// no client, time passed in): ChangePoller carries out what it says; tests replay a busy zone
// millisecond by millisecond.
//
// A later change of a zone implies the earlier ones (route53-api.md §5.4), so one change per zone
// is polled at a time: the newest when a poll target is chosen ("pinned"). It stays pinned, its
// intervals growing from first_poll_ms to max_interval_ms, until it settles (INSYNC, a final
// error or give_up_ms); changes accepted meanwhile only queue. Re-pinning at every new change
// would never poll under a steady stream, and would only ever ask about a change younger than
// Route 53's propagation delay. So under a steady stream the settled count advances at least
// every (propagation delay + max_interval_ms), with one GetChange in flight per zone.
//
//   state     call                                        next state
//   kIdle     accepted(): pins it                         kWaiting
//   kWaiting  accepted(), kPolling accepted(): it queues  (unchanged)
//   kWaiting  poll_sent()                                 kPolling
//   kPolling  pending() (PENDING), retry() (retryable)    kWaiting
//   kPolling  settle() (INSYNC, final error)              kWaiting, the newest of the changes
//   kWaiting  settle() (give-up due)                        left pinned; none left: kIdle
//
//   r53::PollSchedule s("Z1", {.first_poll_ms = 200, .max_interval_ms = 1000});
//   s.accepted(now);                      // kIdle -> kWaiting: pinned, due at now + 200
//   if (now >= s.next_poll_ms()) s.poll_sent(now);   // GetChange(the pinned change)
//   s.pending(now);                       // PENDING: next due 400 ms later
//   size_t n = s.settle(now);             // INSYNC: the n oldest changes are done
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace r53d::r53 {

struct PollOptions {
  int64_t first_poll_ms = 1000;     // a pinned change is first polled this long after acceptance
  int64_t max_interval_ms = 10000;  // longest delay between two polls
  double growth = 2.0;              // interval multiplier after each PENDING answer
  int64_t give_up_ms = 0;           // settle a pinned change this long after acceptance (0: never)
};

class PollSchedule {
 public:
  enum class State {
    kIdle,     // no change waits
    kWaiting,  // the pinned change's next GetChange is due at next_poll_ms()
    kPolling,  // the pinned change's GetChange is in flight
  };

  // zone: for log lines only.
  PollSchedule(std::string zone, PollOptions options) : zone_(std::move(zone)), options_(options) {}
  // New intervals from the next poll scheduled on (the one already due keeps its time).
  void set_options(PollOptions options) { options_ = options; }

  // A change was accepted at now_ms, after every change counted before. An idle zone pins it,
  // due first_poll_ms later; otherwise it waits its turn (the pinned change and its schedule
  // stay as they are).
  void accepted(int64_t now_ms);
  // kWaiting -> kPolling: the pinned change's GetChange goes out.
  void poll_sent(int64_t now_ms);
  // kPolling -> kWaiting: it answered PENDING; the interval grows (up to max_interval_ms).
  void pending(int64_t now_ms);
  // kPolling -> kWaiting: it failed with a retryable error; next try after max_interval_ms.
  void retry(int64_t now_ms);
  // The pinned change settled (INSYNC, final error or give-up): it and every older change are
  // done. Returns how many that is (the oldest first). The newest of the changes left is pinned,
  // due no sooner than first_poll_ms after its acceptance (kWaiting); none left: kIdle.
  size_t settle(int64_t now_ms);

  State state() const { return state_; }
  // When the next GetChange is due (absolute, monotonic ms), never after the give-up deadline.
  // Meaningful in kWaiting.
  int64_t next_poll_ms() const;
  // The pinned change has waited give_up_ms since its acceptance (never with give_up_ms 0).
  bool give_up_due(int64_t now_ms) const;
  // How many of the oldest changes the pinned change settles (it is the last of them); 0: idle.
  size_t pinned() const { return pinned_; }
  // Changes accepted and not yet settled.
  size_t changes() const { return changes_; }
  int64_t interval_ms() const { return interval_ms_; }
  static const char* state_name(State s);

 private:
  // Pins the newest change.
  void pin(int64_t now_ms);
  // The only place state_ changes; logs the transition (debug).
  void enter(State next, const char* why);

  std::string zone_;
  PollOptions options_;
  State state_ = State::kIdle;
  size_t changes_ = 0;
  size_t pinned_ = 0;
  int64_t newest_accepted_ms_ = 0;
  int64_t pinned_accepted_ms_ = 0;
  int64_t interval_ms_ = 0;
  int64_t next_poll_ms_ = 0;
};

}  // namespace r53d::r53
