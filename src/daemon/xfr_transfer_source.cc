// TransferSource on xfr::XfrClient.
#include "daemon/xfr_transfer_source.h"

#include "net/address.h"

namespace r53d::daemon {
namespace {

class Running final : public TransferSource::Handle {
 public:
  explicit Running(xfr::RefreshCall call) : call_(std::move(call)) {}

 private:
  xfr::RefreshCall call_;  // dropping it cancels the refresh
};

}  // namespace

XfrTransferSource::XfrTransferSource(loop::EventBase& loop, const dns::TsigKeyRing& ring, xfr::XfrOptions options,
                                     size_t per_primary)
    : ring_(ring), options_(options), dns_(loop), limiter_(loop, per_primary), client_(loop, dns_, limiter_) {}

std::unique_ptr<TransferSource::Handle> XfrTransferSource::refresh(RefreshRequest req,
                                                                   std::function<void(RefreshResult)> done) {
  xfr::RefreshRequest x;
  x.zone = req.apex;
  x.options = options_;
  x.force_axfr = req.force_axfr;
  x.preferred_primary = req.preferred;
  if (!req.force_axfr && req.ixfr_soa) x.our_soa = std::move(req.ixfr_soa);
  std::string bad;
  for (const config::PrimaryAddr& p : req.primaries) {
    auto addr = net::parse_listen_address(p.str());
    if (!addr.ok()) {
      bad += (bad.empty() ? "" : "; ") + p.str() + ": " + addr.status().message();
      continue;
    }
    xfr::Primary pr;
    pr.address = *addr;
    if (!p.key.empty()) {
      pr.key = ring_.find(p.key);
      if (!pr.key) bad += (bad.empty() ? "" : "; ") + p.str() + ": key " + p.key + " is not defined";
    }
    for (const std::string& s : req.transfer_source) {
      bool v6 = s.find(':') != std::string::npos;
      if (v6 != p.ipv6) continue;
      auto src = net::parse_listen_address(v6 ? "[" + s + "]:0" : s + ":0");
      if (src.ok()) pr.source = *src;
    }
    x.primaries.push_back(std::move(pr));
  }
  if (!bad.empty() || x.primaries.empty()) {
    // Configuration checks make this unreachable; answer from the loop anyway, as promised.
    RefreshResult r;
    r.status = Status::invalid_argument(bad.empty() ? "no primary" : bad);
    auto fail = std::make_shared<RefreshResult>(std::move(r));
    auto call = client_.refresh(xfr::RefreshRequest{}, [done, fail](xfr::RefreshOutcome) { done(std::move(*fail)); });
    return std::make_unique<Running>(std::move(call));
  }
  auto call = client_.refresh(std::move(x), [done](xfr::RefreshOutcome o) {
    RefreshResult r;
    r.status = o.status;
    r.primary = o.primary;
    r.primary_serial = o.primary_serial;
    r.serial_went_backwards = o.serial_went_backwards;
    r.how = xfr::method_name(o.method);
    if (o.fell_back) r.how = "AXFR (IXFR failed: " + o.fallback_reason.message() + ")";
    if (o.status.ok() && o.transfer) {
      xfr::Transfer& t = *o.transfer;
      r.messages = t.messages;
      r.bytes = t.bytes;
      switch (t.kind) {
        case xfr::Transfer::Kind::kUpToDate:
          r.kind = RefreshResult::Kind::kUpToDate;
          break;
        case xfr::Transfer::Kind::kFull:
          r.kind = RefreshResult::Kind::kFull;
          // An IXFR answered with the whole zone (dns-protocol.md §8 item 22) is a full resync.
          if (o.method == xfr::RefreshOutcome::Method::kIxfr) r.how = "IXFR (answered with the full zone)";
          r.soa = std::move(t.soa);
          r.records = std::move(t.records);
          break;
        case xfr::Transfer::Kind::kIncremental:
          r.kind = RefreshResult::Kind::kIncremental;
          r.soa = std::move(t.soa);
          for (auto& d : t.deltas)
            r.deltas.push_back(RefreshResult::Delta{std::move(d.old_soa), std::move(d.new_soa), std::move(d.deleted),
                                                    std::move(d.added)});
          break;
      }
    }
    done(std::move(r));
  });
  return std::make_unique<Running>(std::move(call));
}

}  // namespace r53d::daemon
