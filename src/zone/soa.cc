// New apex SOA RRsets that keep Route 53's MNAME/RNAME.
#include "zone/soa.h"

#include <sstream>
#include <string>
#include <vector>

namespace r53d::zone {

namespace {

std::vector<std::string> fields_of(const std::string& value) {
  std::istringstream in(value);
  std::vector<std::string> f;
  std::string w;
  while (in >> w) f.push_back(w);
  return f;
}

// Builds the SOA RRset from cur with the numeric fields (serial, refresh, retry, expire, minimum)
// given, keeping MNAME/RNAME and their Route 53 text.
Result<RRset::Ptr> rebuild(const RRset& cur, const uint32_t nums[5], uint32_t ttl_s) {
  if (cur.type() != LDNS_RR_TYPE_SOA || cur.read_only() || cur.rdata().size() != 1)
    return Status::invalid_argument("not a simple SOA RRset");
  const Rdata& old = cur.rdata()[0];
  std::vector<std::string> f = fields_of(old.value);
  if (f.size() != 7 || ldns_rr_rd_count(old.rr.get()) != 7)
    return Status::invalid_argument("SOA value without 7 fields: '" + old.value + "'");
  RrPtr rr(ldns_rr_clone(old.rr.get()));
  if (!rr) return Status::internal("out of memory");
  std::string value = f[0] + " " + f[1];
  for (int i = 0; i < 5; ++i) {
    ldns_rdf* prev = ldns_rr_rdf(rr.get(), 2 + i);
    ldns_rdf* next = ldns_native2rdf_int32(ldns_rdf_get_type(prev), nums[i]);
    if (next == nullptr) return Status::internal("out of memory");
    ldns_rdf_deep_free(ldns_rr_set_rdf(rr.get(), next, 2 + i));  // returns the old rdf: free it
    value += " " + std::to_string(nums[i]);
  }
  ldns_rr_set_ttl(rr.get(), ttl_s);
  Rdata rd;
  rd.canon = canonical_rdata(rr.get());
  rd.value = value;
  rd.rr = std::shared_ptr<const ldns_rr>(rr.release(), [](const ldns_rr* p) { ldns_rr_free(const_cast<ldns_rr*>(p)); });
  return RRset::make(cur.owner(), LDNS_RR_TYPE_SOA, ttl_s, {rd}, cur.r53_name());
}

uint32_t field(const ldns_rr* rr, size_t i) { return ldns_rdf2native_int32(ldns_rr_rdf(rr, i)); }

}  // namespace

Result<SoaFields> soa_fields(const RRset& soa) {
  if (soa.type() != LDNS_RR_TYPE_SOA || soa.read_only() || soa.rdata().size() != 1 ||
      ldns_rr_rd_count(soa.rdata()[0].rr.get()) != 7)
    return Status::invalid_argument("not a simple SOA RRset");
  const ldns_rr* rr = soa.rdata()[0].rr.get();
  return SoaFields{field(rr, 2), field(rr, 3), field(rr, 4), field(rr, 5), field(rr, 6)};
}

Result<RRset::Ptr> soa_with_fields(const RRset& cur, const SoaFields& f, uint32_t ttl_s) {
  const uint32_t nums[5] = {f.serial, f.refresh, f.retry, f.expire, f.minimum};
  return rebuild(cur, nums, ttl_s);
}

Result<RRset::Ptr> soa_with_serial(const RRset& cur, uint32_t serial) {
  auto f = soa_fields(cur);
  if (!f.ok()) return f.status();
  f->serial = serial;
  return soa_with_fields(cur, *f, cur.ttl_s());
}

bool soa_is_locked(const RRset& soa) {
  auto f = soa_fields(soa);
  return f.ok() && (f->expire & kSoaLockMask) == kSoaLockTag;
}

Result<RRset::Ptr> soa_locked(const RRset& cur, uint32_t token) {
  auto f = soa_fields(cur);
  if (!f.ok()) return f.status();
  f->expire = kSoaLockTag | (token & ~kSoaLockMask);
  return soa_with_fields(cur, *f, cur.ttl_s());
}

Result<RRset::Ptr> soa_from_update(const RRset& cur, const ldns_rr* update_rr) {
  if (ldns_rr_get_type(update_rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(update_rr) != 7)
    return Status::invalid_argument("not an SOA record");
  const uint32_t nums[5] = {field(update_rr, 2), field(update_rr, 3), field(update_rr, 4), field(update_rr, 5),
                            field(update_rr, 6)};
  return rebuild(cur, nums, ldns_rr_ttl(update_rr));
}

}  // namespace r53d::zone
