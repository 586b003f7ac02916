// INI parsing through inih, without inih's line-length limit, with line numbers and Status.
//
// Debian's libinih is built with a 200-byte line buffer: a longer line (an AWS session token is
// often 800+ characters) is silently cut and the rest reported as a syntax error. parse_ini_text
// feeds inih through ini_parse_stream and hands long values to the handler intact: each long
// line reaches inih as a short placeholder, which is replaced by the original value (trimmed,
// inline "; comment" removed, exactly as inih would have done) before the handler sees it.
//
//   Status s = parse_ini_text(text, [&](const IniEntry& e) -> Status {
//     if (e.section == "default" && e.name == "region") region = e.value;
//     return Status();                       // non-OK: parsing goes on, the first error is kept
//   });
//   if (!s.ok()) fail(path + ":" + s.message());   // message is "LINE: reason"
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace r53d {

struct IniEntry {
  std::string section;  // "" before the first [section]
  std::string name;
  std::string value;
  int line = 0;  // 1-based line of the name (of the continuation line for multi-line values)
};

using IniHandler = std::function<Status(const IniEntry&)>;

// Parses `text`. Returns OK, or kInvalidArgument with message "LINE: reason" for the first
// error: a syntax error found by inih, or the first non-OK Status returned by the handler
// (its message after "LINE: ").
Status parse_ini_text(std::string_view text, const IniHandler& handler);

}  // namespace r53d
