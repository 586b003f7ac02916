// Parser for BIND `key` statements (tsig-keygen / ddns-confgen output).
#include "config/bind_keys.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <strings.h>
#include <fstream>
#include <sstream>

#include "util/base64.h"

namespace r53d::config {
namespace {

struct Tok {
  enum Kind { kWord, kString, kOpen, kClose, kSemi, kEnd } kind = kEnd;
  std::string text;
  int line = 0;
};

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  // Next token, or an error for an unterminated string or comment.
  Result<Tok> next() {
    skip();
    if (!err_.empty()) return Status::invalid_argument(err_);
    Tok t;
    t.line = line_;
    if (i_ >= s_.size()) return t;
    char c = s_[i_];
    if (c == '{' || c == '}' || c == ';') {
      ++i_;
      t.kind = c == '{' ? Tok::kOpen : c == '}' ? Tok::kClose : Tok::kSemi;
      t.text = std::string(1, c);
      return t;
    }
    if (c == '"') {
      ++i_;
      t.kind = Tok::kString;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        if (s_[i_] == '\n') ++line_;
        t.text += s_[i_++];
      }
      if (i_ >= s_.size()) {
        return Status::invalid_argument(file_ + ":" + std::to_string(t.line) +
                                        ": unterminated quoted string");
      }
      ++i_;
      return t;
    }
    t.kind = Tok::kWord;
    while (i_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[i_])) &&
           std::string_view("{};\"#").find(s_[i_]) == std::string_view::npos &&  // strchr would match a NUL
           !(s_[i_] == '/' && i_ + 1 < s_.size() && (s_[i_ + 1] == '/' || s_[i_ + 1] == '*'))) {
      t.text += s_[i_++];
    }
    return t;
  }

 private:
  void skip() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '#' || (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/')) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        int start = line_;
        i_ += 2;
        while (i_ + 1 < s_.size() && !(s_[i_] == '*' && s_[i_ + 1] == '/')) {
          if (s_[i_] == '\n') ++line_;
          ++i_;
        }
        if (i_ + 1 >= s_.size()) {
          err_ = file_ + ":" + std::to_string(start) + ": unterminated /* comment";
          i_ = s_.size();
          return;
        }
        i_ += 2;
      } else {
        return;
      }
    }
  }

  std::string_view s_;
  const std::string& file_;
  size_t i_ = 0;
  int line_ = 1;
  std::string err_;
};

}  // namespace

Result<std::vector<uint8_t>> decode_secret(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes.ok()) {
    // util's messages never contain the input; keep only the reason.
    std::string why = bytes.status().message();
    if (why.rfind("base64: ", 0) == 0) why = why.substr(8);
    return Status::invalid_argument("secret is not valid base64 (" + why + ")");
  }
  if (bytes->empty()) return Status::invalid_argument("secret is empty");
  return std::move(*bytes);
}

Result<std::vector<TsigKey>> parse_bind_keys(std::string_view text, const std::string& file_name) {
  Lexer lx(text, file_name);
  std::vector<TsigKey> keys;
  auto err = [&](int line, const std::string& why) {
    return Status::invalid_argument(file_name + ":" + std::to_string(line) + ": " + why);
  };
  while (true) {
    auto t = lx.next();
    if (!t.ok()) return t.status();
    if (t->kind == Tok::kEnd) break;
    if (t->kind == Tok::kWord && strcasecmp(t->text.c_str(), "key") == 0) {
      int key_line = t->line;
      auto name_tok = lx.next();
      if (!name_tok.ok()) return name_tok.status();
      if (name_tok->kind != Tok::kString && name_tok->kind != Tok::kWord) {
        return err(name_tok->line, "key statement without a name");
      }
      auto name = normalize_dns_name(name_tok->text);
      if (!name.ok()) return err(name_tok->line, "key name: " + name.status().message());
      std::string label = "key \"" + name_tok->text + "\": ";
      auto open = lx.next();
      if (!open.ok()) return open.status();
      if (open->kind != Tok::kOpen) return err(open->line, label + "expected '{'");
      TsigKey key;
      key.name = *name;
      key.where = Location{file_name, key_line};
      bool have_alg = false, have_secret = false;
      int close_line = 0;
      while (true) {
        auto c = lx.next();
        if (!c.ok()) return c.status();
        close_line = c->line;
        if (c->kind == Tok::kClose) break;
        if (c->kind == Tok::kEnd) return err(c->line, label + "missing '};'");
        if (c->kind != Tok::kWord) return err(c->line, label + "unexpected '" + c->text + "'");
        auto v = lx.next();
        if (!v.ok()) return v.status();
        if (v->kind != Tok::kWord && v->kind != Tok::kString) {
          return err(v->line, label + c->text + " needs a value");
        }
        if (strcasecmp(c->text.c_str(), "algorithm") == 0) {
          auto alg = parse_tsig_algorithm(v->text);
          if (!alg.ok()) return err(v->line, label + alg.status().message());
          key.algorithm = alg->first;
          key.mac_bits = alg->second;
          have_alg = true;
        } else if (strcasecmp(c->text.c_str(), "secret") == 0) {
          auto sec = decode_secret(v->text);
          if (!sec.ok()) return err(v->line, label + sec.status().message());
          key.secret = std::move(*sec);
          have_secret = true;
        } else {
          return err(c->line, label + "unknown clause \"" + c->text + "\"");
        }
        auto semi = lx.next();
        if (!semi.ok()) return semi.status();
        if (semi->kind != Tok::kSemi) return err(semi->line, label + "expected ';' after " + c->text);
      }
      auto semi = lx.next();
      if (!semi.ok()) return semi.status();
      if (semi->kind != Tok::kSemi) return err(close_line, label + "expected ';' after '}'");
      if (!have_alg) return err(key_line, label + "no algorithm");
      if (!have_secret) return err(key_line, label + "no secret");
      for (const TsigKey& k : keys) {
        if (k.name == key.name) {
          return err(key_line, label + "defined twice (first at line " +
                                   std::to_string(k.where.line) + ")");
        }
      }
      keys.push_back(std::move(key));
      continue;
    }
    // Any other statement: skip to its ';' at brace depth 0.
    int depth = t->kind == Tok::kOpen ? 1 : 0;
    int start = t->line;
    if (t->kind == Tok::kSemi) continue;
    while (true) {
      auto u = lx.next();
      if (!u.ok()) return u.status();
      if (u->kind == Tok::kEnd) {
        if (depth > 0) return err(start, "unbalanced '{' in statement");
        return err(start, "statement without ';'");
      }
      if (u->kind == Tok::kOpen) ++depth;
      if (u->kind == Tok::kClose && --depth < 0) return err(u->line, "unexpected '}'");
      if (u->kind == Tok::kSemi && depth == 0) break;
    }
  }
  return keys;
}

Result<std::vector<TsigKey>> load_bind_keys(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_bind_keys(ss.str(), path);
}

}  // namespace r53d::config
