// Route 53 domain names: normalising to the stored form, validating, ListResourceRecordSets order.
//
// Route 53 stores and returns every name lower-case, fully qualified (trailing dot), with every
// byte other than a-z 0-9 '-' '_' written as a three-digit octal escape ("\052" for '*',
// "\057" for '/', "\056" for a dot inside a label). See route53-api.md §4.1 and §4.6.
// The one implementation of these rules: shared by the Route 53 client (src/r53), route53-sim
// and the DNS side (src/zone/r53_convert converts names and values to ldns with it). It depends
// on util only, like r53/model.h, so tests/check-layering.sh lets zone/ include it.
//
//   auto n = r53::normalize_name("*.Example.COM");   // -> "\\052.example.com."
//   if (!n.ok()) return n.status();
//   r53::is_in_zone(*n, "example.com.");              // -> true
//   r53::RecordKey a = r53::RecordKey::make(*n, "TXT", "");
//   // std::map<RecordKey, X> iterates in ListResourceRecordSets order.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace r53d::r53 {

inline constexpr size_t kMaxNameWireBytes = 255;  // RFC 1035 §2.3.4, Route 53 §4.1
inline constexpr size_t kMaxLabelBytes = 63;
inline constexpr size_t kMaxNameInputChars = 1024;  // model: DNSName length

// Decodes the Route 53 escape that starts at text[i] (text[i] == '\\'), in names and in quoted
// strings alike (route53-api.md §4.1, §4.3): "\ooo" (three OCTAL digits, at most \377) is that
// byte, "\X" for any other non-digit X is a literal X. On success stores the byte in out and
// advances i past the escape. Returns false, i unchanged, for a backslash at the end of text or
// a digit escape that is not three octal digits at most \377 ("\9", "\12x", "\400").
bool read_escape(std::string_view text, size_t& i, char& out);

// Appends byte b as Route 53 writes it escaped: a backslash and three octal digits ("\052").
void append_octal_escape(std::string& out, unsigned char b);

// Appends one label (raw bytes, as split_name gives them) in stored form: bytes outside
// [a-z0-9_-] octal-escaped; upper-case letters lower-cased, or kept literal when keep_case
// (how route53d writes domain names inside values). No trailing dot; no length check.
void append_label(std::string& out, std::string_view raw, bool keep_case = false);

// Splits a name in any accepted spelling into its labels as raw bytes (escapes decoded, case
// kept). Input may or may not end with a dot; "\ddd" is a three-digit OCTAL escape as Route 53
// uses (route53-api.md §4.1), "\X" for any other X is a literal X. "." alone gives no labels.
// Errors (kInvalidArgument, message is the Route 53 problem code with its explanation, e.g.
// "DomainLabelEmpty (Domain label is empty)"): empty name, empty label, label > 63 bytes,
// wire length > 255 bytes, a dangling or bad escape.
Result<std::vector<std::string>> split_name(std::string_view name);

// The stored form of a name: lower-case ASCII, every byte outside [a-z0-9_-] octal-escaped,
// labels joined by '.', trailing dot. "." stays ".". Same errors as split_name.
Result<std::string> normalize_name(std::string_view name);

// Stored form of already-split labels (lower-cases them). Never fails; does not check lengths.
std::string join_labels(const std::vector<std::string>& labels);

// Checks the lengths of a name in stored form (labels <= 63, wire <= 255). Same messages as
// split_name. A name that normalize_name returned is always valid.
Status validate_name(std::string_view stored);

// Presentation for humans/DNS tools: decodes octal escapes back to bytes where they are
// printable ASCII other than '.' and '\' ("\052.example.com." -> "*.example.com."), keeps the
// rest escaped (as RFC 1035 decimal "\DDD" when dns_style, else as Route 53 octal).
std::string decode_name(std::string_view stored, bool dns_style = true);

// The ordering key of §4.6: labels of the stored name reversed, joined by '.', trailing dot
// ("www.example.com." -> "com.example.www."; "." -> ""). Comparing keys as byte strings gives
// ListResourceRecordSets / ListHostedZonesByName order. Input must be in stored form.
std::string reverse_name_key(std::string_view stored);

// True when name (stored form) equals zone or lies below it. Both in stored form.
bool is_in_zone(std::string_view name, std::string_view zone);

// Case-insensitive equality of two names in any spelling (normalises both; false if either
// is invalid).
bool same_name(std::string_view a, std::string_view b);

// Identity of a record set (§3.1) plus its sort key. Build with make(); compare with <, so a
// std::map<RecordKey, ...> iterates in ListResourceRecordSets order: reversed name bytes, then
// type (ASCII order of the mnemonic, so NS before SOA at the apex), then SetIdentifier bytes.
struct RecordKey {
  std::string order_name;      // reverse_name_key(name)
  std::string type;            // "A", "TXT", ...
  std::string set_identifier;  // empty for simple sets
  std::string name;            // stored form (not part of the ordering; derived from order_name)

  static RecordKey make(std::string_view stored_name, std::string_view type,
                        std::string_view set_identifier);
  bool operator<(const RecordKey& o) const;
  bool operator==(const RecordKey& o) const;
};

// Three-way comparison of (name, type, set_identifier) triples in ListResourceRecordSets order;
// names in stored form. <0, 0, >0.
int compare_rrset_order(std::string_view name_a, std::string_view type_a, std::string_view sid_a,
                        std::string_view name_b, std::string_view type_b, std::string_view sid_b);

}  // namespace r53d::r53
