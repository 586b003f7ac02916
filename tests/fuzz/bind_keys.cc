// libFuzzer target: the BIND key-file parser (config/bind_keys.h), i.e. what tsig-keygen and
// ddns-confgen write and `key-file =` names, and the strict base64 of secrets.
// Input: the file's text. Invariants: an error names the file; every key parsed has a name, an
// algorithm and a secret.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/bind_keys.h"
#include "tests/fuzz/require.h"

using r53d::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto keys = r53d::config::parse_bind_keys(text, "fuzz.key");
  if (!keys.ok()) {
    require(keys.status().message().rfind("fuzz.key", 0) == 0, "an error starts with the file name");
  } else {
    for (const auto& k : *keys) require(!k.name.empty() && !k.algorithm.empty() && !k.secret.empty(), "a key has a name, algorithm and secret");
  }
  (void)r53d::config::decode_secret(text);
  return 0;
}
