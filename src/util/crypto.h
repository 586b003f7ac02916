// Hashes and MACs on OpenSSL 3 (EVP / EVP_MAC): SHA-256, HMAC-SHA256, hex, constant-time compare.
//
// Used by SigV4 (src/r53/sigv4.h) and by route53-sim to verify signatures.
//
//   std::string key = hmac_sha256("key", "data");      // 32 raw bytes
//   std::string h   = sha256_hex("");                   // "e3b0c442...b855"
//   bool same = constant_time_equal(sig_a, sig_b);
//
// None of these functions fail on valid input; an OpenSSL internal failure aborts the process
// (it means a broken installation, not bad input).
#pragma once

#include <string>
#include <string_view>

namespace r53d {

// SHA-256 of `data` as 32 raw bytes.
std::string sha256(std::string_view data);
// SHA-256 of `data` as 64 lower-case hex characters.
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `data` under `key` (any length), 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex of arbitrary bytes ("\x01\xab" -> "01ab").
std::string hex_encode(std::string_view bytes);
// Compares two byte strings in time that depends only on their lengths (not on where they
// differ). Strings of different lengths are unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace r53d
