// Route 53 text <-> ldns data for the mirror: thin wrappers over zone/r53_convert (see codec.h).
#include "zone/codec.h"

#include "zone/r53_convert.h"

namespace r53d::zone {

Result<Name> name_from_r53(const std::string& text) {
  auto rdf = dname_from_r53(text);
  if (!rdf.ok()) return rdf.status();
  return Name::from_rdf(rdf->get());
}

std::string name_to_r53(const Name& name) {
  RdfPtr rdf = name.to_rdf();
  return rdf ? r53_name(rdf.get()) : ".";
}

std::string type_to_r53(uint16_t type) { return type_name(static_cast<ldns_rr_type>(type)); }

Result<uint16_t> type_from_r53(const std::string& text) {
  auto t = r53_type_from_name(text);
  if (!t.ok()) return t.status();
  return static_cast<uint16_t>(*t);
}

bool is_route53_type(uint16_t type) { return r53_supports_type(static_cast<ldns_rr_type>(type)); }

Result<RrPtr> rr_from_value(const Name& owner, uint16_t type, uint32_t ttl_s, const std::string& value) {
  return rr_from_r53(name_to_r53(owner), type_to_r53(type), ttl_s, value);
}

Result<std::string> value_from_rr(const ldns_rr* rr) { return r53_value_from_rr(rr); }

}  // namespace r53d::zone
