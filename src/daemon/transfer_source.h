// The zone-transfer side as a managed secondary zone sees it: "bring me the primary's zone if it
// is newer than mine" — one refresh (SOA query, IXFR, AXFR fallback, next primary), reported
// once, complete and verified, or as a failure. The daemon plugs in XfrTransferSource (on
// xfr::XfrClient); unit tests plug in a fake, as commit::ZoneBackend is faked for the committer.
//
//   source.refresh(req, [](RefreshResult r) { if (r.status.ok()) ...; });
//
// The callback is called exactly once, later, from the loop (never before refresh() returns),
// unless the returned handle is destroyed first (which cancels the refresh).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/ldns_ptr.h"
#include "util/status.h"
#include "zone/name.h"

namespace r53d::daemon {

struct RefreshRequest {
  zone::Name apex;
  std::vector<config::PrimaryAddr> primaries;   // tried in order (from `preferred` on)
  std::vector<std::string> transfer_source;     // source addresses (one per family)
  size_t preferred = 0;                         // NOTIFY: the primary that sent it first
  uint32_t serial = 0;                          // what Route 53 holds: transfer only if newer
  // The version the caller can apply differences to (its copy of the primary's zone): IXFR from
  // it. nullopt: no copy yet, AXFR.
  std::optional<uint32_t> ixfr_base;
  dns::RrPtr ixfr_soa;                          // the SOA RR sent with the IXFR request (serial = ixfr_base)
  // AXFR at once, whatever the primary's serial (no SOA query first): at start (a full
  // comparison repairs whatever changed behind route53d) and when differences did not apply.
  bool force_axfr = false;
};

struct RefreshResult {
  Status status;               // failure of every primary (the message names each)
  size_t primary = 0;          // index of the primary that answered
  uint32_t primary_serial = 0;
  enum class Kind { kUpToDate, kIncremental, kFull } kind = Kind::kUpToDate;
  bool serial_went_backwards = false;  // up to date because the primary's serial is older
  std::string how;             // for logs: "IXFR", "AXFR", "AXFR after IXFR failed: ..."
  // kFull: the SOA and every other record; kIncremental: the difference sequences.
  dns::RrPtr soa;
  dns::RrListPtr records;
  struct Delta {
    dns::RrPtr old_soa, new_soa;
    dns::RrListPtr deleted, added;
  };
  std::vector<Delta> deltas;
  size_t messages = 0, bytes = 0;
};

class TransferSource {
 public:
  // Cancels the refresh when destroyed.
  class Handle {
   public:
    virtual ~Handle() = default;
  };
  virtual ~TransferSource() = default;
  virtual std::unique_ptr<Handle> refresh(RefreshRequest req, std::function<void(RefreshResult)> done) = 0;
};

}  // namespace r53d::daemon
