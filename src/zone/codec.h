// The seam between Route 53 text (names, types, Value strings) and ldns data used by the mirror.
//
// The conversion rules (octal escapes, TXT quoting, names in values) live in zone/r53_convert;
// these functions are the only place the mirror and update code call it, so the mirror does not
// depend on that module's exact API.
//
//   auto owner = zone::name_from_r53("\\052.example.com.");           // Result<Name>
//   auto rr = zone::rr_from_value(*owner, LDNS_RR_TYPE_TXT, 300, "\"v=spf1 -all\"");
//   auto v  = zone::value_from_rr(rr->get());                           // "\"v=spf1 -all\""
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"
#include "zone/name.h"

namespace r53d::zone {

// Route 53 stored name text ("\052.example.com.", octal escapes, dot optional) -> Name.
Result<Name> name_from_r53(const std::string& text);
// Name -> the form Route 53 stores and returns: lower-case, trailing dot, every byte other than
// a-z 0-9 - _ as a three-digit octal escape ("\052.example.com.").
std::string name_to_r53(const Name& name);

// Type number -> mnemonic ("A", "TYPE65534"); mnemonic -> number for the 17 Route 53 types
// (anything else: kInvalidArgument).
std::string type_to_r53(uint16_t type);
Result<uint16_t> type_from_r53(const std::string& text);
// The 17 types Route 53 stores: A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB
// TLSA TXT (r53_supports_type).
bool is_route53_type(uint16_t type);

// One Route 53 Value of an RRset -> an ldns RR (class IN) the caller owns.
// kInvalidArgument if the value does not parse as that type.
Result<RrPtr> rr_from_value(const Name& owner, uint16_t type, uint32_t ttl_s, const std::string& value);
// The RDATA of rr (borrowed) as one Route 53 Value string. kInvalidArgument if it cannot be
// expressed.
Result<std::string> value_from_rr(const ldns_rr* rr);

}  // namespace r53d::zone
