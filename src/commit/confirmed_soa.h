// The SOA a zone answers queries with: the newest one Route 53 reports INSYNC (DESIGN.md "Change
// polling and the confirmed serial"). Pure bookkeeping; the GetChange polling is elsewhere.
//
//   commit::ConfirmedSoa soa(mirror.find(apex, LDNS_RR_TYPE_SOA));  // read at start: confirmed
//   soa.accepted("/change/C1", batch_soa);   // after each accepted batch, in acceptance order
//   soa.insync("/change/C1");                // GetChange said INSYNC: C1 and every older change
//   answer_with(soa.current());
//
// A batch found applied after its reply was lost has no change ID: accepted("", soa) queues it
// without one. Nothing can poll it; it is confirmed when a change accepted after it is INSYNC
// (a later change implies the earlier ones), and until then current() keeps the older SOA.
#pragma once

#include <deque>
#include <string>
#include <utility>

#include "r53/model.h"
#include "zone/rrset.h"

namespace r53d::commit {

class ConfirmedSoa {
 public:
  explicit ConfirmedSoa(zone::RRset::Ptr initial) : current_(std::move(initial)) {}

  // A batch Route 53 accepted (PENDING) with the SOA it wrote; change_id "" for one seen applied
  // without its ID (lost reply).
  void accepted(const std::string& change_id, zone::RRset::Ptr soa) {
    pending_.emplace_back(change_id, std::move(soa));
  }
  // Route 53 reports change_id INSYNC: its SOA becomes the confirmed one, and every change
  // accepted before it is in sync too (a later change implies the earlier ones). Returns false
  // for an unknown (or already confirmed) change.
  bool insync(const std::string& change_id) {
    if (change_id.empty()) return false;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i].first.empty()) continue;
      // IDs compared without their "/change/" prefix: the poller may hand back either form.
      if (r53::bare_id(pending_[i].first) != r53::bare_id(change_id)) continue;
      current_ = pending_[i].second;
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return true;
    }
    return false;
  }
  // The newest change with an ID still PENDING ("" if none): the one worth polling.
  std::string newest_pending() const {
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
      if (!it->first.empty()) return it->first;
    return "";
  }
  // Batches accepted but not yet confirmed (those without an ID included).
  size_t pending() const { return pending_.size(); }

  const zone::RRset::Ptr& current() const { return current_; }
  uint32_t serial() const { return current_ ? current_->soa_serial() : 0; }

 private:
  zone::RRset::Ptr current_;
  std::deque<std::pair<std::string, zone::RRset::Ptr>> pending_;
};

}  // namespace r53d::commit
