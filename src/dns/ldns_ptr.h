// Owners for ldns objects (one alias per type) and wire <-> ldns_pkt conversion.
//
//   auto pkt = r53d::dns::wire_to_pkt(bytes);           // Result<PktPtr>
//   RrPtr rr(ldns_rr_clone(x));
//   ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr.release());  // the packet takes ownership
//
// Include ldns through this header: <stdbool.h> must come first, or ldns/common.h #defines bool,
// true and false as macros, which breaks <optional> and friends in C++20.
#pragma once

// clang-format off
#include <stdbool.h>
#include <ldns/ldns.h>
// clang-format on

#include <cstdint>
#include <span>
#include <vector>

#include "util/c_ptr.h"
#include "util/status.h"

namespace r53d::dns {

using PktPtr = CPtr<ldns_pkt, &ldns_pkt_free>;
using RrPtr = CPtr<ldns_rr, &ldns_rr_free>;
using RrListPtr = CPtr<ldns_rr_list, &ldns_rr_list_deep_free>;  // list and its RRs
using RdfPtr = CPtr<ldns_rdf, &ldns_rdf_deep_free>;

// Parses wire bytes with ldns_wire2pkt. ldns moves OPT into the packet's EDNS fields and a TSIG RR
// into ldns_pkt_tsig(); it does NOT check TSIG/OPT placement: run dns::scan_message() first.
// Errors: kInvalidArgument with ldns's error text.
Result<PktPtr> wire_to_pkt(std::span<const uint8_t> wire);

// Serialises with ldns_pkt2wire (names compressed; OPT then TSIG appended when the packet has them).
// Errors: kInternal with ldns's error text.
Result<std::vector<uint8_t>> pkt_to_wire(const ldns_pkt* pkt);

}  // namespace r53d::dns
