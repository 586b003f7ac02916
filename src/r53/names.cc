// Route 53 domain names: stored form, validation, ListResourceRecordSets order (route53-api.md §4).
#include "r53/names.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace r53d::r53 {
namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// The byte of a three-digit octal escape at text[i] == '\\', or -1 if there is none there.
int octal_escape_at(std::string_view text, size_t i) {
  if (i + 3 >= text.size() || !is_octal(text[i + 1]) || !is_octal(text[i + 2]) ||
      !is_octal(text[i + 3])) {
    return -1;
  }
  return (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
}

bool plain_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Status name_error(const char* what) { return Status::invalid_argument(what); }

constexpr const char* kEmptyName = "DomainNameEmpty (Domain name is empty)";
constexpr const char* kEmptyLabel = "DomainLabelEmpty (Domain label is empty)";
constexpr const char* kLabelTooLong = "DomainLabelTooLong (Domain label is too long)";
constexpr const char* kNameTooLong = "DomainNameTooLong (Domain name is too long)";
constexpr const char* kBadEscape = "InvalidEscape (Escape sequence is not valid)";

Status check_lengths(const std::vector<std::string>& labels) {
  size_t wire = 1;  // root label
  for (const auto& l : labels) {
    if (l.empty()) return name_error(kEmptyLabel);
    if (l.size() > kMaxLabelBytes) return name_error(kLabelTooLong);
    wire += 1 + l.size();
  }
  if (wire > kMaxNameWireBytes) return name_error(kNameTooLong);
  return Status();
}

}  // namespace

bool read_escape(std::string_view text, size_t& i, char& out) {
  if (i + 1 >= text.size()) return false;
  char c = text[i + 1];
  if (c >= '0' && c <= '9') {
    // A digit escape that is not three octal digits ("\9", "\12x") is ambiguous: refuse it.
    int v = octal_escape_at(text, i);
    if (v < 0 || v > 255) return false;
    out = static_cast<char>(v);
    i += 4;
    return true;
  }
  out = c;
  i += 2;
  return true;
}

void append_octal_escape(std::string& out, unsigned char b) {
  out.push_back('\\');
  out.push_back(static_cast<char>('0' + ((b >> 6) & 7)));
  out.push_back(static_cast<char>('0' + ((b >> 3) & 7)));
  out.push_back(static_cast<char>('0' + (b & 7)));
}

void append_label(std::string& out, std::string_view raw, bool keep_case) {
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    bool upper = c >= 'A' && c <= 'Z';
    if (upper && !keep_case) c = static_cast<unsigned char>(c - 'A' + 'a');
    if (plain_byte(c) || (upper && keep_case)) {
      out.push_back(static_cast<char>(c));
    } else {
      append_octal_escape(out, c);
    }
  }
}

Result<std::vector<std::string>> split_name(std::string_view name) {
  if (name.empty()) return name_error(kEmptyName);
  if (name.size() > kMaxNameInputChars) return name_error(kNameTooLong);
  std::vector<std::string> labels;
  if (name == ".") return labels;
  std::string cur;
  bool ended_with_dot = false;
  for (size_t i = 0; i < name.size();) {
    char c = name[i];
    ended_with_dot = false;
    if (c == '\\') {
      char b;
      if (!read_escape(name, i, b)) return name_error(kBadEscape);
      cur.push_back(b);
      continue;  // read_escape moved i past the escape
    }
    if (c == '.') {
      if (cur.empty()) return name_error(kEmptyLabel);
      labels.push_back(std::move(cur));
      cur.clear();
      ended_with_dot = true;
    } else {
      cur.push_back(c);
    }
    ++i;
  }
  if (!ended_with_dot) {
    if (cur.empty()) return name_error(kEmptyLabel);
    labels.push_back(std::move(cur));
  }
  R53D_RETURN_IF_ERROR(check_lengths(labels));
  return labels;
}

std::string join_labels(const std::vector<std::string>& labels) {
  if (labels.empty()) return ".";
  std::string out;
  for (const auto& l : labels) {
    append_label(out, l);
    out.push_back('.');
  }
  return out;
}

