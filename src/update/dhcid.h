// DHCID emulation (zone key `dhcid = txt`): Route 53 cannot hold the DHCID type (RFC 4701), which
// Kea's DHCP-DDNS (D2) puts in every forward add and asserts in its prerequisites (RFC 4703
// conflict resolution). In a zone with dhcid = txt the DHCID RRset of NAME is kept as a TXT RRset
// at the derived owner _dhcid.NAME:
//
//   chi6.example.com.  DHCID  AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=   (RFC 4701 §3.6.1)
//   _dhcid.chi6.example.com.  TXT  "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="  (in Route 53)
//
// - Owner: the label "_dhcid" before NAME. An underscore label is not a legal host name (RFC 952,
//   RFC 1123), so no A/AAAA owner a DHCP client gets is ever a _dhcid. name; RFC 8552 reserves
//   leading-underscore labels for such attribute leaves. No derived owner exists for a NAME that
//   is itself a _dhcid. name, a wildcard, or 249 octets and more in wire form (the derived name
//   would pass 255).
// - RDATA: one character-string holding the DHCID RDATA in base64, exactly its presentation form
//   (RFC 4701 §3.6). Identifier type, digest type and digest are kept whole, so a value-dependent
//   prerequisite compares the same bytes as on a server that holds DHCID. At most 255 characters
//   of base64 (191 octets of RDATA; Kea's SHA-256 DHCID is 35 octets, 48 characters).
// - TTL: the DHCID RR's own (Kea gives it the lease length, like the A/AAAA).
// - The emulated DHCID counts as data at NAME for the name-level forms (update/update.cc):
//   "name is in use" holds and "name is not in use" fails when only it is there, "delete all
//   RRsets at NAME" deletes it too, and a CNAME is not added beside it (nor it beside a CNAME).
// - The derived names are route53d's: UPDATEs that write at a _dhcid. name are REFUSED in a
//   dhcid = txt zone (prerequisites may read them).
#pragma once

#include <optional>

#include "util/status.h"
#include "zone/name.h"

namespace r53d::update {

enum class DhcidMode : uint8_t {
  kRefuse,  // DHCID is a type Route 53 cannot hold: REFUSED (the default)
  kTxt,     // emulated as a TXT RRset at _dhcid.NAME (above)
};

// The first label of `name` is "_dhcid" (any case).
bool is_dhcid_owner(const zone::Name& name);

// _dhcid.<owner>, or nullopt when `owner` can have no emulated DHCID (see the top).
std::optional<zone::Name> dhcid_owner(const zone::Name& owner);

// The TXT RR that stands for the DHCID RR `dhcid` (borrowed; type DHCID): owner _dhcid.<owner>,
// same class and TTL, and the RDATA, when there is one, as one base64 character-string. The
// caller owns the result. kInvalidArgument (the reason, without the owner) when the owner has no
// derived name or the RDATA would need more than 255 characters.
Result<zone::RrPtr> dhcid_as_txt(const ldns_rr* dhcid);

}  // namespace r53d::update
