// BIND key files (named.conf `key` statements as written by tsig-keygen and ddns-confgen).
//
//   key "ddns-key.example.com" {
//       algorithm hmac-sha256;
//       secret "bWFkZS11cC1leGFtcGxlLXNlY3JldC0zMi1ieXRlcyE=";
//   };
//
// A file may hold several key statements and other statements (skipped, braces balanced), and
// comments in the three named.conf styles (# ..., // ..., /* ... */). Inside a key the two
// clauses may come in either order. See dns-protocol.md §3.
//
//   auto keys = r53d::config::load_bind_keys("/etc/route53d/keys.conf");
//   if (!keys.ok()) -> "keys.conf:3: key \"k\": secret is not valid base64"
//
// Errors: kInvalidArgument, "FILE:LINE: reason" (the first problem only). Secrets never appear
// in messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace r53d::config {

Result<std::vector<TsigKey>> parse_bind_keys(std::string_view text, const std::string& file_name);
Result<std::vector<TsigKey>> load_bind_keys(const std::string& path);

// Strict base64 (RFC 4648, '=' padding, white space ignored) of a secret; the message of the
// error never contains the input. An empty or undecodable text is an error.
Result<std::vector<uint8_t>> decode_secret(std::string_view text);

}  // namespace r53d::config
