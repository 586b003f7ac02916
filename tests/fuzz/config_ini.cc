// libFuzzer target: the INI configuration (config/config.h parse: inih through util/ini_text.h,
// the key table, validation with file:line messages) and parse_ini_text alone, which the AWS
// shared credentials and config files go through too.
// Input: the file's text. Invariants: each line of a refusal starts with the name of the file
// its error is in (fuzz.ini, or a key file it names); a key defined twice names two places;
// parse_ini_text reports line numbers within the text.
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
#include "tests/fuzz/require.h"
#include "util/ini_text.h"

namespace {

using r53d::fuzz::require;

bool enter_sandbox() {
  char dir[] = "/tmp/r53d-fuzz-ini.XXXXXX";
  require(mkdtemp(dir) != nullptr, "mkdtemp");
  require(chdir(dir) == 0, "chdir");
  std::ofstream("update.key") << "key \"update-key\" {\n\talgorithm hmac-sha256;\n"
                                 "\tsecret \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=\";\n};\n";
  std::ofstream("other.key") << "key other-key { algorithm hmac-sha512; secret \"b3RoZXItc2VjcmV0\"; };\n";
  return true;
}

// Each line of a refusal names where its error is: "fuzz.ini..." or, for what is wrong inside a
// key file, that file ("update.key:LINE: ..."). A key defined twice names two different places.
void check_errors(const std::string& message) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(start, end - start);
    std::string file = line.substr(0, line.find(':'));
    require(file == "fuzz.ini" || (!file.empty() && access(file.c_str(), F_OK) == 0),
            "an error starts with the name of the file it is in");
    // "WHERE: key NAME defined twice (first at FIRST)", FIRST != WHERE. (Matched at both ends:
    // other errors quote the input, which may hold such words.)
    std::string where = line.substr(0, line.find(": "));
    std::string tail = " defined twice (first at " + where + ")";
    require(!(line.rfind(where + ": key ", 0) == 0 && line.size() >= tail.size() &&
              line.compare(line.size() - tail.size(), tail.size(), tail) == 0),
            "a key defined twice names two places");
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool sandboxed = enter_sandbox();
  (void)sandboxed;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::string_view bad : {"/dev", "/proc", "/sys", "/run"})
    if (text.find(bad) != std::string_view::npos) return 0;
  auto cfg = r53d::config::parse(text, "fuzz.ini");
  if (!cfg.ok()) check_errors(cfg.status().message());
  int lines = 1;
  for (char c : text) lines += c == '\n';
  (void)r53d::parse_ini_text(text, [&](const r53d::IniEntry& e) {
    require(e.line >= 1 && e.line <= lines, "an entry's line is in the text");
    return r53d::Status();
  });
  return 0;
}
