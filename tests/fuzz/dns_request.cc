// libFuzzer target: the DNS request path of route53d, as daemon/handler.cc drives it, on a small
// mirror of example.com: check_request (header, structure pre-scan, TSIG, EDNS), the ldns parse,
// the UPDATE zone section, prescan, permission, Route 53 policy, prerequisites and updates on a
// working copy, the compare-and-swap batch the committer would send (its XML body) and its commit
// to the mirror, and the finished reply (OPT, truncation, TSIG).
//
// Input: byte 0 holds flags, the rest is one DNS message as received.
//   bit 0  TCP (65535-octet replies) instead of UDP
//   bit 1  sign the message with the ring's key first (tsig_sign_request), so that the paths
//          behind a valid MAC are reached; the key name, algorithm and MAC in the input are then
//          replaced by the signature route53d expects
//   bit 2  the client holds a grant limited to names and types instead of "any name and type"
// Invariants checked (a violation aborts, and libFuzzer keeps the input): every error reply and
// every finished reply parses; a failed UPDATE leaves the working copy unchanged; the batch of a
// successful UPDATE commits to the mirror it was built on and leaves the serial it announced; its
// XML body parses back with the same number of changes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/request.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "r53/model.h"
#include "r53/rrset_xml.h"
#include "tests/fuzz/require.h"
#include "update/grant.h"
#include "update/update.h"
#include "util/clock.h"
#include "zone/mirror.h"
#include "zone/name.h"

