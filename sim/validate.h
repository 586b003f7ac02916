// Per-type value (RDATA text) checks of route53-sim, with Route 53's error texts (§3.6, §4.2-4.4).
//
//   if (auto msg = sim::check_value("TXT", "v=spf1 -all")) errors.push_back(*msg);
//   // *msg == "Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be
//   //          enclosed in quotation marks) encountered with 'v=spf1 -all'"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace r53d::sim {

inline constexpr size_t kMaxValueChars = 4000;           // one <Value>
inline constexpr size_t kMaxValuesPerRrset = 400;
inline constexpr size_t kMaxRecordsPerRequest = 1000;    // ResourceRecord elements, UPSERT x2
inline constexpr size_t kMaxValueCharsPerRequest = 32000;  // all <Value> characters, UPSERT x2
inline constexpr size_t kMaxCharacterString = 255;       // one TXT "..." string, unescaped

// True for the types Route 53 accepts in ResourceRecordSet/Type (§2.1).
bool is_known_type(std::string_view type);

// Checks one value of a set of that type. nullopt when valid; otherwise one message for the
// InvalidChangeBatch list, e.g. "Invalid Resource Record: FATAL problem: ARRDATANotSingleField
// (Value contains spaces) encountered with '1.2.3.4, 1.2.3.4'". The type must be known.
std::optional<std::string> check_value(std::string_view type, std::string_view value);

// Checks a domain name used as a value or alias target (trailing dot optional). nullopt when
// valid, else "FATAL problem: <Code> (<explanation>) encountered with '<name>'" (no prefix).
std::optional<std::string> check_domain_name(std::string_view name);

// A comparison form of a value: two values that Route 53 treats as equal (names differing only
// in case or trailing dot; IP addresses spelled differently) give the same string. Used for
// "Duplicate Resource Record" and for matching DELETEs. Invalid values come back unchanged.
std::string canonical_value(std::string_view type, std::string_view value);

// Characters of a value as counted for the 4,000 / 32,000 limits (Unicode code points of the
// UTF-8 text).
size_t value_chars(std::string_view utf8);

}  // namespace r53d::sim
