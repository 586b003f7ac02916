// INI -> Config: the key table, value parsers and validation with file:line errors.
#include "config/config.h"

#include <arpa/inet.h>
#include <ini.h>
#include <pwd.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "config/bind_keys.h"
#include "config/key_table.h"
#include "util/text.h"

namespace r53d::config {
namespace {

// Feeds inih one line at a time so that the handler knows the line number, and looks at
// section headers itself (inih does not report a section that has no keys).
struct Reader {
  std::string_view text;
  size_t pos = 0;
  int line = 0;
  Builder* builder = nullptr;
};

char* reader_cb(char* str, int num, void* stream) noexcept {
  auto* r = static_cast<Reader*>(stream);
  if (r->pos >= r->text.size() || num < 2) return nullptr;
  size_t end = r->text.find('\n', r->pos);
  size_t next = end == std::string_view::npos ? r->text.size() : end + 1;
  std::string_view line = r->text.substr(r->pos, next - r->pos);
  r->pos = next;
  ++r->line;
  try {
    if (line.size() >= static_cast<size_t>(num)) {
      r->builder->error(r->line, "line too long (more than " + std::to_string(num - 2) +
                                     " characters)");
      line = line.substr(0, 0);
    }
    std::string t = trim(line);
    if (!t.empty() && t[0] == '[') r->builder->open_section(t, r->line);
  } catch (const std::exception& e) {
    r->builder->error(r->line, std::string("internal error: ") + e.what());
  }
  std::memcpy(str, line.data(), line.size());
  str[line.size()] = '\0';
  return str;
}

int handler_cb(void* user, const char* section, const char* name, const char* value) noexcept {
  auto* r = static_cast<Reader*>(user);
  try {
    r->builder->set(section, name, value ? value : "", r->line);
  } catch (const std::exception& e) {
    r->builder->error(r->line, std::string("internal error: ") + e.what());
  }
  return 1;  // errors are collected by the builder; keep parsing
}

bool file_is_private(const std::string& path, std::string* why) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return true;
  // Readable by the daemon's own group is the packaged setup (root:route53d 0640, route53d(8)).
  if ((st.st_mode & S_IROTH) != 0 || ((st.st_mode & S_IRGRP) != 0 && st.st_gid != getegid())) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    *why = mode;
    return false;
  }
  return true;
}

}  // namespace

// ---- small parsers shared with the key table -----------------------------------------------

Result<std::string> normalize_dns_name(std::string_view name) {
  std::string n = trim(name);
  if (n.empty()) return Status::invalid_argument("empty name");
  if (n == ".") return n;
  std::string out;
  size_t label = 0, wire = 1;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    if (c == '\\') {
      if (i + 1 >= n.size()) return Status::invalid_argument("backslash at end of name");
      out += c;
      c = n[++i];
      if (std::isdigit(static_cast<unsigned char>(c))) {
        if (i + 2 >= n.size()) return Status::invalid_argument("bad escape in name");
        out += n.substr(i, 3);
        i += 2;
      } else {
        out += c;
      }
      ++label;
      continue;
    }
    if (c == '.') {
      if (label == 0) {
        if (i + 1 == n.size() && !out.empty()) break;
        return Status::invalid_argument("empty label in \"" + n + "\"");
      }
      if (label > 63) return Status::invalid_argument("label longer than 63 bytes in \"" + n + "\"");
      wire += label + 1;
      label = 0;
      out += '.';
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      return Status::invalid_argument("white space in name \"" + n + "\"");
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ++label;
  }
  if (label > 63) return Status::invalid_argument("label longer than 63 bytes in \"" + n + "\"");
  if (label > 0) {
    wire += label + 1;
    out += '.';
  }
  if (wire > 255) return Status::invalid_argument("name longer than 255 bytes");
  return out;
}

Result<std::pair<std::string, int>> parse_tsig_algorithm(std::string_view text) {
  static const std::pair<const char*, int> kAlgs[] = {
      {"hmac-md5", 128},    {"hmac-sha1", 160},   {"hmac-sha224", 224},
      {"hmac-sha256", 256}, {"hmac-sha384", 384}, {"hmac-sha512", 512},
  };
  std::string t = trim(text);
  std::string lower = ascii_lower(t);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  if (lower == "hmac-md5.sig-alg.reg.int") lower = "hmac-md5";
  if (lower.rfind("hmac-", 0) != 0) lower = "hmac-" + lower;  // tsig-keygen accepts "sha256"
  for (const auto& [name, bits] : kAlgs) {
    size_t n = std::strlen(name);
    if (lower == name) return std::make_pair(std::string(name), 0);
    if (lower.size() > n + 1 && lower.compare(0, n, name) == 0 && lower[n] == '-') {
      std::string b = lower.substr(n + 1);
      if (b.find_first_not_of("0123456789") != std::string::npos || b.size() > 4) break;
      int want = std::stoi(b);
      // RFC 8945 §5.2.2.1: at least half the hash and at least 80 bits; nsupdate rounds up to 8.
      if (want > bits || want < std::max(80, bits / 2)) {
        return Status::invalid_argument("algorithm " + t + ": MAC length " + b + " outside " +
                                        std::to_string(std::max(80, bits / 2)) + ".." +
                                        std::to_string(bits) + " bits");
      }
      return std::make_pair(std::string(name), (want + 7) / 8 * 8);
    }
  }
  return Status::invalid_argument("unknown algorithm \"" + t +
                                  "\" (hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, "
                                  "hmac-sha384, hmac-sha512)");
}

