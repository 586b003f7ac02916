// The TSIG key ring of a configuration ([key] sections and key files), for the daemon and the
// one-shot modes that sign or verify (--sync).
//
//   dns::TsigKeyRing ring;
//   Status s = daemon::build_key_ring(cfg, ring);   // "FILE:LINE: key NAME: reason" on error
#pragma once

#include "config/config.h"
#include "dns/tsig.h"
#include "util/status.h"

namespace r53d::daemon {

// Adds every key of cfg to ring. kInvalidArgument naming the key's place in the configuration.
Status build_key_ring(const config::Config& cfg, dns::TsigKeyRing& ring);

}  // namespace r53d::daemon
