// Tests for the daemon's DNS request dispatch (src/daemon/handler.cc): SOA answers from the
// confirmed SOA (apex, below the apex, NXDOMAIN), REFUSED/NOTIMP/NOTAUTH, allow-update grants, and
// UPDATEs answered only after the (fake) Route 53 accepted them.
#include "daemon/handler.h"

#include <gtest/gtest.h>

#include "loop/event_base.h"
#include "tests/unit/zone/fixture.h"
#include "util/clock.h"

namespace r53d::daemon {
namespace {

using testing::make_update;

class AcceptAll : public commit::ZoneBackend {
 public:
  explicit AcceptAll(loop::EventBase& loop) : loop_(loop) {}
  int calls = 0;
  void change_rrsets(const std::string&, const r53::ChangeBatch&, std::function<void(commit::ChangeOutcome)> cb) override {
    ++calls;
    commit::ChangeOutcome o;
    o.info = r53::ChangeInfo{"/change/C" + std::to_string(calls), "PENDING", "", ""};
    loop_.defer([cb, o] { cb(o); });
  }
  // Route 53 holds the example zone (the mirror's data): a failed prerequisite is read again.
  void read_names(const std::string&, const std::vector<zone::Name>&, RecordSetsCallback cb) override {
    loop_.defer([cb] { cb(testing::example_zone()); });
  }
  void read_zone(const std::string&, RecordSetsCallback cb) override {
    loop_.defer([cb] { cb(std::vector<r53::RecordSet>{}); });
  }

 private:
  loop::EventBase& loop_;
};

std::vector<uint8_t> to_wire(const ldns_pkt* p) {
  uint8_t* w = nullptr;
  size_t n = 0;
  EXPECT_EQ(ldns_pkt2wire(&w, p, &n), LDNS_STATUS_OK);
  std::vector<uint8_t> out(w, w + n);
  free(w);
  return out;
}

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest() : loop_(clock_), backend_(loop_), handler_(ring_, clock_) {
    config::ZoneConfig zc;
    zc.name = "example.com.";
    config::UpdateRule rule;
    rule.kind = config::UpdateRule::Kind::kAddress;
    rule.network.addr = {192, 0, 2, 0};
    rule.network.prefix_len = 24;
    zc.allow_update.push_back(rule);
    zone_ = std::make_unique<ManagedZone>(ZoneServices{loop_, nullptr, backend_, nullptr, nullptr}, zc,
                                          testing::N("example.com."));
    zone_->adopt(testing::load_example(), "ZEXAMPLE");
    committer_ = zone_->committer();
    soa_ = zone_->confirmed();
    EXPECT_TRUE(handler_.add_zone(zone_.get()).ok());
  }

  // Sends wire from `from` and returns the parsed reply (nullptr if none yet).
  zone::PktPtr send(const std::vector<uint8_t>& wire, std::array<uint8_t, 4> from = {192, 0, 2, 7}) {
    Client c;
    std::copy(from.begin(), from.end(), c.addr.begin());
    c.text = "192.0.2.7#5300";
    auto reply = std::make_shared<std::vector<uint8_t>>();
    handler_.handle(wire, c, [reply](std::vector<uint8_t> r) { *reply = std::move(r); });
    for (int i = 0; i < 100 && reply->empty() && loop_.deferred_pending() > 0; ++i) loop_.run_once(true);
    if (reply->empty()) return nullptr;
    ldns_pkt* p = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&p, reply->data(), reply->size()), LDNS_STATUS_OK);
    return zone::PktPtr(p);
  }
  zone::PktPtr query(const std::string& name, ldns_rr_type type) {
    ldns_pkt* q = nullptr;
    EXPECT_EQ(ldns_pkt_query_new_frm_str(&q, name.c_str(), type, LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
    zone::PktPtr owned(q);
    ldns_pkt_set_id(q, 4242);
    return send(to_wire(q));
  }
  static uint32_t soa_serial_in(const ldns_rr_list* l) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(l); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(l, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) return ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
    }
    return 0;
  }

  FakeClock clock_;
  loop::EventBase loop_;
  AcceptAll backend_;
  dns::TsigKeyRing ring_;
  Handler handler_;
  std::unique_ptr<ManagedZone> zone_;
  commit::ZoneCommitter* committer_ = nullptr;
  commit::ConfirmedSoa* soa_ = nullptr;
};

