// Permission filters for RFC 2136 UPDATE.
#include "update/grant.h"

#include <algorithm>
#include <cstdlib>

namespace r53d::update {

Result<NamesTypesGrant> NamesTypesGrant::parse(const std::vector<std::string>& patterns,
                                               const std::vector<std::string>& types) {
  std::vector<Pattern> ps;
  for (const auto& p : patterns) {
    Pattern pat;
    std::string rest = p;
    if (rest.rfind("*.", 0) == 0) {
      pat.below = true;
      rest = rest.substr(2);
    }
    if (rest.empty() || rest.find('*') != std::string::npos)
      return Status::invalid_argument("bad name pattern '" + p + "' (use a name or *.name)");
    auto n = zone::Name::from_text(rest);
    if (!n.ok()) return Status::invalid_argument("bad name pattern '" + p + "'");
    pat.name = *n;
    ps.push_back(std::move(pat));
  }
  std::vector<uint16_t> ts;
  for (const auto& t : types) {
    ldns_rr_type v = ldns_get_rr_type_by_name(t.c_str());
    if (v == 0 || v == LDNS_RR_TYPE_ANY) return Status::invalid_argument("bad record type '" + t + "'");
    ts.push_back(static_cast<uint16_t>(v));
  }
  return NamesTypesGrant(std::move(ps), std::move(ts));
}

bool NamesTypesGrant::allows_name(const zone::Name& owner) const {
  if (patterns_.empty()) return true;
  for (const auto& p : patterns_) {
    if (p.below ? (owner.is_at_or_below(p.name) && !(owner == p.name)) : owner == p.name) return true;
  }
  return false;
}

bool NamesTypesGrant::allows(const zone::Name& owner, uint16_t type) const {
  if (!types_.empty() && std::find(types_.begin(), types_.end(), type) == types_.end()) return false;
  return allows_name(owner);
}

std::string NamesTypesGrant::describe() const {
  std::string out = "names ";
  if (patterns_.empty()) out += "any";
  for (size_t i = 0; i < patterns_.size(); ++i)
    out += (i ? "," : "") + std::string(patterns_[i].below ? "*." : "") + patterns_[i].name.to_text();
  out += " types ";
  if (types_.empty()) out += "any";
  for (size_t i = 0; i < types_.size(); ++i) {
    char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(types_[i]));
    out += (i ? "," : "") + std::string(s ? s : "?");
    free(s);
  }
  return out;
}

bool AnyOfGrant::allows(const zone::Name& owner, uint16_t type) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const Grant* g) { return g->allows(owner, type); });
}

bool AnyOfGrant::allows_name(const zone::Name& owner) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const Grant* g) { return g->allows_name(owner); });
}

std::string AnyOfGrant::describe() const {
  std::string out;
  for (size_t i = 0; i < grants_.size(); ++i) out += (i ? " | " : "") + grants_[i]->describe();
  return out.empty() ? "nothing" : out;
}

}  // namespace r53d::update
