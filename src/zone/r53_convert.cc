// Conversion between Route 53 names/values and ldns RRs, and RR -> zone-file text.
#include "zone/r53_convert.h"

#include <array>
#include <cstdlib>
#include <cstring>

#include "r53/names.h"

namespace r53d::zone {
namespace {

constexpr size_t kMaxCharString = 255;

using CharPtr = CPtr<char, &free>;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads one escape at text[i] == '\\' with r53::read_escape (\ooo octal, \X literal), saying
// what is wrong when it is bad.
Status read_escape(std::string_view text, size_t& i, char& out) {
  if (r53::read_escape(text, i, out)) return {};
  if (i + 1 >= text.size()) return Status::invalid_argument("backslash at end of text");
  return Status::invalid_argument("bad escape \"" + std::string(text.substr(i, 4)) +
                                  "\": Route 53 escapes are three octal digits, at most \\377");
}

void append_decimal(std::string& out, unsigned char b) {
  out += '\\';
  out += static_cast<char>('0' + b / 100);
  out += static_cast<char>('0' + (b / 10) % 10);
  out += static_cast<char>('0' + b % 10);
}

// How text is written: Route 53 values (\ooo octal escapes, names keep their case) or RFC 1035
// master files (\DDD decimal, zone_file_name()).
enum class TextStyle { kRoute53, kZoneFile };

// A character-string quoted: \" and \\, and bytes outside printable ASCII escaped in `style`.
void append_quoted(std::string& out, const uint8_t* p, size_t n, TextStyle style) {
  out += '"';
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = p[i];
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b < 0x20 || b >= 0x7f) {
      if (style == TextStyle::kRoute53) {
        r53::append_octal_escape(out, b);
      } else {
        append_decimal(out, b);  // RFC 1035 §5.1
      }
    } else {
      out += static_cast<char>(b);
    }
  }
  out += '"';
}

// The labels of an ldns dname, raw bytes, leftmost first (none for the root).
std::vector<std::string_view> labels_of(const ldns_rdf* dname) {
  const uint8_t* p = ldns_rdf_data(dname);
  size_t n = ldns_rdf_size(dname);
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < n && p[i] != 0) {
    size_t len = p[i++];
    if (i + len > n) break;  // malformed rdf; ldns never builds one
    out.emplace_back(reinterpret_cast<const char*>(p + i), len);
    i += len;
  }
  return out;
}

// Route 53 spelling of a dname (r53::append_label per label); the root is ".".
std::string print_r53_name(const ldns_rdf* dname, bool keep_case) {
  std::string out;
  for (std::string_view l : labels_of(dname)) {
    r53::append_label(out, l, keep_case);
    out += '.';
  }
  if (out.empty()) out = ".";
  return out;
}

// One field of a Route 53 value. Quoted tokens hold their unescaped bytes; unquoted ones their
// raw text (names parse their own escapes). start is the offset of the token in the value.
struct Token {
  std::string text;
  bool quoted = false;
  size_t start = 0;
};

Result<std::vector<Token>> tokenize(std::string_view v) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < v.size() && is_space(v[i])) ++i;
    if (i >= v.size()) break;
    Token t;
    t.start = i;
    if (v[i] == '"') {
      t.quoted = true;
      ++i;
      bool closed = false;
      while (i < v.size()) {
        if (v[i] == '"') {
          ++i;
          closed = true;
          break;
        }
        if (v[i] == '\\') {
          char b;
          R53D_RETURN_IF_ERROR(read_escape(v, i, b));
          t.text += b;
        } else {
          t.text += v[i++];
        }
      }
      if (!closed) return Status::invalid_argument("unterminated quoted string");
    } else {
      // Unquoted: up to white space or a quote that opens the next string.
      while (i < v.size() && !is_space(v[i]) && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < v.size()) t.text += v[i++];
        t.text += v[i++];
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Unescapes the raw text of an unquoted character-string token.
Result<std::string> unescape(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    if (raw[i] == '\\') {
      char b;
      R53D_RETURN_IF_ERROR(read_escape(raw, i, b));
      out += b;
    } else {
      out += raw[i++];
    }
  }
  return out;
}

RdfPtr str_rdf(const std::string& bytes) {
  std::string data;
  data += static_cast<char>(bytes.size());
  data += bytes;
  return RdfPtr(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, data.size(), data.data()));
}

