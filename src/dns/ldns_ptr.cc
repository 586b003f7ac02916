// wire <-> ldns_pkt conversion with owned results.
#include "dns/ldns_ptr.h"

#include <cstdlib>
#include <string>

namespace r53d::dns {

Result<PktPtr> wire_to_pkt(std::span<const uint8_t> wire) {
  ldns_pkt* p = nullptr;
  ldns_status st = ldns_wire2pkt(&p, wire.data(), wire.size());
  if (st != LDNS_STATUS_OK) {
    if (p) ldns_pkt_free(p);
    return Status::invalid_argument(std::string("malformed message: ") + ldns_get_errorstr_by_id(st));
  }
  return PktPtr(p);
}

Result<std::vector<uint8_t>> pkt_to_wire(const ldns_pkt* pkt) {
  uint8_t* buf = nullptr;
  size_t len = 0;
  ldns_status st = ldns_pkt2wire(&buf, pkt, &len);
  if (st != LDNS_STATUS_OK) {
    free(buf);
    return Status::internal(std::string("cannot serialise message: ") + ldns_get_errorstr_by_id(st));
  }
  std::vector<uint8_t> out(buf, buf + len);
  free(buf);
  return out;
}

}  // namespace r53d::dns
