// ChangePoller: per-zone GetChange polling with growing intervals.
#include "r53/change_poller.h"

#include <algorithm>

#include "r53/backoff.h"
#include "util/log.h"

namespace r53d::r53 {

ChangePoller::ChangePoller(loop::EventBase& loop, Route53Client& client, ChangePollerOptions options)
    : loop_(loop), client_(client), options_(options) {}

ChangePoller::~ChangePoller() {
  for (auto& [key, z] : zones_) {
    if (z.op) client_.cancel(z.op);
  }
}

void ChangePoller::watch(const std::string& zone_id, const std::string& change_id, Callback cb) {
  std::string key = bare_id(zone_id);
  Zone& z = zones_[key];
  z.zone_id = zone_id;
  z.change_id = bare_id(change_id);
  z.waiters.push_back(Waiter{bare_id(change_id), loop_.now_ms(), z.polls, std::move(cb)});
  if (z.op) {  // a poll of the older change is in flight: its answer no longer matters
    client_.cancel(z.op);
    z.op = 0;
  }
  if (options_.give_up_ms > 0) z.give_up_at_ms = loop_.now_ms() + options_.give_up_ms;
  z.interval_ms = options_.first_poll_ms;
  if (!z.timer) z.timer = std::make_unique<loop::Timer>(loop_, [this, key] { poll(key); });
  schedule(z, options_.first_poll_ms);
}

void ChangePoller::forget_zone(const std::string& zone_id) {
  auto it = zones_.find(bare_id(zone_id));
  if (it == zones_.end()) return;
  if (it->second.op) client_.cancel(it->second.op);
  // The timer may be the one running us: free it after this callback.
  loop_.defer_delete(std::move(it->second.timer));
  zones_.erase(it);
}

void ChangePoller::schedule(Zone& z, int64_t delay_ms) {
  if (z.give_up_at_ms > 0) delay_ms = std::min(delay_ms, std::max<int64_t>(0, z.give_up_at_ms - loop_.now_ms()));
  z.timer->start_once(delay_ms);
}

void ChangePoller::poll(const std::string& key) {
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  Zone& z = it->second;
  if (z.give_up_at_ms > 0 && loop_.now_ms() >= z.give_up_at_ms) {
    finish(key, Status::deadline_exceeded("change " + z.change_id + " of zone " + key +
                                          " still PENDING after " +
                                          std::to_string(options_.give_up_ms) + " ms"));
    return;
  }
  z.polls++;
  polls_++;
  z.op = client_.get_change(z.change_id, [this, key](ApiResult<ChangeInfo> r) {
    on_result(key, std::move(r));
  });
}

void ChangePoller::on_result(const std::string& key, ApiResult<ChangeInfo> r) {
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  Zone& z = it->second;
  z.op = 0;
  if (r.ok()) {
    if (r.value().status == "INSYNC") {
      finish(key, Status());
      return;
    }
    z.interval_ms = std::min<int64_t>(
        options_.max_interval_ms,
        std::max<int64_t>(z.interval_ms + 1, static_cast<int64_t>(z.interval_ms * options_.growth)));
    schedule(z, z.interval_ms);
    return;
  }
  bool transient = r.error ? is_retryable_aws_error(r.error->http_status, r.error->code)
                           : is_retryable_transport(r.status());
  if (transient) {
    log::warning("zone %s: GetChange %s failed, polling again in %lld ms: %s", key.c_str(),
                 z.change_id.c_str(), static_cast<long long>(options_.max_interval_ms),
                 r.status().to_string().c_str());
    z.interval_ms = options_.max_interval_ms;
    schedule(z, z.interval_ms);
    return;
  }
  finish(key, r.status());
}

void ChangePoller::finish(const std::string& key, const Status& status) {
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  // Take the zone out first: a callback may watch() the same zone again.
  Zone z = std::move(it->second);
  zones_.erase(it);
  if (z.timer) loop_.defer_delete(std::move(z.timer));
  int64_t now = loop_.now_ms();
  for (auto& w : z.waiters) {
    ChangeDone d;
    d.zone_id = z.zone_id;
    d.change_id = w.change_id;
    d.status = status;
    d.took_ms = now - w.since_ms;
    d.polls = z.polls - w.polls_at_start;
    d.superseded = w.change_id != z.change_id;
    if (status.ok()) {
      log::info("zone %s: change %s INSYNC after %lld ms%s", key.c_str(), w.change_id.c_str(),
                static_cast<long long>(d.took_ms), d.superseded ? " (via a newer change)" : "");
    }
    w.cb(d);
  }
}

}  // namespace r53d::r53
