// Conversion between Route 53 text (record names and <Value> strings) and DNS data (ldns).
//
// Route 53 and RFC 1035 zone files spell the same data differently (route53-api.md §4,
// dns-protocol.md §6.6), so nothing here passes ldns text straight through:
//   - Route 53 escapes bytes as \ooo OCTAL (names and quoted strings); zone files and ldns use
//     \DDD DECIMAL.
//   - Route 53 returns names lower-case, with a trailing dot, and every byte other than
//     a-z 0-9 - _ octal-escaped ("*.example.com" comes back as "\052.example.com.").
//   - TXT/SPF values are one or more double-quoted character-strings (each <= 255 bytes after
//     unescaping), with or without spaces between them ("a""b" is accepted as read back).
//   - Domain names inside values are absolute whether or not they end in a dot.
//
// Usage:
//   auto rr = rr_from_r53("\\052.example.com.", "TXT", 300, "\"v=spf1 -all\"");
//   if (!rr.ok()) return rr.status();          // kInvalidArgument with the reason
//   auto value = r53_value_from_rr(rr->get());  // "\"v=spf1 -all\""
//   auto line = zone_file_line(rr->get());      // "*.example.com.\t300\tIN\tTXT\t\"v=spf1 -all\""
//
// Errors: every function that reads text returns kInvalidArgument with a short reason naming the
// offending part; functions that read ldns data return kInvalidArgument for types Route 53 does
// not support. No function logs.
#pragma once

// stdbool.h first: without it ldns/common.h #defines bool, true and false, which breaks
// <optional> and <compare> included after it.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)

#include <ldns/ldns.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "r53/model.h"
#include "util/c_ptr.h"
#include "util/status.h"

namespace r53d::zone {

using RrPtr = CPtr<ldns_rr, &ldns_rr_free>;
using RdfPtr = CPtr<ldns_rdf, &ldns_rdf_deep_free>;

// ---- types -------------------------------------------------------------------------------

// The record types Route 53 accepts in ResourceRecordSets, in ListResourceRecordSets order:
// A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT.
const std::vector<std::string>& r53_types();
// True when Route 53 can hold records of this type.
bool r53_supports_type(ldns_rr_type type);
// "TXT" -> LDNS_RR_TYPE_TXT; kInvalidArgument for a type Route 53 does not support.
Result<ldns_rr_type> r53_type_from_name(std::string_view type_name);
// LDNS_RR_TYPE_TXT -> "TXT" (ldns mnemonic; "TYPE65534" for unknown types).
std::string type_name(ldns_rr_type type);

// ---- names -------------------------------------------------------------------------------

// A Route 53 name in any accepted spelling (octal \ooo escapes, \X for a literal X, any case,
// trailing dot optional) -> an absolute ldns dname (LDNS_RDF_TYPE_DNAME), case preserved.
// Parsed by r53::split_name (r53/names.h): errors are its messages with the name appended
// ("DomainLabelEmpty (Domain label is empty) in \"a..example.com\""): bad escape, empty label,
// label > 63 bytes, name > 255 bytes.
Result<RdfPtr> dname_from_r53(std::string_view name);

// An ldns dname -> Route 53's stored form: lower-case, trailing dot, every byte other than
// a-z 0-9 - _ as \ooo ("\052.example.com."). The root is ".".
std::string r53_name(const ldns_rdf* dname);
// The same spelling without lower-casing: how route53d writes domain names inside values.
std::string r53_name_keep_case(const ldns_rdf* dname);
// (To compare names from the API, normalise them with r53::normalize_name, r53/names.h.)

// An ldns dname -> RFC 1035 master-file text that BIND and Knot read back unchanged: absolute,
// case preserved, letters/digits/-/_ literal, '*' literal only as a whole label, everything
// else as \DDD (decimal), so '@', '$', '(', ';', '"' and spaces can never be misread.
std::string zone_file_name(const ldns_rdf* dname);

// ---- values ------------------------------------------------------------------------------

// One Route 53 value of the given type -> an RR (class IN) owned by the caller.
// owner: Route 53 name (any spelling). ttl_s: the set's TTL (alias sets: pass 0).
// Errors: unsupported type; malformed value (unquoted TXT string, string > 255 bytes, bad
// number, bad address, bad name, missing or extra fields, bad escape).
Result<RrPtr> rr_from_r53(std::string_view owner, std::string_view type, uint32_t ttl_s,
                          std::string_view value);

// The rdata of an RR -> the Route 53 <Value> text: fields separated by single spaces; names
// absolute (trailing dot), case kept, octal escapes; character-strings double-quoted with
// \" \\ and \ooo for bytes outside 0x20-0x7e (spaces literal). Each TXT string of the RR
// becomes one quoted string, so no string exceeds 255 bytes.
// Errors: unsupported type, empty rdata.
Result<std::string> r53_value_from_rr(const ldns_rr* rr);

// A logical TXT text (raw bytes, any length <= 4000 after escaping) -> a Route 53 TXT value,
// split into quoted strings of at most 255 bytes each. Escapes are applied after splitting, so
// no escape sequence is ever cut. The empty text gives "\"\"".
std::string txt_value_from_text(std::string_view text);
// The inverse: a Route 53 TXT value -> the logical text (strings unescaped and joined).
Result<std::string> text_from_txt_value(std::string_view value);

// A whole Route 53 record set (simple: TTL and values) -> its RRs. Alias sets and sets without
// values give kInvalidArgument (DNS cannot express them; see RecordSet::read_only()).
Result<std::vector<RrPtr>> rrs_from_record_set(const r53::RecordSet& set);

// ---- zone files --------------------------------------------------------------------------

// One RR -> one RFC 1035 master-file line (no newline): "owner<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata"
// with zone_file_name() for every name, decimal \DDD in strings, no ldns comments.
// Errors: unsupported type.
Result<std::string> zone_file_line(const ldns_rr* rr);

}  // namespace r53d::zone