struct TypeEntry {
  const char* name;
  ldns_rr_type type;
};

constexpr std::array<TypeEntry, 17> kTypes = {{
    {"A", LDNS_RR_TYPE_A},         {"AAAA", LDNS_RR_TYPE_AAAA},   {"CAA", LDNS_RR_TYPE_CAA},
    {"CNAME", LDNS_RR_TYPE_CNAME}, {"DS", LDNS_RR_TYPE_DS},       {"HTTPS", LDNS_RR_TYPE_HTTPS},
    {"MX", LDNS_RR_TYPE_MX},       {"NAPTR", LDNS_RR_TYPE_NAPTR}, {"NS", LDNS_RR_TYPE_NS},
    {"PTR", LDNS_RR_TYPE_PTR},     {"SOA", LDNS_RR_TYPE_SOA},     {"SPF", LDNS_RR_TYPE_SPF},
    {"SRV", LDNS_RR_TYPE_SRV},     {"SSHFP", LDNS_RR_TYPE_SSHFP}, {"SVCB", LDNS_RR_TYPE_SVCB},
    {"TLSA", LDNS_RR_TYPE_TLSA},   {"TXT", LDNS_RR_TYPE_TXT},
}};

bool is_txt_like(ldns_rr_type t) { return t == LDNS_RR_TYPE_TXT || t == LDNS_RR_TYPE_SPF; }

// Parses the fields of one value into rdfs pushed onto rr.
Status fill_rdata(ldns_rr* rr, ldns_rr_type type, std::string_view value) {
  auto tokens = tokenize(value);
  if (!tokens.ok()) return tokens.status();
  const ldns_rr_descriptor* desc = ldns_rr_descript(type);
  const std::vector<Token>& toks = *tokens;
  size_t field = 0;
  for (size_t t = 0; t < toks.size(); ++t, ++field) {
    if (field >= ldns_rr_descriptor_maximum(desc)) {
      return Status::invalid_argument("too many fields in " + type_name(type) + " value");
    }
    const Token& tok = toks[t];
    ldns_rdf_type ft = ldns_rr_descriptor_field_type(desc, field);
    RdfPtr rdf;
    std::string what = type_name(type) + " field " + std::to_string(field + 1);
    switch (ft) {
      case LDNS_RDF_TYPE_DNAME: {
        if (tok.quoted) return Status::invalid_argument(what + ": a name cannot be quoted");
        auto d = dname_from_r53(tok.text);
        if (!d.ok()) return Status::invalid_argument(what + ": " + d.status().message());
        rdf = std::move(*d);
        break;
      }
      case LDNS_RDF_TYPE_STR: {
        if (is_txt_like(type) && !tok.quoted) {
          return Status::invalid_argument("TXT strings must be enclosed in quotation marks");
        }
        std::string bytes;
        if (tok.quoted) {
          bytes = tok.text;
        } else {
          auto u = unescape(tok.text);
          if (!u.ok()) return Status::invalid_argument(what + ": " + u.status().message());
          bytes = *u;
        }
        if (bytes.size() > kMaxCharString) {
          return Status::invalid_argument(what + ": character-string longer than 255 bytes (" +
                                          std::to_string(bytes.size()) + ")");
        }
        rdf = str_rdf(bytes);
        break;
      }
      case LDNS_RDF_TYPE_LONG_STR: {
        std::string bytes = tok.text;
        if (!tok.quoted) {
          auto u = unescape(tok.text);
          if (!u.ok()) return Status::invalid_argument(what + ": " + u.status().message());
          bytes = *u;
        }
        rdf.reset(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_LONG_STR, bytes.size(), bytes.data()));
        break;
      }
      case LDNS_RDF_TYPE_HEX: {
        // The last field; hex may be split by white space (as in zone files).
        std::string hex;
        for (; t < toks.size(); ++t) {
          if (toks[t].quoted) return Status::invalid_argument(what + ": hex cannot be quoted");
          hex += toks[t].text;
        }
        --t;
        rdf.reset(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_HEX, hex.c_str()));
        if (!rdf) return Status::invalid_argument(what + ": bad hex \"" + hex + "\"");
        break;
      }
      case LDNS_RDF_TYPE_SVCPARAMS: {
        // RFC 9460 key=value list: the rest of the value, as written.
        std::string rest(value.substr(tok.start));
        while (!rest.empty() && is_space(rest.back())) rest.pop_back();
        rdf.reset(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_SVCPARAMS, rest.c_str()));
        if (!rdf) return Status::invalid_argument(what + ": bad service parameters \"" + rest + "\"");
        t = toks.size() - 1;
        break;
      }
      default: {
        if (tok.quoted) return Status::invalid_argument(what + ": unexpected quoted string");
        rdf.reset(ldns_rdf_new_frm_str(ft, tok.text.c_str()));
        if (!rdf) return Status::invalid_argument(what + ": bad value \"" + tok.text + "\"");
        break;
      }
    }
    if (!rdf) return Status::internal(what + ": out of memory");
    ldns_rr_push_rdf(rr, rdf.release());  // the rr owns the rdf now
  }
  // SVCB/HTTPS without parameters: ldns counts the (empty) parameter list as optional.
  size_t min = ldns_rr_descriptor_minimum(desc);
  if (field < min && !((type == LDNS_RR_TYPE_SVCB || type == LDNS_RR_TYPE_HTTPS) && field == 2)) {
    if (field == 0) return Status::invalid_argument("empty " + type_name(type) + " value");
    return Status::invalid_argument("missing fields in " + type_name(type) + " value (" +
                                    std::to_string(field) + " of " + std::to_string(min) + ")");
  }
  return {};
}

