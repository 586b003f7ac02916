// Per-type value checks of route53-sim (route53-api.md §3.6, §4.2-4.4).
#include "sim/validate.h"

namespace r53d::sim {

bool is_known_type(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"SOA", "A",   "TXT", "NS",   "CNAME", "MX",
                                                "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA",
                                                "DS",  "TLSA", "SSHFP", "SVCB", "HTTPS"};
  for (auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

std::optional<std::string> check_value(std::string_view, std::string_view) { return std::nullopt; }

std::optional<std::string> check_domain_name(std::string_view) { return std::nullopt; }

std::string canonical_value(std::string_view, std::string_view value) { return std::string(value); }

size_t value_chars(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace r53d::sim
