// Canned XFR replies for tests: messages built from RR text with ldns, and a primary-side TSIG
// stream signer (the request verified with dns::tsig_verify_request, each message signed or
// passed unsigned as RFC 8945 §5.3.1 allows).
//
//   auto m1 = xfr::testing::message(id, "example.com", kTypeAxfr, {"@ SOA ns admin 5 1 1 1 1", "www A 192.0.2.1"});
//   xfr::testing::PrimarySigner signer(key, request, clock);
//   signer.sign(m1);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "util/clock.h"

namespace r53d::xfr::testing {

inline constexpr char kSecret[] = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";

inline std::shared_ptr<const dns::TsigKey> make_key(const char* name = "xfr-key", const char* alg = "hmac-sha256",
                                                    const char* secret = kSecret) {
  auto k = dns::TsigKey::create(name, alg, secret);
  EXPECT_TRUE(k.ok()) << k.status().to_string();
  return std::make_shared<const dns::TsigKey>(*k);
}

// One RR from zone-file text; relative names are below `origin`, default TTL 300.
inline dns::RrPtr rr(std::string_view text, std::string_view origin) {
  ldns_rdf* o = ldns_dname_new_frm_str(std::string(origin).c_str());
  ldns_rr* r = nullptr;
  ldns_status st = ldns_rr_new_frm_str(&r, std::string(text).c_str(), 300, o, nullptr);
  ldns_rdf_deep_free(o);
  EXPECT_EQ(st, LDNS_STATUS_OK) << text;
  return dns::RrPtr(r);
}

// A reply message: ID, QR+AA, opcode QUERY, `rcode`, the question (zone, qtype, IN) when
// `question`, and `rrs` in the answer section.
inline std::vector<uint8_t> message(uint16_t id, std::string_view zone, uint16_t qtype, const std::vector<std::string>& rrs,
                                    bool question = true, uint8_t rcode = 0) {
  dns::PktPtr p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), id);
  ldns_pkt_set_qr(p.get(), true);
  ldns_pkt_set_aa(p.get(), true);
  ldns_pkt_set_opcode(p.get(), LDNS_PACKET_QUERY);
  ldns_pkt_set_rcode(p.get(), rcode);
  if (question) {
    ldns_rr* q = ldns_rr_new();
    ldns_rr_set_owner(q, ldns_dname_new_frm_str(std::string(zone).c_str()));
    ldns_rr_set_type(q, static_cast<ldns_rr_type>(qtype));
    ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(q, true);
    ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, q);  // the packet owns q
  }
  for (const auto& t : rrs) ldns_pkt_push_rr(p.get(), LDNS_SECTION_ANSWER, rr(t, zone).release());
  auto w = dns::pkt_to_wire(p.get());
  EXPECT_TRUE(w.ok());
  return *w;
}

// The request a client would send: header, question, for IXFR `soa` in the authority section.
inline std::vector<uint8_t> request(uint16_t id, std::string_view zone, uint16_t qtype, std::string_view soa = {}) {
  dns::PktPtr p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), id);
  ldns_pkt_set_opcode(p.get(), LDNS_PACKET_QUERY);
  ldns_rr* q = ldns_rr_new();
  ldns_rr_set_owner(q, ldns_dname_new_frm_str(std::string(zone).c_str()));
  ldns_rr_set_type(q, static_cast<ldns_rr_type>(qtype));
  ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
  ldns_rr_set_question(q, true);
  ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, q);
  if (!soa.empty()) ldns_pkt_push_rr(p.get(), LDNS_SECTION_AUTHORITY, rr(soa, zone).release());
  auto w = dns::pkt_to_wire(p.get());
  EXPECT_TRUE(w.ok());
  return *w;
}

// The primary's side of a signed transfer: verifies the (signed) request, then signs replies.
class PrimarySigner {
 public:
  PrimarySigner(std::shared_ptr<const dns::TsigKey> key, const std::vector<uint8_t>& signed_request, const Clock& clock)
      : clock_(clock) {
    dns::TsigKeyRing ring;
    EXPECT_TRUE(ring.add(*key).ok());
    auto scan = dns::scan_message(signed_request);
    EXPECT_TRUE(scan.ok());
    auto v = dns::tsig_verify_request(signed_request, *scan, ring, clock);
    EXPECT_EQ(v.result, dns::TsigResult::kOk) << v.reason;
    signer_ = std::make_unique<dns::TsigStreamSigner>(v);
  }
  void sign(std::vector<uint8_t>& msg) { EXPECT_TRUE(signer_->sign(msg, clock_).ok()); }
  void pass_unsigned(const std::vector<uint8_t>& msg) { signer_->pass_unsigned(msg); }

 private:
  const Clock& clock_;
  std::unique_ptr<dns::TsigStreamSigner> signer_;
};

}  // namespace r53d::xfr::testing
