// TSIG key ring from the configuration.
#include "daemon/key_ring.h"

#include "util/base64.h"

namespace r53d::daemon {

Status build_key_ring(const config::Config& cfg, dns::TsigKeyRing& ring) {
  for (const auto& k : cfg.keys) {
    std::string alg = k.algorithm;
    if (k.mac_bits > 0) alg += "-" + std::to_string(k.mac_bits);
    auto key = dns::TsigKey::create(k.name, alg, base64_encode(k.secret));
    if (!key.ok()) return Status::invalid_argument(k.where.str() + ": key " + k.name + ": " + key.status().message());
    Status s = ring.add(std::move(*key));
    if (!s.ok()) return Status::invalid_argument(k.where.str() + ": key " + k.name + ": " + s.message());
  }
  return Status();
}

}  // namespace r53d::daemon
