// libFuzzer target: the zone-transfer reader (xfr/xfr_reader.h) fed the TCP stream of an IXFR or
// AXFR reply for example.com, then what route53d does with a complete transfer: the primary's zone
// built from a full one (zone::PrimaryZone::from_full), or the deltas of an incremental one applied
// to a copy at the serial asked for (apply_delta).
//
// Input: 5 octets of parameters, then the stream as read from TCP (2-octet length, message, ...;
// a length beyond the end takes what is left).
//   byte 0    bit 0 IXFR (else AXFR); bit 1 the transfer is signed: the harness signs the request
//             and then each message as the primary would (TsigStreamSigner), so that the reader's
//             checks behind a valid MAC are reached; bit 2 with bit 1, messages 2, 4, ... but the
//             last are left unsigned (RFC 8945 §5.3.1)
//   bytes 1-4 the serial of our SOA, sent in the IXFR request (network order)
// The query's message ID is the first message's, so that captured streams match it.
// Invariants: after an error every add() fails; a reader that completed gives its Transfer once;
// a stream that ends before completion has an end_of_stream() error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "tests/fuzz/require.h"
#include "util/clock.h"
#include "xfr/xfr_reader.h"
#include "zone/name.h"
#include "zone/primary_zone.h"

namespace {

using r53d::fuzz::require;

using namespace r53d;

struct World {
  FakeClock clock;
  std::shared_ptr<const dns::TsigKey> key;
  dns::TsigKeyRing ring;
  zone::Name apex;
};

World* make_world() {
  auto* w = new World;
  auto key = dns::TsigKey::create("xfr-key", "hmac-sha256", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=");
  require(key.ok(), "key");
  w->key = std::make_shared<const dns::TsigKey>(*key);
  require(w->ring.add(*key).ok(), "ring");
  auto apex = zone::Name::from_text("example.com.");
  require(apex.ok(), "apex");
  w->apex = *apex;
  return w;
}

dns::RrPtr rr(const char* text) {
  ldns_rr* r = nullptr;
  require(ldns_rr_new_frm_str(&r, text, 300, nullptr, nullptr) == LDNS_STATUS_OK, "rr text");
  return dns::RrPtr(r);
}

// The request route53d would send (question, and our SOA for IXFR), signed: returns its MAC and
// the primary's verification of it (what the primary signs its replies with).
struct SignedRequest {
  std::vector<uint8_t> mac;
  dns::TsigVerification verified;
};
SignedRequest sign_request(World& w, uint16_t id, uint16_t qtype, uint32_t serial) {
  dns::PktPtr p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), id);
  ldns_rr* q = ldns_rr_new();
  ldns_rr_set_owner(q, ldns_dname_new_frm_str("example.com."));
  ldns_rr_set_type(q, static_cast<ldns_rr_type>(qtype));
  ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
  ldns_rr_set_question(q, true);
  ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION, q);  // the packet owns q
  if (qtype == xfr::kTypeIxfr) {
    std::string soa = "example.com. 300 IN SOA ns1.example.com. admin.example.com. " + std::to_string(serial) +
                      " 3600 600 86400 300";
    ldns_pkt_push_rr(p.get(), LDNS_SECTION_AUTHORITY, rr(soa.c_str()).release());  // the packet owns it
  }
  auto wire = dns::pkt_to_wire(p.get());
  require(wire.ok(), "request wire");
  SignedRequest out;
  auto mac = dns::tsig_sign_request(*wire, *w.key, w.clock);
  require(mac.ok(), "request signed");
  out.mac = *mac;
  auto scan = dns::scan_message(*wire);
  require(scan.ok(), "request scans");
  out.verified = dns::tsig_verify_request(*wire, *scan, w.ring, w.clock);
  require(out.verified.result == dns::TsigResult::kOk, "request verifies");
  return out;
}