std::string rdf_text(const ldns_rdf* rdf) {
  CharPtr s(ldns_rdf2str(rdf));
  return s ? std::string(s.get()) : std::string();
}

// The rdata fields of rr, separated by single spaces: names and character-strings in `style`,
// everything else as ldns prints it.
Status append_rdata(std::string& out, const ldns_rr* rr, TextStyle style) {
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    if (i > 0) out += ' ';
    switch (ldns_rdf_get_type(rdf)) {
      case LDNS_RDF_TYPE_DNAME:
        out += style == TextStyle::kRoute53 ? r53_name_keep_case(rdf) : zone_file_name(rdf);
        break;
      case LDNS_RDF_TYPE_STR:
        if (ldns_rdf_size(rdf) < 1) return Status::invalid_argument("malformed character-string");
        append_quoted(out, ldns_rdf_data(rdf) + 1, ldns_rdf_size(rdf) - 1, style);
        break;
      case LDNS_RDF_TYPE_LONG_STR:
        append_quoted(out, ldns_rdf_data(rdf), ldns_rdf_size(rdf), style);
        break;
      default:
        out += rdf_text(rdf);
        break;
    }
  }
  return {};
}

}  // namespace

// ---- types ---------------------------------------------------------------------------------

const std::vector<std::string>& r53_types() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    v.reserve(kTypes.size());
    for (const auto& e : kTypes) v.emplace_back(e.name);
    return v;
  }();
  return kNames;
}

bool r53_supports_type(ldns_rr_type type) {
  for (const auto& e : kTypes) {
    if (e.type == type) return true;
  }
  return false;
}

Result<ldns_rr_type> r53_type_from_name(std::string_view type_name) {
  for (const auto& e : kTypes) {
    if (type_name.size() == std::strlen(e.name) &&
        strncasecmp(type_name.data(), e.name, type_name.size()) == 0) {
      return e.type;
    }
  }
  return Status::invalid_argument("record type \"" + std::string(type_name) +
                                  "\" is not supported by Route 53");
}

std::string type_name(ldns_rr_type type) {
  CharPtr s(ldns_rr_type2str(type));
  return s ? std::string(s.get()) : "TYPE" + std::to_string(static_cast<int>(type));
}

// ---- names ---------------------------------------------------------------------------------

Result<RdfPtr> dname_from_r53(std::string_view name) {
  auto labels = r53::split_name(name);
  if (!labels.ok()) {
    return Status::invalid_argument(labels.status().message() + " in \"" + std::string(name) + "\"");
  }
  std::string wire;  // split_name checked the label and name lengths
  for (const std::string& l : *labels) {
    wire += static_cast<char>(l.size());
    wire += l;
  }
  wire += '\0';
  RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
  if (!rdf) return Status::internal("out of memory");
  return rdf;
}

std::string r53_name(const ldns_rdf* dname) { return print_r53_name(dname, false); }

std::string r53_name_keep_case(const ldns_rdf* dname) { return print_r53_name(dname, true); }

