// parse_ini_text: inih's ini_parse_stream with a reader that lifts the 200-byte line limit.
#include "util/ini_text.h"

#include <ini.h>

#include <cctype>
#include <cstring>
#include <vector>

namespace r53d {
namespace {

constexpr char kOpen = '\x01';
constexpr char kClose = '\x02';

bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// inih's treatment of a value: leading space skipped, cut at an inline ";" comment (a ';'
// preceded by whitespace), trailing space stripped.
std::string inih_value(std::string_view raw) {
  size_t b = 0;
  while (b < raw.size() && space(raw[b])) ++b;
  raw.remove_prefix(b);
  bool was_space = false;
  size_t end = 0;
  for (; end < raw.size(); ++end) {
    if (was_space && raw[end] == ';') break;
    was_space = space(raw[end]);
  }
  raw = raw.substr(0, end);
  while (!raw.empty() && space(raw.back())) raw.remove_suffix(1);
  return std::string(raw);
}

struct State {
  std::string_view text;
  size_t pos = 0;
  int line = 0;
  std::vector<std::string> long_values;  // originals of placeholders
  std::string pending;                  // what is left of the current (rewritten) line
  const IniHandler* handler = nullptr;
  Status first_error;
};

// Rewrites one physical line (without its '\n') so that it fits in `limit` bytes.
std::string rewrite_long_line(State& st, std::string_view line, size_t limit) {
  size_t b = 0;
  while (b < line.size() && space(line[b])) ++b;
  std::string_view body = line.substr(b);
  auto placeholder = [&](std::string_view raw) {
    st.long_values.push_back(inih_value(raw));
    return std::string(1, kOpen) + std::to_string(st.long_values.size() - 1) + kClose;
  };
  if (body.empty() || body[0] == ';' || body[0] == '#') return "#";  // a long comment
  if (body[0] == '[') return std::string(1, kClose) + "line too long";  // inih: syntax error
  if (b > 0) {
    // Indented: inih's multi-line continuation; the whole stripped line is the value.
    std::string out(line.substr(0, b > 8 ? 8 : b));
    return out + placeholder(body);
  }
  size_t sep = body.find_first_of("=:");
  if (sep == std::string_view::npos || sep + 16 > limit) {
    return std::string(1, kClose) + "line too long";
  }
  return std::string(body.substr(0, sep + 1)) + placeholder(body.substr(sep + 1));
}

// ini_reader: behaves like fgets on the text, one physical line per call (rewritten if long).
char* reader_cb(char* str, int num, void* stream) noexcept {
  auto* st = static_cast<State*>(stream);
  if (num < 2) return nullptr;
  size_t limit = static_cast<size_t>(num) - 1;
  try {
    if (st->pending.empty()) {
      if (st->pos >= st->text.size()) return nullptr;
      size_t nl = st->text.find('\n', st->pos);
      size_t end = nl == std::string_view::npos ? st->text.size() : nl;
      std::string_view line = st->text.substr(st->pos, end - st->pos);
      st->pos = nl == std::string_view::npos ? st->text.size() : nl + 1;
      ++st->line;
      // inih needs the '\n' inside its buffer to see the end of the line.
      if (line.size() + 1 <= limit) {
        st->pending = std::string(line) + "\n";
      } else {
        st->pending = rewrite_long_line(*st, line, limit) + "\n";
      }
    }
    size_t n = std::min(st->pending.size(), limit);
    std::memcpy(str, st->pending.data(), n);
    str[n] = '\0';
    st->pending.erase(0, n);
    return str;
  } catch (...) {
    return nullptr;
  }
}

std::string substitute(const State& st, const char* value) {
  std::string v(value);
  size_t open;
  while ((open = v.find(kOpen)) != std::string::npos) {
    size_t close = v.find(kClose, open);
    if (close == std::string::npos) break;
    size_t idx = std::stoul(v.substr(open + 1, close - open - 1));
    v.replace(open, close - open + 1, idx < st.long_values.size() ? st.long_values[idx] : "");
  }
  return v;
}

int handler_cb(void* user, const char* section, const char* name, const char* value) noexcept {
  auto* st = static_cast<State*>(user);
  try {
    IniEntry e{section, name, substitute(*st, value), st->line};
    Status s = (*st->handler)(e);
    if (!s.ok() && st->first_error.ok()) {
      st->first_error = Status::invalid_argument(std::to_string(st->line) + ": " + s.message());
    }
    return 1;  // keep going; the first error is reported at the end
  } catch (const std::exception& ex) {
    if (st->first_error.ok()) {
      st->first_error = Status::invalid_argument(std::to_string(st->line) + ": " + ex.what());
    }
    return 1;
  }
}

}  // namespace

Status parse_ini_text(std::string_view text, const IniHandler& handler) {
  State st;
  st.text = text;
  st.handler = &handler;
  int rc = ini_parse_stream(&reader_cb, &st, &handler_cb, &st);
  if (rc < 0) return Status::internal("ini_parse_stream failed (out of memory)");
  // inih reports the first syntax error line; a handler error may have come earlier.
  if (rc > 0) {
    Status syntax = Status::invalid_argument(std::to_string(rc) + ": syntax error");
    if (st.first_error.ok()) return syntax;
    int handler_line = std::stoi(st.first_error.message());
    return handler_line <= rc ? st.first_error : syntax;
  }
  return st.first_error;
}

}  // namespace r53d
