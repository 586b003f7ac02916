// DHCID emulated as TXT at _dhcid.NAME.
#include "update/dhcid.h"

#include <string>
#include <vector>

#include "util/base64.h"

namespace r53d::update {

namespace {

constexpr char kLabel[] = "\6_dhcid";  // wire form, lower case (Name keeps canonical wire)
constexpr size_t kLabelWire = sizeof kLabel - 1;
constexpr size_t kMaxNameWire = 255;   // RFC 1035 §3.1
constexpr size_t kMaxString = 255;     // one character-string (RFC 1035 §3.3)

}  // namespace

bool is_dhcid_owner(const zone::Name& name) { return name.wire().compare(0, kLabelWire, kLabel) == 0; }

std::optional<zone::Name> dhcid_owner(const zone::Name& owner) {
  if (is_dhcid_owner(owner) || owner.is_wildcard() || owner.wire().size() + kLabelWire > kMaxNameWire)
    return std::nullopt;
  std::string wire = std::string(kLabel, kLabelWire) + owner.wire();
  zone::RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
  if (!rdf) return std::nullopt;
  return zone::Name::from_rdf(rdf.get());
}

Result<zone::RrPtr> dhcid_as_txt(const ldns_rr* dhcid) {
  zone::Name owner = zone::Name::from_rdf(ldns_rr_owner(dhcid));
  if (is_dhcid_owner(owner)) return Status::invalid_argument("a _dhcid. name holds no DHCID of its own");
  if (owner.is_wildcard()) return Status::invalid_argument("no DHCID emulation at a wildcard name");
  auto derived = dhcid_owner(owner);
  if (!derived) return Status::invalid_argument("name too long for _dhcid. before it (DHCID emulation)");
  std::vector<uint8_t> rdata;
  for (size_t i = 0; i < ldns_rr_rd_count(dhcid); ++i) {
    const ldns_rdf* f = ldns_rr_rdf(dhcid, i);
    rdata.insert(rdata.end(), ldns_rdf_data(f), ldns_rdf_data(f) + ldns_rdf_size(f));
  }
  zone::RrPtr txt(ldns_rr_new());
  if (!txt) return Status::internal("out of memory");
  ldns_rr_set_owner(txt.get(), derived->to_rdf().release());  // the RR owns its owner
  ldns_rr_set_type(txt.get(), LDNS_RR_TYPE_TXT);
  ldns_rr_set_class(txt.get(), ldns_rr_get_class(dhcid));
  ldns_rr_set_ttl(txt.get(), ldns_rr_ttl(dhcid));
  if (ldns_rr_rd_count(dhcid) == 0) return txt;  // the class ANY/NONE forms without RDATA
  std::string b64 = base64_encode(rdata);
  if (b64.size() > kMaxString)
    return Status::invalid_argument("DHCID RDATA of " + std::to_string(rdata.size()) +
                                    " octets does not fit one TXT string in base64 (DHCID emulation)");
  std::string str(1, static_cast<char>(b64.size()));
  str += b64;
  zone::RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, str.size(), str.data()));
  if (!rdf || !ldns_rr_push_rdf(txt.get(), rdf.get())) return Status::internal("out of memory");
  (void)rdf.release();  // the RR owns it now
  return txt;
}

}  // namespace r53d::update
