// PollSchedule: the per-zone GetChange schedule (pinned change, growing intervals, give-up).
#include "r53/poll_schedule.h"

#include <algorithm>
#include <cassert>

#include "util/log.h"

namespace r53d::r53 {

const char* PollSchedule::state_name(State s) {
  switch (s) {
    case State::kIdle: return "idle";
    case State::kWaiting: return "waiting";
    case State::kPolling: return "polling";
  }
  return "?";
}

void PollSchedule::enter(State next, const char* why) {
  log::debug("zone %s: change polling %s -> %s (%s; %zu change(s) waiting, %zu pinned)", zone_.c_str(),
             state_name(state_), state_name(next), why, changes_, pinned_);
  state_ = next;
}

void PollSchedule::accepted(int64_t now_ms) {
  ++changes_;
  newest_accepted_ms_ = now_ms;
  if (state_ == State::kIdle) pin(now_ms);
}

void PollSchedule::pin(int64_t now_ms) {
  assert(changes_ > 0);
  pinned_ = changes_;
  pinned_accepted_ms_ = newest_accepted_ms_;
  interval_ms_ = options_.first_poll_ms;
  // A change found waiting when the one before it settles may be old enough to poll at once.
  next_poll_ms_ = std::max(now_ms, newest_accepted_ms_ + options_.first_poll_ms);
  enter(State::kWaiting, "pinned the newest change");
}

void PollSchedule::poll_sent(int64_t) {
  assert(state_ == State::kWaiting);
  enter(State::kPolling, "GetChange sent");
}

void PollSchedule::pending(int64_t now_ms) {
  assert(state_ == State::kPolling);
  interval_ms_ = std::min<int64_t>(
      options_.max_interval_ms,
      std::max<int64_t>(interval_ms_ + 1, static_cast<int64_t>(static_cast<double>(interval_ms_) * options_.growth)));
  next_poll_ms_ = now_ms + interval_ms_;
  enter(State::kWaiting, "PENDING");
}

void PollSchedule::retry(int64_t now_ms) {
  assert(state_ == State::kPolling);
  interval_ms_ = options_.max_interval_ms;
  next_poll_ms_ = now_ms + interval_ms_;
  enter(State::kWaiting, "GetChange failed, retrying");
}

size_t PollSchedule::settle(int64_t now_ms) {
  assert(state_ != State::kIdle && pinned_ > 0);
  size_t n = pinned_;
  changes_ -= n;
  pinned_ = 0;
  if (changes_ > 0) {
    pin(now_ms);
  } else {
    enter(State::kIdle, "every change settled");
  }
  return n;
}

int64_t PollSchedule::next_poll_ms() const {
  if (options_.give_up_ms > 0) return std::min(next_poll_ms_, pinned_accepted_ms_ + options_.give_up_ms);
  return next_poll_ms_;
}

bool PollSchedule::give_up_due(int64_t now_ms) const {
  return options_.give_up_ms > 0 && pinned_ > 0 && now_ms >= pinned_accepted_ms_ + options_.give_up_ms;
}

}  // namespace r53d::r53
