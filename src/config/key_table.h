// The configuration key table (every section and key, its default and validation) and the
// Builder that applies INI lines to a Config. Internal to src/config; the table is public so
// that tests can check the samples and the man page list every key.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace r53d::config {

enum class Section { kServer, kAws, kKey, kZone };
const char* section_name(Section s);  // "server", "aws", "key NAME", "zone NAME"

// What a key's apply function sees: the config being built and the section instance.
struct KeyContext {
  Config& config;
  TsigKey* key = nullptr;     // [key NAME]
  ZoneConfig* zone = nullptr;  // [zone NAME]
  Location where;
};

struct KeyDef {
  Section section;
  const char* name;
  const char* default_value;  // as written in the sample; nullptr: no default
  bool repeatable;            // may appear several times (values accumulate)
  bool required;
  const char* doc;            // one line, for --help-style listings
  // Validates and stores the value. Errors: kInvalidArgument, message without file:line.
  Status (*apply)(KeyContext& ctx, std::string_view value);
};

const std::vector<KeyDef>& key_table();

// "ADDR" or "ADDR/LEN", IPv4 or IPv6 (allow-notify, http-allow, allow-update's network, and the
// primaries' addresses as allow-notify's default). Errors: kInvalidArgument.
Result<Cidr> parse_cidr(const std::string& text);

// Collects a Config from INI events; every problem becomes one "file:line: reason" line.
class Builder {
 public:
  explicit Builder(std::string file);

  // A line that starts with '[' (trimmed), before inih sees it.
  void open_section(const std::string& header, int line);
  // name = value inside the current section (section as inih reports it, for keys before any).
  void set(const char* section, const char* name, const std::string& value, int line);
  void error(int line, const std::string& why);
  // inih reported its first syntax error at this line (if nothing was said about it already).
  void syntax_error(int line);
  // Defaults, required keys, cross references (key names, key files), then the Config or all
  // errors joined by '\n'.
  Result<Config> finish();

 private:
  struct Instance {
    Section section;
    int line = 0;
    size_t index = 0;                   // into config_.keys / config_.zones
    std::map<std::string, int> seen;    // key -> first line
  };
  void close_section();
  void apply_default(Section section, const char* name);

  std::string file_;
  Config config_;
  std::vector<std::pair<int, std::string>> errors_;
  std::vector<Instance> instances_;
  int current_ = -1;          // index into instances_; -1 before any section
  bool bad_section_ = false;  // the current header was bad: ignore its keys
  bool listen_explicit_ = false;
  std::set<int> error_lines_;
};

}  // namespace r53d::config
