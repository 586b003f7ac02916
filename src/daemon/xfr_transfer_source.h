// TransferSource (transfer_source.h) on xfr::XfrClient: the configuration's primaries, keys and
// transfer-source addresses turned into xfr requests, and the verified outcome handed back.
//
//   daemon::XfrTransferSource source(loop, ring);     // one for every zone (shares the per-primary
//   ZoneServices{..., &source};                        // limit of 2 concurrent transfers)
#pragma once

#include <memory>

#include "daemon/transfer_source.h"
#include "dns/tsig.h"
#include "loop/event_base.h"
#include "net/dns_client.h"
#include "xfr/transfer_limiter.h"
#include "xfr/xfr_client.h"

namespace r53d::daemon {

class XfrTransferSource final : public TransferSource {
 public:
  // loop and ring must outlive the source. per_primary: concurrent transfers per primary address.
  XfrTransferSource(loop::EventBase& loop, const dns::TsigKeyRing& ring, xfr::XfrOptions options = {},
                    size_t per_primary = 2);
  std::unique_ptr<Handle> refresh(RefreshRequest req, std::function<void(RefreshResult)> done) override;

 private:
  const dns::TsigKeyRing& ring_;
  xfr::XfrOptions options_;
  net::DnsClient dns_;
  xfr::TransferLimiter limiter_;
  xfr::XfrClient client_;
};

}  // namespace r53d::daemon
