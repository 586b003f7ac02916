// Base64 (RFC 4648 §4, standard alphabet, '=' padding) for TSIG secrets and test fixtures.
//
//   auto secret = r53d::base64_decode("bWFkZS11cA==");   // Result<std::vector<uint8_t>>
//   if (!secret.ok()) return secret.status();            // never echo the input: it may be a secret
//   std::string text = r53d::base64_encode(*secret);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace r53d {

// Encodes bytes as padded base64 with no line breaks.
std::string base64_encode(std::span<const uint8_t> bytes);

// Decodes strict base64. ASCII whitespace (spaces, tabs, line breaks) between characters is ignored,
// as in BIND key files; anything else must be the standard alphabet, the length (without whitespace)
// a multiple of 4, and '=' only as one or two final padding characters. An empty input decodes to
// no bytes. Errors: kInvalidArgument whose message never contains the input (it may be a secret).
Result<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace r53d