Result<int64_t> parse_duration_ms(std::string_view text) {
  std::string t = trim(text);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  std::string num = t.substr(0, i), unit = t.substr(i);
  if (num.empty() || std::count(num.begin(), num.end(), '.') > 1 || num == ".") {
    return Status::invalid_argument("\"" + t + "\" is not a duration (e.g. 10, 1.5s, 500ms, 2m, 1d, 4w)");
  }
  double v = std::strtod(num.c_str(), nullptr);
  double scale;
  if (unit.empty() || unit == "s") scale = 1000;
  else if (unit == "ms") scale = 1;
  else if (unit == "m") scale = 60000;
  else if (unit == "h") scale = 3600000;
  else if (unit == "d") scale = 86400000;
  else if (unit == "w") scale = 604800000;
  else return Status::invalid_argument("\"" + t + "\" has an unknown unit (ms, s, m, h, d, w)");
  double ms = v * scale;
  if (ms > 86400000.0 * 365) return Status::invalid_argument("\"" + t + "\" is too long");
  return static_cast<int64_t>(std::llround(ms));
}

// ---- NamePattern, Cidr, Config -------------------------------------------------------------

bool NamePattern::matches(std::string_view n) const {
  if (!wildcard) return n == name;
  if (n.size() <= name.size()) return false;
  if (name == ".") return true;
  return n.compare(n.size() - name.size(), name.size(), name) == 0 &&
         n[n.size() - name.size() - 1] == '.';
}

bool Cidr::contains(const uint8_t* a, size_t len) const {
  if ((len == 16) != ipv6) return false;
  int full = prefix_len / 8, rest = prefix_len % 8;
  if (std::memcmp(a, addr.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (addr[full] & mask);
}

std::string Cidr::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(ipv6 ? AF_INET6 : AF_INET, addr.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(prefix_len);
}

const TsigKey* Config::find_key(std::string_view name) const {
  auto n = normalize_dns_name(name);
  if (!n.ok()) return nullptr;
  for (const TsigKey& k : keys) {
    if (k.name == *n) return &k;
  }
  return nullptr;
}

// ---- load ----------------------------------------------------------------------------------

Result<Config> parse(std::string_view text, const std::string& file_name) {
  Builder b(file_name);
  Reader r{text, 0, 0, &b};
  // Indented lines are ordinary lines (not continuations); long lines (allow-update, secrets)
  // fit; the reader reports lines that still do not.
  // These are process-wide inih settings (Debian's build makes them variables): set them for
  // this parse only and restore them, as other INI readers (AWS config files) rely on the defaults.
  struct InihSettings {
    bool multiline = ini_allow_multiline, stack = ini_use_stack, realloc = ini_allow_realloc;
    int initial = ini_initial_alloc, max = ini_max_line;
    ~InihSettings() {
      ini_allow_multiline = multiline;
      ini_use_stack = stack;
      ini_allow_realloc = realloc;
      ini_initial_alloc = initial;
      ini_max_line = max;
    }
  } saved;
  ini_allow_multiline = false;
  ini_use_stack = false;
  ini_allow_realloc = false;
  ini_initial_alloc = 8192;  // the line buffer when ini_use_stack is off
  ini_max_line = 8192;
  int rc = ini_parse_stream(&reader_cb, &r, &handler_cb, &r);
  if (rc > 0) b.syntax_error(rc);
  if (rc < 0) b.error(0, "out of memory while reading");
  return b.finish();
}

Result<Config> load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  auto cfg = parse(ss.str(), path);
  if (!cfg.ok()) return cfg;
  bool secrets = !cfg->aws.secret_access_key.empty() || !cfg->aws.session_token.empty();
  for (const TsigKey& k : cfg->keys) secrets = secrets || k.where.file == path;
  std::string mode;
  if (secrets && !file_is_private(path, &mode)) {
    cfg->warnings.push_back(path + ": holds secrets but is readable by group or others (mode " +
                            mode + "); chmod 600 it");
  }
  return cfg;
}

}  // namespace r53d::config
