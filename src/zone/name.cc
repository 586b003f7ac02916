// Domain names in canonical wire form.
#include "zone/name.h"

#include <cstdlib>

#include "util/text.h"

namespace r53d::zone {


Name::Name() : wire_(1, '\0') {}

Name Name::from_rdf(const ldns_rdf* rdf) {
  Name n;
  if (rdf == nullptr || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || ldns_rdf_size(rdf) == 0)
    return n;
  // Label length octets are at most 63, below 'A' (65), so ascii_lower only touches letters.
  n.wire_ = ascii_lower(std::string(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf)));
  return n;
}

Result<Name> Name::from_text(std::string_view text) {
  std::string s(text);
  RdfPtr rdf(ldns_dname_new_frm_str(s.c_str()));
  if (!rdf) return Status::invalid_argument("not a domain name: '" + s + "'");
  return from_rdf(rdf.get());
}

RdfPtr Name::to_rdf() const {
  return RdfPtr(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire_.size(), wire_.data()));
}

std::string Name::to_text() const {
  RdfPtr rdf = to_rdf();
  char* s = rdf ? ldns_rdf2str(rdf.get()) : nullptr;
  if (s == nullptr) return "?";
  std::string out(s);
  free(s);
  return out;
}

bool Name::is_at_or_below(const Name& zone) const {
  const std::string& z = zone.wire_;
  if (z.size() > wire_.size()) return false;
  size_t pos = 0;
  while (pos < wire_.size()) {
    if (wire_.size() - pos == z.size()) return wire_.compare(pos, std::string::npos, z) == 0;
    if (wire_.size() - pos < z.size()) return false;
    pos += static_cast<unsigned char>(wire_[pos]) + 1;
  }
  return false;
}

size_t Name::label_count() const {
  size_t n = 0, pos = 0;
  while (pos < wire_.size() && wire_[pos] != '\0') {
    ++n;
    pos += static_cast<unsigned char>(wire_[pos]) + 1;
  }
  return n;
}

bool Name::is_wildcard() const { return wire_.size() >= 2 && wire_[0] == '\1' && wire_[1] == '*'; }

}  // namespace r53d::zone
