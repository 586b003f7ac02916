// Route 53 text <-> ldns data for the mirror (built-in conversion; see codec.h).
#include "zone/codec.h"

#include <cstdlib>
#include <vector>

namespace r53d::zone {

namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "\ooo" (octal, Route 53) -> "\DDD" (decimal, ldns presentation). Other escapes are copied.
std::string octal_to_decimal_escapes(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 3 < in.size() && is_octal(in[i + 1]) && is_octal(in[i + 2]) &&
        is_octal(in[i + 3])) {
      int v = (in[i + 1] - '0') * 64 + (in[i + 2] - '0') * 8 + (in[i + 3] - '0');
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03d", v);
      out += buf;
      i += 3;
    } else if (in[i] == '\\' && i + 1 < in.size()) {
      out += in[i];
      out += in[++i];
    } else {
      out += in[i];
    }
  }
  return out;
}

// "\DDD" (decimal, ldns) -> "\ooo" (octal, Route 53). Other escapes are copied.
std::string decimal_to_octal_escapes(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 3 < in.size() && is_digit(in[i + 1]) && is_digit(in[i + 2]) &&
        is_digit(in[i + 3])) {
      int v = (in[i + 1] - '0') * 100 + (in[i + 2] - '0') * 10 + (in[i + 3] - '0');
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", v & 0xFF);
      out += buf;
      i += 3;
    } else if (in[i] == '\\' && i + 1 < in.size()) {
      out += in[i];
      out += in[++i];
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

Result<Name> name_from_r53(const std::string& text) {
  if (text.empty()) return Status::invalid_argument("empty domain name");
  std::vector<std::string> labels;
  std::string label;
  bool root_only = text == ".";
  for (size_t i = 0; !root_only && i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 3 < text.size() && is_octal(text[i + 1]) && is_octal(text[i + 2]) && is_octal(text[i + 3])) {
        label += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
        i += 3;
      } else if (i + 1 < text.size()) {
        label += text[++i];
      } else {
        return Status::invalid_argument("dangling escape in name '" + text + "'");
      }
    } else if (c == '.') {
      if (label.empty()) return Status::invalid_argument("empty label in name '" + text + "'");
      labels.push_back(label);
      label.clear();
    } else {
      label += c;
    }
  }
  if (!label.empty()) labels.push_back(label);
  std::string wire;
  for (const auto& l : labels) {
    if (l.size() > 63) return Status::invalid_argument("label longer than 63 octets in '" + text + "'");
    wire += static_cast<char>(l.size());
    wire += l;
  }
  wire += '\0';
  if (wire.size() > 255) return Status::invalid_argument("name longer than 255 octets: '" + text + "'");
  RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
  if (!rdf) return Status::internal("out of memory");
  return Name::from_rdf(rdf.get());
}

std::string name_to_r53(const Name& name) {
  const std::string& w = name.wire();
  if (w.size() <= 1) return ".";
  std::string out;
  size_t pos = 0;
  while (pos < w.size() && w[pos] != '\0') {
    size_t len = static_cast<unsigned char>(w[pos]);
    for (size_t i = pos + 1; i <= pos + len && i < w.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(w[i]);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        out += static_cast<char>(c);
      } else {
        char buf[8];
        snprintf(buf, sizeof buf, "\\%03o", c);
        out += buf;
      }
    }
    out += '.';
    pos += len + 1;
  }
  return out;
}

std::string type_to_r53(uint16_t type) {
  char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  if (s == nullptr) return "TYPE" + std::to_string(type);
  std::string out(s);
  free(s);
  return out;
}

Result<uint16_t> type_from_r53(const std::string& text) {
  ldns_rr_type t = ldns_get_rr_type_by_name(text.c_str());
  if (t == 0) return Status::invalid_argument("unknown record type '" + text + "'");
  return static_cast<uint16_t>(t);
}

Result<RrPtr> rr_from_value(const Name& owner, uint16_t type, uint32_t ttl_s, const std::string& value) {
  std::string text = owner.to_text() + " " + std::to_string(ttl_s) + " IN " + type_to_r53(type) + " " +
                     octal_to_decimal_escapes(value);
  ldns_rr* raw = nullptr;
  ldns_status st = ldns_rr_new_frm_str(&raw, text.c_str(), ttl_s, nullptr, nullptr);
  RrPtr rr(raw);
  if (st != LDNS_STATUS_OK || !rr)
    return Status::invalid_argument("bad " + type_to_r53(type) + " value '" + value + "': " +
                                    ldns_get_errorstr_by_id(st));
  if (ldns_rr_get_type(rr.get()) != type)
    return Status::invalid_argument("value '" + value + "' parsed as another type");
  return rr;
}

Result<std::string> value_from_rr(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    char* s = ldns_rdf2str(ldns_rr_rdf(rr, i));
    if (s == nullptr) return Status::invalid_argument("cannot print rdata field");
    if (i) out += ' ';
    out += s;
    free(s);
  }
  if (out.empty()) return Status::invalid_argument("empty rdata");
  return decimal_to_octal_escapes(out);
}

}  // namespace r53d::zone