namespace {

using r53d::fuzz::require;

using namespace r53d;

r53::RecordSet rs(std::string name, std::string type, int64_t ttl, std::vector<std::string> values) {
  r53::RecordSet r;
  r.name = std::move(name);
  r.type = std::move(type);
  r.ttl_s = ttl;
  r.values = std::move(values);
  return r;
}

// example.com as ListResourceRecordSets would return it: simple sets of several types, an empty
// non-terminal (b.example.com), a wildcard, and the read-only kinds (alias, weighted group).
std::vector<r53::RecordSet> small_zone() {
  std::vector<r53::RecordSet> z = {
      rs("example.com.", "SOA", 900,
         {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1209600 86400"}),
      rs("example.com.", "NS", 172800, {"ns-1.awsdns-01.org.", "ns-2.awsdns-02.co.uk."}),
      rs("example.com.", "MX", 300, {"10 mail.example.com."}),
      rs("example.com.", "TXT", 300, {"\"v=spf1 -all\""}),
      rs("www.example.com.", "A", 300, {"192.0.2.1", "192.0.2.2"}),
      rs("www.example.com.", "AAAA", 300, {"2001:db8::1"}),
      rs("mail.example.com.", "A", 300, {"192.0.2.25"}),
      rs("cname.example.com.", "CNAME", 300, {"www.example.com."}),
      rs("_acme-challenge.example.com.", "TXT", 60, {"\"token\""}),
      rs("_sip._tcp.example.com.", "SRV", 300, {"10 5 5060 sip.example.com."}),
      rs("a.b.example.com.", "A", 300, {"192.0.2.9"}),
      rs("\\052.wild.example.com.", "A", 300, {"192.0.2.42"}),
      rs("sub.example.com.", "NS", 300, {"ns1.example.net."}),
      rs("example.com.", "CAA", 300, {"0 issue \"letsencrypt.org\""}),
  };
  r53::RecordSet alias;
  alias.name = "alias.example.com.";
  alias.type = "A";
  alias.alias_target = r53::AliasTarget{"Z35SXDOTRQ7X7K", "dualstack.lb-1.us-east-1.elb.amazonaws.com.", false};
  z.push_back(alias);
  for (const char* id : {"one", "two"}) {
    r53::RecordSet g = rs("geo.example.com.", "A", 60, {std::string("192.0.2.") + (id[0] == 'o' ? "101" : "102")});
    g.set_identifier = id;
    g.weight = 10;
    z.push_back(g);
  }
  return z;
}

struct World {
  FakeClock clock;
  dns::TsigKeyRing ring;
  dns::TsigKey key;
  zone::Mirror mirror;
  update::AllowAll all;
  update::NamesTypesGrant limited;
};

World* make_world() {
  // The secret is the capture fixtures' (tests/unit/dns/capture_fixtures.py), so that seeds captured
  // from nsupdate with it verify.
  auto key = dns::TsigKey::create("update-key", "hmac-sha256", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=");
  require(key.ok(), "key");
  auto apex = zone::Name::from_text("example.com.");
  require(apex.ok(), "apex");
  auto mirror = zone::Mirror::load(*apex, small_zone());
  require(mirror.ok(), "the small zone loads");
  auto limited = update::NamesTypesGrant::parse({"_acme-challenge.example.com", "*.b.example.com"}, {"TXT", "A"});
  require(limited.ok(), "grant");
  auto* w = new World{FakeClock(), dns::TsigKeyRing(), *key, std::move(*mirror), update::AllowAll(), std::move(*limited)};
  require(w->ring.add(*key).ok(), "ring");
  return w;
}

void require_parses(std::span<const uint8_t> reply, const char* what) {
  auto s = dns::scan_message(reply);
  require(s.ok(), what);
  require(s->header.qr(), "a reply has QR set");
}

// The UPDATE as the committer would evaluate it; returns the rcode.
uint16_t evaluate_update(World& w, const ldns_pkt* pkt, bool limited) {
  zone::Name zname;
  update::Outcome zs = update::read_zone_section(pkt, &zname);
  if (!zs.ok()) return static_cast<uint16_t>(zs.rcode);
  if (!(zname == w.mirror.apex())) return dns::kNotAuth;
  (void)update::names_read(pkt, w.mirror.apex());
  (void)update::absence_names(pkt, w.mirror.apex());
  zone::WorkingCopy wc(w.mirror);
  wc.track_reliances(true);
  const update::Grant& grant = limited ? static_cast<const update::Grant&>(w.limited) : w.all;
  update::Outcome o = update::apply(pkt, grant, wc);
  if (!o.ok()) {
    require(!wc.changed(), "a failed UPDATE left changes in the working copy");
    return static_cast<uint16_t>(o.rcode);
  }
  (void)wc.size();
  zone::Batch batch = zone::diff(wc);
  if (batch.empty()) return dns::kNoError;
  std::vector<r53::Change> changes = zone::request_changes(batch);
  r53::ChangeBatch cb;
  cb.comment = "fuzz";
  cb.changes = changes;
  r53::ChangeBatchParse back = r53::parse_change_batch_request(r53::build_change_batch_request(cb));
  require(back.ok(), "the change batch body parses back");
  require(back.batch.changes.size() == changes.size(), "the change batch body keeps every change");
  // The batch, accepted by Route 53, applies to the mirror it was built on.
  zone::Mirror copy = w.mirror;
  Status s = copy.commit(batch);
  require(s.ok(), "the batch commits to its own mirror");
  require(copy.serial() == batch.new_serial, "the mirror's serial is the batch's new serial");
  return dns::kNoError;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = make_world();
  World& w = *world;
  if (size < 1) return 0;
  uint8_t flags = data[0];
  std::vector<uint8_t> wire(data + 1, data + size);
  bool tcp = (flags & 1) != 0;
  if ((flags & 2) != 0 && !wire.empty()) (void)dns::tsig_sign_request(wire, w.key, w.clock);

  dns::RequestCheck rc = dns::check_request(wire, w.ring, w.clock, tcp);
  switch (rc.action) {
    case dns::RequestAction::kDrop:
      return 0;
    case dns::RequestAction::kReply:
      require_parses(rc.error_reply, "an error reply of check_request parses");
      return 0;
    case dns::RequestAction::kServe:
      break;
  }
  uint16_t rcode = dns::kNotImp;
  uint8_t opcode = rc.header.opcode();
  auto pkt = dns::wire_to_pkt(wire);
  if (!pkt.ok()) {
    rcode = dns::kFormErr;
  } else if (opcode == dns::kOpcodeUpdate) {
    rcode = evaluate_update(w, pkt->get(), (flags & 4) != 0);
  } else if (opcode == dns::kOpcodeQuery || opcode == dns::kOpcodeNotify) {
    rcode = ldns_pkt_qdcount(pkt->get()) == 1 ? dns::kNoError : dns::kFormErr;
  }
  auto done = dns::finish_reply(dns::make_error_reply(wire, rc, rcode), rc, w.clock);
  require(done.ok(), "finish_reply accepts make_error_reply's reply");
  require(done->size() <= rc.max_reply_size, "the reply fits the client's limit");
  require_parses(*done, "a finished reply parses");
  return 0;
}