// The copy of the zone at `serial` that an incremental transfer is applied to.
zone::PrimaryZone base_zone(World& w, uint32_t serial) {
  std::string soa = "example.com. 300 IN SOA ns1.example.com. admin.example.com. " + std::to_string(serial) +
                    " 3600 600 86400 300";
  dns::RrPtr s = rr(soa.c_str());
  dns::RrListPtr records(ldns_rr_list_new());
  for (const char* t : {"example.com. 300 IN NS ns1.example.com.", "www.example.com. 300 IN A 192.0.2.1",
                        "www.example.com. 300 IN A 192.0.2.2", "mail.example.com. 300 IN MX 10 mx.example.com."})
    ldns_rr_list_push_rr(records.get(), rr(t).release());  // the list owns it
  auto z = zone::PrimaryZone::from_full(w.apex, s.get(), records.get());
  require(z.ok(), "base zone");
  return std::move(*z);
}

void use_transfer(World& w, xfr::Transfer& t, uint32_t our_serial) {
  require(t.records != nullptr, "a transfer's record list is never null");
  switch (t.kind) {
    case xfr::Transfer::Kind::kUpToDate:
      break;
    case xfr::Transfer::Kind::kFull:
      (void)zone::PrimaryZone::from_full(w.apex, t.soa.get(), t.records.get());
      break;
    case xfr::Transfer::Kind::kIncremental: {
      zone::PrimaryZone z = base_zone(w, our_serial);
      for (const auto& d : t.deltas) {
        require(d.deleted != nullptr && d.added != nullptr, "a delta's lists are never null");
        if (!z.apply_delta(d.old_soa.get(), d.deleted.get(), d.new_soa.get(), d.added.get()).ok()) break;
      }
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = make_world();
  World& w = *world;
  if (size < 5 + 2 + 12) return 0;
  uint8_t flags = data[0];
  uint32_t our_serial = (uint32_t{data[1]} << 24) | (uint32_t{data[2]} << 16) | (uint32_t{data[3]} << 8) | data[4];
  // Split the stream into messages.
  std::vector<std::vector<uint8_t>> messages;
  for (size_t at = 5; at + 2 <= size;) {
    size_t len = (size_t{data[at]} << 8) | data[at + 1];
    at += 2;
    len = std::min(len, size - at);
    messages.emplace_back(data + at, data + at + len);
    at += len;
  }
  if (messages.empty() || messages[0].size() < 2) return 0;

  xfr::XfrQuery q;
  q.zone = w.apex;
  q.qtype = (flags & 1) != 0 ? xfr::kTypeIxfr : xfr::kTypeAxfr;
  q.id = static_cast<uint16_t>((messages[0][0] << 8) | messages[0][1]);
  q.our_serial = our_serial;
  std::unique_ptr<dns::TsigStreamSigner> signer;
  if ((flags & 2) != 0) {
    SignedRequest req = sign_request(w, q.id, q.qtype, our_serial);
    q.key = w.key;
    q.request_mac = req.mac;
    signer = std::make_unique<dns::TsigStreamSigner>(req.verified);
  }
  xfr::XfrReader reader(q, w.clock);
  bool failed = false;
  for (size_t i = 0; i < messages.size(); ++i) {
    std::vector<uint8_t>& m = messages[i];
    if (signer) {
      bool last = i + 1 == messages.size();
      if ((flags & 4) != 0 && i % 2 == 1 && !last) signer->pass_unsigned(m);
      else if (m.size() >= 12) (void)signer->sign(m, w.clock);
    }
    Status s = reader.add(m);
    if (failed) require(!s.ok(), "after an error every add() fails");
    if (!s.ok()) failed = true;
    if (reader.complete()) break;
  }
  if (reader.complete()) {
    require(!failed, "a failed reader does not complete");
    auto t = reader.take();
    require(t.ok(), "a complete reader gives its transfer");
    require(!reader.take().ok(), "the transfer is given once");
    use_transfer(w, *t, our_serial);
  } else {
    require(!reader.end_of_stream().ok(), "a stream that stops early is an error");
  }
  return 0;
}
