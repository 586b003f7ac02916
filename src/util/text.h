// ASCII text helpers shared by config, credentials, endpoints, SigV4 and names: trimming and case
// folding without the C locale's surprises (bytes >= 0x80 are never touched).
//
//   std::string v = r53d::trim("  us-east-1 \r\n");   // "us-east-1"
//   std::string h = r53d::ascii_lower("Route53.AmazonAWS.com");
#pragma once

#include <string>
#include <string_view>

namespace r53d {

// True for the ASCII white space of isspace() in the C locale: ' ' \t \n \v \f \r.
bool is_ascii_space(char c);

// A copy of s without leading and trailing ASCII white space.
std::string trim(std::string_view s);

// A copy of s with A-Z folded to a-z; every other byte unchanged.
std::string ascii_lower(std::string_view s);

}  // namespace r53d
