// libFuzzer target: the INI configuration (config/config.h parse: inih through util/ini_text.h,
// the key table, validation with file:line messages) and parse_ini_text alone, which the AWS
// shared credentials and config files go through too.
// Input: the file's text. Invariants: a refused file gets a message that starts with the file
// name; parse_ini_text reports line numbers within the text.
// `key-file =` lines are read from disk relative to the working directory: the harness runs in a
// fresh temporary folder holding two key files (update.key, other.key), and skips inputs naming
// /dev, /proc, /sys or /run (a key file there could block or never end).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "config/config.h"
#include "util/ini_text.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

bool enter_sandbox() {
  char dir[] = "/tmp/r53d-fuzz-ini.XXXXXX";
  require(mkdtemp(dir) != nullptr, "mkdtemp");
  require(chdir(dir) == 0, "chdir");
  std::ofstream("update.key") << "key \"update-key\" {\n\talgorithm hmac-sha256;\n"
                                 "\tsecret \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=\";\n};\n";
  std::ofstream("other.key") << "key other-key { algorithm hmac-sha512; secret \"b3RoZXItc2VjcmV0\"; };\n";
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool sandboxed = enter_sandbox();
  (void)sandboxed;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::string_view bad : {"/dev", "/proc", "/sys", "/run"})
    if (text.find(bad) != std::string_view::npos) return 0;
  auto cfg = r53d::config::parse(text, "fuzz.ini");
  if (!cfg.ok()) require(cfg.status().message().rfind("fuzz.ini", 0) == 0, "an error starts with the file name");
  int lines = 1;
  for (char c : text) lines += c == '\n';
  (void)r53d::parse_ini_text(text, [&](const r53d::IniEntry& e) {
    require(e.line >= 1 && e.line <= lines, "an entry's line is in the text");
    return r53d::Status();
  });
  return 0;
}