Result<std::string> normalize_name(std::string_view name) {
  // Fast path: already in stored form (common for names read back from the API).
  bool stored = name.size() > 1 && name.back() == '.' && name.front() != '.';
  for (size_t i = 0; stored && i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c == '.') {
      if (name[i - 1] == '.') stored = false;
    } else if (!plain_byte(c)) {
      stored = false;
    }
  }
  if (stored && name.size() <= kMaxNameWireBytes) {
    Status st = validate_name(name);
    if (st.ok()) return std::string(name);
  }
  auto labels = split_name(name);
  if (!labels.ok()) return labels.status();
  return join_labels(*labels);
}

Status validate_name(std::string_view stored) {
  if (stored.empty()) return name_error(kEmptyName);
  if (stored == ".") return Status();
  size_t wire = 1;
  size_t label = 0;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == '.') {
      if (label == 0) return name_error(kEmptyLabel);
      if (label > kMaxLabelBytes) return name_error(kLabelTooLong);
      wire += 1 + label;
      label = 0;
    } else if (stored[i] == '\\' && i + 3 < stored.size() && is_octal(stored[i + 1])) {
      i += 3;
      ++label;
    } else {
      ++label;
    }
  }
  if (label != 0) {  // no trailing dot
    if (label > kMaxLabelBytes) return name_error(kLabelTooLong);
    wire += 1 + label;
  }
  if (wire > kMaxNameWireBytes) return name_error(kNameTooLong);
  return Status();
}

std::string decode_name(std::string_view stored, bool dns_style) {
  std::string out;
  out.reserve(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    int v = stored[i] == '\\' ? octal_escape_at(stored, i) : -1;
    if (v >= 0) {
      i += 3;
      bool keep_escaped = v <= 0x20 || v >= 0x7f || v == '.' || v == '\\' || v == '"' ||
                          v == '(' || v == ')' || v == ';' || v == '@' || v == '$';
      if (!keep_escaped) {
        out.push_back(static_cast<char>(v));
      } else {
        char buf[6];
        std::snprintf(buf, sizeof buf, dns_style ? "\\%03d" : "\\%03o", v);
        out.append(buf, 4);
      }
    } else {
      out.push_back(stored[i]);
    }
  }
  return out;
}

std::string reverse_name_key(std::string_view stored) {
  if (stored.empty() || stored == ".") return {};
  std::string_view s = stored;
  if (s.back() == '.') s.remove_suffix(1);
  std::string out;
  out.reserve(s.size() + 1);
  // Walk labels from the right; in stored form every '.' is a separator (dots in labels are
  // escaped as \056).
  size_t end = s.size();
  while (true) {
    size_t dot = s.rfind('.', end == 0 ? 0 : end - 1);
    if (end == 0) break;
    size_t begin = (dot == std::string_view::npos) ? 0 : dot + 1;
    out.append(s.substr(begin, end - begin));
    out.push_back('.');
    if (dot == std::string_view::npos) break;
    end = dot;
  }
  return out;
}

bool is_in_zone(std::string_view name, std::string_view zone) {
  if (zone == "." || zone.empty()) return true;
  if (name.size() < zone.size()) return false;
  if (name.substr(name.size() - zone.size()) != zone) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

bool same_name(std::string_view a, std::string_view b) {
  auto na = normalize_name(a);
  auto nb = normalize_name(b);
  return na.ok() && nb.ok() && *na == *nb;
}

RecordKey RecordKey::make(std::string_view stored_name, std::string_view type,
                          std::string_view set_identifier) {
  RecordKey k;
  k.order_name = reverse_name_key(stored_name);
  k.type = std::string(type);
  k.set_identifier = std::string(set_identifier);
  k.name = std::string(stored_name);
  return k;
}

bool RecordKey::operator<(const RecordKey& o) const {
  return std::tie(order_name, type, set_identifier) <
         std::tie(o.order_name, o.type, o.set_identifier);
}

bool RecordKey::operator==(const RecordKey& o) const {
  return order_name == o.order_name && type == o.type && set_identifier == o.set_identifier;
}

int compare_rrset_order(std::string_view name_a, std::string_view type_a, std::string_view sid_a,
                        std::string_view name_b, std::string_view type_b,
                        std::string_view sid_b) {
  std::string ka = reverse_name_key(name_a);
  std::string kb = reverse_name_key(name_b);
  if (int c = ka.compare(kb)) return c < 0 ? -1 : 1;
  if (int c = type_a.compare(type_b)) return c < 0 ? -1 : 1;
  if (int c = sid_a.compare(sid_b)) return c < 0 ? -1 : 1;
  return 0;
}

}  // namespace r53d::r53