TEST_F(HandlerTest, SoaAtTheApexIsAnAuthoritativeAnswer) {
  auto r = query("example.com.", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(r.get()));
  EXPECT_EQ(ldns_pkt_id(r.get()), 4242);
  EXPECT_EQ(soa_serial_in(ldns_pkt_answer(r.get())), 100u);
}

TEST_F(HandlerTest, SoaBelowTheApexGoesInTheAuthoritySection) {
  auto r = query("www.example.com.", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(r.get()));
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0);
  EXPECT_EQ(soa_serial_in(ldns_pkt_authority(r.get())), 100u);
  auto ent = query("b.example.com.", LDNS_RR_TYPE_SOA);  // empty non-terminal
  ASSERT_TRUE(ent);
  EXPECT_EQ(ldns_pkt_get_rcode(ent.get()), LDNS_RCODE_NOERROR);
  auto nx = query("nothing.here.example.com.", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(nx);
  EXPECT_EQ(ldns_pkt_get_rcode(nx.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(soa_serial_in(ldns_pkt_authority(nx.get())), 100u);
}

TEST_F(HandlerTest, OutsideIsRefusedAndOtherTypesAreNotImplemented) {
  auto out = query("example.org.", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(out);
  EXPECT_EQ(ldns_pkt_get_rcode(out.get()), LDNS_RCODE_REFUSED);
  auto a = query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(a);
  EXPECT_EQ(ldns_pkt_get_rcode(a.get()), LDNS_RCODE_NOTIMPL);
}

TEST_F(HandlerTest, UpdateIsAnsweredAfterAcceptanceAndSerialWaitsForInsync) {
  auto u = make_update({}, {"new.example.com. 300 IN A 192.0.2.50"});
  ldns_pkt_set_id(u.get(), 77);
  auto r = send(to_wire(u.get()));
  ASSERT_TRUE(r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_get_opcode(r.get()), LDNS_PACKET_UPDATE);
  EXPECT_EQ(ldns_pkt_id(r.get()), 77);
  EXPECT_EQ(backend_.calls, 1);
  EXPECT_EQ(committer_->mirror().serial(), 101u);
  auto before = query("example.com.", LDNS_RR_TYPE_SOA);
  EXPECT_EQ(soa_serial_in(ldns_pkt_answer(before.get())), 100u) << "serial moved before INSYNC";
  ASSERT_TRUE(soa_->insync("C1"));
  auto after = query("example.com.", LDNS_RR_TYPE_SOA);
  EXPECT_EQ(soa_serial_in(ldns_pkt_answer(after.get())), 101u);
}

TEST_F(HandlerTest, UpdateRcodesForZoneAndGrant) {
  auto foreign = make_update({}, {"www.example.org. 300 IN A 192.0.2.1"}, "example.org.");
  auto r = send(to_wire(foreign.get()));
  ASSERT_TRUE(r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOTAUTH);
  auto u = make_update({}, {"x.example.com. 300 IN A 192.0.2.1"});
  auto refused = send(to_wire(u.get()), {198, 51, 100, 1});  // not in 192.0.2.0/24, unsigned
  ASSERT_TRUE(refused);
  EXPECT_EQ(ldns_pkt_get_rcode(refused.get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(backend_.calls, 0);
  auto bad_prereq = make_update({"www.example.com. 0 NONE ANY"}, {"www.example.com. 300 IN TXT \"x\""});
  auto yx = send(to_wire(bad_prereq.get()));
  ASSERT_TRUE(yx);
  EXPECT_EQ(ldns_pkt_get_rcode(yx.get()), LDNS_RCODE_YXDOMAIN);
}

TEST_F(HandlerTest, NotifyIsRefused) {
  ldns_pkt* q = nullptr;
  ASSERT_EQ(ldns_pkt_query_new_frm_str(&q, "example.com.", LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0), LDNS_STATUS_OK);
  zone::PktPtr owned(q);
  ldns_pkt_set_opcode(q, LDNS_PACKET_NOTIFY);
  ldns_pkt_set_aa(q, true);
  auto r = send(to_wire(q));
  ASSERT_TRUE(r);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_REFUSED);
}

}  // namespace
}  // namespace r53d::daemon