std::string zone_file_name(const ldns_rdf* dname) {
  std::string out;
  for (std::string_view l : labels_of(dname)) {
    bool wildcard = l == "*";
    for (char ch : l) {
      auto b = static_cast<unsigned char>(ch);
      bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || is_digit(ch) || b == '-' ||
                   b == '_' || wildcard;
      if (plain) {
        out += ch;
      } else {
        append_decimal(out, b);
      }
    }
    out += '.';
  }
  if (out.empty()) out = ".";
  return out;
}

// ---- values --------------------------------------------------------------------------------

Result<RrPtr> rr_from_r53(std::string_view owner, std::string_view type, uint32_t ttl_s,
                          std::string_view value) {
  auto t = r53_type_from_name(type);
  if (!t.ok()) return t.status();
  auto o = dname_from_r53(owner);
  if (!o.ok()) return o.status();
  RrPtr rr(ldns_rr_new());
  if (!rr) return Status::internal("out of memory");
  ldns_rr_set_owner(rr.get(), o->release());  // a fresh rr has no owner to leak
  ldns_rr_set_type(rr.get(), *t);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl_s);
  R53D_RETURN_IF_ERROR(fill_rdata(rr.get(), *t, value));
  return rr;
}

Result<std::string> r53_value_from_rr(const ldns_rr* rr) {
  ldns_rr_type type = ldns_rr_get_type(rr);
  if (!r53_supports_type(type)) {
    return Status::invalid_argument("record type " + type_name(type) + " is not supported by Route 53");
  }
  if (ldns_rr_rd_count(rr) == 0) return Status::invalid_argument("empty rdata");
  std::string out;
  R53D_RETURN_IF_ERROR(append_rdata(out, rr, TextStyle::kRoute53));
  while (!out.empty() && out.back() == ' ') out.pop_back();  // empty SVCB parameter list
  return out;
}

std::string txt_value_from_text(std::string_view text) {
  std::string out;
  if (text.empty()) return "\"\"";
  for (size_t i = 0; i < text.size(); i += kMaxCharString) {
    if (i > 0) out += ' ';
    size_t n = std::min(kMaxCharString, text.size() - i);
    append_quoted(out, reinterpret_cast<const uint8_t*>(text.data() + i), n, TextStyle::kRoute53);
  }
  return out;
}

Result<std::string> text_from_txt_value(std::string_view value) {
  auto tokens = tokenize(value);
  if (!tokens.ok()) return tokens.status();
  if (tokens->empty()) return Status::invalid_argument("empty TXT value");
  std::string out;
  for (const Token& t : *tokens) {
    if (!t.quoted) return Status::invalid_argument("TXT strings must be enclosed in quotation marks");
    out += t.text;
  }
  return out;
}

Result<std::vector<RrPtr>> rrs_from_record_set(const r53::RecordSet& set) {
  if (set.is_alias()) {
    return Status::invalid_argument("alias record set " + set.name + " " + set.type +
                                    " has no DNS records");
  }
  if (set.values.empty()) {
    return Status::invalid_argument("record set " + set.name + " " + set.type + " has no values");
  }
  std::vector<RrPtr> out;
  uint32_t ttl = set.ttl_s ? static_cast<uint32_t>(*set.ttl_s) : 0;
  for (const std::string& v : set.values) {
    auto rr = rr_from_r53(set.name, set.type, ttl, v);
    if (!rr.ok()) {
      return Status::invalid_argument(set.name + " " + set.type + " \"" + v + "\": " +
                                      rr.status().message());
    }
    out.push_back(std::move(*rr));
  }
  return out;
}

// ---- zone files ----------------------------------------------------------------------------

Result<std::string> zone_file_line(const ldns_rr* rr) {
  ldns_rr_type type = ldns_rr_get_type(rr);
  if (!r53_supports_type(type)) {
    return Status::invalid_argument("record type " + type_name(type) + " is not supported by Route 53");
  }
  std::string out = zone_file_name(ldns_rr_owner(rr));
  out += '\t';
  out += std::to_string(ldns_rr_ttl(rr));
  out += "\tIN\t";
  out += type_name(type);
  out += '\t';
  R53D_RETURN_IF_ERROR(append_rdata(out, rr, TextStyle::kZoneFile));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

}  // namespace r53d::zone
