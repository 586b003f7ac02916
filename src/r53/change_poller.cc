// ChangePoller: per-zone GetChange polling of one pinned change at a time (PollSchedule) on the loop.
#include "r53/change_poller.h"

#include <algorithm>
#include <cassert>
#include <vector>

#include "r53/backoff.h"
#include "util/log.h"

namespace r53d::r53 {

using State = PollSchedule::State;

ChangePoller::ChangePoller(loop::EventBase& loop, Route53Client& client, ChangePollerOptions options)
    : loop_(loop), client_(client), options_(options) {}

ChangePoller::~ChangePoller() {
  for (auto& [key, z] : zones_) {
    if (z.op) client_.cancel(z.op);
  }
}

size_t ChangePoller::zones_watched() const {
  return static_cast<size_t>(std::count_if(zones_.begin(), zones_.end(), [](const auto& kv) {
    return kv.second.schedule.state() != State::kIdle;
  }));
}

void ChangePoller::watch(const std::string& zone_id, const std::string& change_id, Callback cb) {
  std::string key = bare_id(zone_id);
  auto it = zones_.try_emplace(key, zone_id, key, options_).first;
  Zone& z = it->second;
  z.zone_id = zone_id;
  if (!z.timer) z.timer = std::make_unique<loop::Timer>(loop_, [this, key] { poll(key); });
  int64_t now = loop_.now_ms();
  z.waiters.push_back(Waiter{bare_id(change_id), now, z.polls, std::move(cb)});
  bool was_idle = z.schedule.state() == State::kIdle;
  z.schedule.accepted(now);
  // Otherwise a change is pinned already: its schedule and its GetChange in flight go on, and
  // this change waits for its INSYNC (or is pinned after it).
  if (was_idle) arm(z);
}

void ChangePoller::forget_zone(const std::string& zone_id) {
  auto it = zones_.find(bare_id(zone_id));
  if (it == zones_.end()) return;
  if (it->second.op) client_.cancel(it->second.op);
  // The timer may be the one running us: free it after this callback.
  loop_.defer_delete(std::move(it->second.timer));
  zones_.erase(it);
}

void ChangePoller::arm(Zone& z) {
  assert(z.schedule.state() == State::kWaiting);
  z.timer->start_once(std::max<int64_t>(0, z.schedule.next_poll_ms() - loop_.now_ms()));
}

void ChangePoller::poll(const std::string& key) {
  auto it = zones_.find(key);
  if (it == zones_.end() || it->second.schedule.state() != State::kWaiting) return;
  Zone& z = it->second;
  const std::string& change_id = z.waiters[z.schedule.pinned() - 1].change_id;
  if (z.schedule.give_up_due(loop_.now_ms())) {
    settle(key, Status::deadline_exceeded("change " + change_id + " of zone " + key + " still PENDING after " +
                                          std::to_string(options_.give_up_ms) + " ms"));
    return;
  }
  z.polls++;
  polls_++;
  z.schedule.poll_sent(loop_.now_ms());
  z.op = client_.get_change(change_id, [this, key](ApiResult<ChangeInfo> r) { on_result(key, std::move(r)); });
}

void ChangePoller::on_result(const std::string& key, ApiResult<ChangeInfo> r) {
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  Zone& z = it->second;
  z.op = 0;
  if (r.ok()) {
    if (r.value().status == "INSYNC") return settle(key, Status());
    z.schedule.pending(loop_.now_ms());
    arm(z);
    return;
  }
  bool transient = r.error ? is_retryable_aws_error(r.error->http_status, r.error->code)
                           : is_retryable_transport(r.status());
  if (transient) {
    log::warning("zone %s: GetChange %s failed, polling again in %lld ms: %s", key.c_str(),
                 z.waiters[z.schedule.pinned() - 1].change_id.c_str(),
                 static_cast<long long>(options_.max_interval_ms), r.status().to_string().c_str());
    z.schedule.retry(loop_.now_ms());
    arm(z);
    return;
  }
  settle(key, r.status());
}

void ChangePoller::settle(const std::string& key, const Status& status) {
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  Zone& z = it->second;
  int64_t now = loop_.now_ms();
  size_t n = z.schedule.settle(now);
  assert(n > 0 && n <= z.waiters.size());
  std::vector<Waiter> done(std::make_move_iterator(z.waiters.begin()),
                           std::make_move_iterator(z.waiters.begin() + static_cast<std::ptrdiff_t>(n)));
  z.waiters.erase(z.waiters.begin(), z.waiters.begin() + static_cast<std::ptrdiff_t>(n));
  if (z.schedule.state() == State::kWaiting) arm(z);
  // From here on only locals: a callback may watch() this zone again or forget it.
  std::string zone_id = z.zone_id;
  int polls = z.polls;
  const std::string& pinned = done.back().change_id;
  if (status.ok()) {
    log::debug("zone %s: change %s INSYNC after %lld ms%s", key.c_str(), pinned.c_str(),
              static_cast<long long>(now - done.back().since_ms),
              n > 1 ? (", and " + std::to_string(n - 1) + " older change(s) with it").c_str() : "");
  }
  if (status.ok()) {
    auto [h, fresh] = insync_s_.try_emplace(key, insync_bounds_s());
    for (const auto& w : done) h->second.observe(static_cast<double>(now - w.since_ms) / 1000.0);
  }
  for (auto& w : done) {
    ChangeDone d;
    d.zone_id = zone_id;
    d.change_id = w.change_id;
    d.status = status;
    d.took_ms = now - w.since_ms;
    d.polls = polls - w.polls_at_start;
    d.superseded = &w != &done.back();
    w.cb(d);
  }
}

void ChangePoller::set_options(ChangePollerOptions options) {
  options_ = options;
  for (auto& [key, z] : zones_) z.schedule.set_options(options);
}

}  // namespace r53d::r53
