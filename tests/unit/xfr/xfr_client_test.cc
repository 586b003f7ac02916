// Tests for XfrClient against fake primaries on loopback (UDP for SOA queries, TCP for transfers,
// canned replies): serial decisions, IXFR, each fallback to AXFR, the next primary, the preferred
// primary, TSIG end to end, cancellation. Real named is in xfr_interop_test.cc.
#include "xfr/xfr_client.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "dns/request.h"
#include "loop/event_base.h"
#include "tests/unit/net/scripted_server.h"
#include "tests/unit/xfr/canned.h"

namespace r53d::xfr {
namespace {

using net::testing::framed;
using net::testing::Pump;
using net::testing::ScriptedTcp;
using net::testing::ScriptedUdp;
using Steps = std::vector<ScriptedTcp::Step>;

constexpr char kZone[] = "example.com.";

std::string soa(uint32_t serial) {
  return "@ 3600 SOA ns.example.com. admin.example.com. " + std::to_string(serial) + " 7200 900 1209600 300";
}

uint16_t id_of(const std::vector<uint8_t>& m) { return static_cast<uint16_t>(m[0] << 8 | m[1]); }

uint16_t qtype_of(const std::vector<uint8_t>& m) {
  dns::WireReader r(m, dns::kHeaderSize);
  r.skip_name();
  return r.u16();
}

// A primary for example.com on 127.0.0.1 (UDP and TCP on one port): SOA replies from `serial`,
// transfers from `on_xfr` (default: the whole zone in AXFR form). With `key`, requests must be
// signed with it and every reply is signed.
class FakePrimary {
 public:
  FakePrimary()
      : tcp_({}), udp_([this](const std::vector<uint8_t>& q, const net::SocketAddress& from, int fd) { on_udp(q, from, fd); },
                       AF_INET, tcp_.addr.port()) {
    EXPECT_TRUE(tcp_.ok && udp_.ok);
    tcp_.reply = [this](const std::vector<uint8_t>& q) { return on_tcp(q); };
  }

  net::SocketAddress addr() const { return tcp_.addr; }
  std::vector<net::testing::Pollable*> servers() { return {&udp_, &tcp_}; }
  const std::vector<std::vector<uint8_t>>& xfr_requests() const { return tcp_.requests; }

  uint32_t serial = 102;
  bool aa = true;
  std::shared_ptr<const dns::TsigKey> key;
  int soa_queries = 0;
  // Messages answering one transfer request; default: SOA, NS, A, SOA.
  std::function<std::vector<std::vector<uint8_t>>(uint16_t qtype, uint16_t id)> on_xfr;
  bool close_after = true;  // close after the messages (else stall)
  // When set and it returns messages, they answer the transfer request as they are (not signed).
  std::function<std::optional<std::vector<std::vector<uint8_t>>>(const std::vector<uint8_t>& request)> raw_xfr;

 private:
  void on_udp(const std::vector<uint8_t>& q, const net::SocketAddress& from, int fd) {
    ++soa_queries;
    auto r = testing::message(id_of(q), kZone, dns::kTypeSoa, {soa(serial)});
    if (!aa) r[2] &= static_cast<uint8_t>(~0x04);
    if (key) sign_reply(q, r);
    ::sendto(fd, r.data(), r.size(), 0, from.sa(), from.len);
  }

  void sign_reply(const std::vector<uint8_t>& q, std::vector<uint8_t>& r) {
    dns::TsigKeyRing ring;
    EXPECT_TRUE(ring.add(*key).ok());
    auto scan = dns::scan_message(q);
    auto v = dns::tsig_verify_request(q, *scan, ring, SystemClock::instance());
    EXPECT_EQ(v.result, dns::TsigResult::kOk) << v.reason;
    EXPECT_TRUE(dns::tsig_sign_reply(r, v, SystemClock::instance()).ok());
  }

  Steps on_tcp(const std::vector<uint8_t>& q) {
    uint16_t qtype = qtype_of(q);
    std::vector<std::vector<uint8_t>> msgs;
    if (raw_xfr) {
      if (auto raw = raw_xfr(q)) {
        Steps steps;
        for (auto& m : *raw) steps.push_back(ScriptedTcp::send(framed(m)));
        steps.push_back(ScriptedTcp::close());
        return steps;
      }
    }
    if (on_xfr) {
      msgs = on_xfr(qtype, id_of(q));
    } else {
      msgs.push_back(testing::message(id_of(q), kZone, qtype, {soa(serial), "@ NS ns", "ns A 192.0.2.53", soa(serial)}));
    }
    std::unique_ptr<testing::PrimarySigner> signer;
    if (key) signer = std::make_unique<testing::PrimarySigner>(key, q, SystemClock::instance());
    Steps steps;
    for (auto& m : msgs) {
      if (signer) signer->sign(m);
      steps.push_back(ScriptedTcp::send(framed(m)));
    }
    steps.push_back(close_after ? ScriptedTcp::close() : ScriptedTcp::stall());
    return steps;
  }

  ScriptedTcp tcp_;
  ScriptedUdp udp_;
};

net::SocketAddress dead_address() {
  // A port nobody listens on (UDP: ICMP unreachable at once).
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  auto a = net::testing::loopback(AF_INET);
  ::bind(s, a.sa(), a.len);
  a.len = sizeof a.storage;
  ::getsockname(s, a.sa(), &a.len);
  ::close(s);
  return a;
}

class XfrClientTest : public ::testing::Test {
 protected:
  RefreshRequest request(std::vector<net::SocketAddress> primaries, std::optional<uint32_t> ours) {
    RefreshRequest r;
    r.zone = *zone::Name::from_text(kZone);
    for (const auto& a : primaries) r.primaries.push_back(Primary{a, nullptr, std::nullopt});
    if (ours) r.our_soa = testing::rr(soa(*ours), kZone);
    r.options.soa_udp_timeout_ms = 200;
    r.options.soa_timeout_ms = 1000;
    r.options.idle_timeout_ms = 1000;
    r.options.transfer_timeout_ms = 2000;
    return r;
  }

  // Runs one refresh to its end.
  RefreshOutcome run(RefreshRequest req, std::vector<net::testing::Pollable*> servers) {
    std::optional<RefreshOutcome> out;
    auto call = client_.refresh(std::move(req), [&](RefreshOutcome o) { out = std::move(o); });
    EXPECT_FALSE(out.has_value());
    Pump pump(loop_, servers);
    EXPECT_TRUE(pump.until([&] { return out.has_value(); }));
    return out ? std::move(*out) : RefreshOutcome{};
  }

  loop::EventBase loop_;
  net::DnsClient dns_{loop_};
  TransferLimiter limiter_{loop_, 2};
  XfrClient client_{loop_, dns_, limiter_};
};

TEST_F(XfrClientTest, AxfrWhenWeHaveNoCopy) {
  FakePrimary p;
  auto o = run(request({p.addr()}, std::nullopt), p.servers());
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
  EXPECT_EQ(o.primary_serial, 102u);
  ASSERT_TRUE(o.transfer.has_value());
  EXPECT_EQ(o.transfer->kind, Transfer::Kind::kFull);
  EXPECT_EQ(ldns_rr_list_rr_count(o.transfer->records.get()), 2u);
  EXPECT_EQ(p.soa_queries, 1);
  ASSERT_EQ(p.xfr_requests().size(), 1u);
  EXPECT_EQ(qtype_of(p.xfr_requests()[0]), kTypeAxfr);
  EXPECT_TRUE(o.failures.empty());
}

TEST_F(XfrClientTest, SameSerialIsUpToDateWithoutATransfer) {
  FakePrimary p;
  auto o = run(request({p.addr()}, 102), p.servers());
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.method, RefreshOutcome::Method::kNone);
  EXPECT_EQ(o.transfer->kind, Transfer::Kind::kUpToDate);
  EXPECT_EQ(o.transfer->serial, 102u);
  EXPECT_FALSE(o.serial_went_backwards);
  EXPECT_TRUE(p.xfr_requests().empty());
}

TEST_F(XfrClientTest, OlderPrimarySerialIsReportedNotTransferred) {
  FakePrimary p;
  for (uint32_t ours : {200u, 102u + 0x80000000u}) {  // older, and exactly 2^31 away (undefined)
    auto o = run(request({p.addr()}, ours), p.servers());
    ASSERT_TRUE(o.status.ok());
    EXPECT_EQ(o.method, RefreshOutcome::Method::kNone);
    EXPECT_EQ(o.transfer->kind, Transfer::Kind::kUpToDate);
    EXPECT_TRUE(o.serial_went_backwards) << ours;
  }
  EXPECT_TRUE(p.xfr_requests().empty());
}

TEST_F(XfrClientTest, IxfrWithOurSoaInTheAuthoritySection) {
  FakePrimary p;
  p.on_xfr = [](uint16_t qtype, uint16_t id) {
    return std::vector<std::vector<uint8_t>>{
        testing::message(id, kZone, qtype, {soa(102), soa(101), "old A 192.0.2.1", soa(102), "new A 192.0.2.2", soa(102)})};
  };
  auto o = run(request({p.addr()}, 101), p.servers());
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.method, RefreshOutcome::Method::kIxfr);
  EXPECT_FALSE(o.fell_back);
  EXPECT_EQ(o.transfer->kind, Transfer::Kind::kIncremental);
  ASSERT_EQ(o.transfer->deltas.size(), 1u);
  ASSERT_EQ(p.xfr_requests().size(), 1u);
  const auto& q = p.xfr_requests()[0];
  EXPECT_EQ(qtype_of(q), kTypeIxfr);
  auto pkt = dns::wire_to_pkt(q);
  ASSERT_TRUE(pkt.ok());
  ASSERT_EQ(ldns_pkt_nscount(pkt->get()), 1);
  const ldns_rr* auth = ldns_rr_list_rr(ldns_pkt_authority(pkt->get()), 0);
  EXPECT_EQ(ldns_rr_get_type(auth), LDNS_RR_TYPE_SOA);
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(auth, 2)), 101u);
  EXPECT_FALSE(ldns_pkt_rd(pkt->get()));
}

TEST_F(XfrClientTest, EachIxfrFailureFallsBackToAxfr) {
  struct Case {
    const char* what;
    std::function<std::vector<std::vector<uint8_t>>(uint16_t id)> ixfr;
    const char* reason;
  };
  std::vector<Case> cases = {
      {"REFUSED", [](uint16_t id) { return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {}, true, dns::kRefused)}; },
       "REFUSED from primary"},
      {"NOTIMP", [](uint16_t id) { return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {}, true, dns::kNotImp)}; },
       "NOTIMP from primary"},
      {"empty answer", [](uint16_t id) { return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {})}; },
       "empty answer"},
      {"lone newer SOA", [](uint16_t id) { return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {soa(102)})}; },
       "incomplete: a lone SOA with serial 102 (newer than ours, 101) then the end of the stream"},
      {"out of sync", [](uint16_t id) {
         return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {soa(102), soa(101), soa(105), soa(104), soa(102)})};
       },
       "IXFR out of sync: sequence 2 starts at serial 104, previous ended at 105"},
      {"cut short", [](uint16_t id) {
         return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, kTypeIxfr, {soa(102), soa(101), soa(102), "a A 192.0.2.1"})};
       },
       "stream ended after 1 messages before the closing SOA"},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    FakePrimary p;
    p.on_xfr = [&](uint16_t qtype, uint16_t id) {
      if (qtype == kTypeIxfr) return c.ixfr(id);
      return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, qtype, {soa(102), "www A 192.0.2.80", soa(102)})};
    };
    auto o = run(request({p.addr()}, 101), p.servers());
    ASSERT_TRUE(o.status.ok()) << o.status.to_string();
    EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
    EXPECT_TRUE(o.fell_back);
    EXPECT_EQ(o.fallback_reason.message(), c.reason);
    ASSERT_EQ(o.failures.size(), 1u);
    EXPECT_EQ(o.failures[0].step, "IXFR");
    EXPECT_EQ(o.transfer->kind, Transfer::Kind::kFull);
    ASSERT_EQ(p.xfr_requests().size(), 2u);
    EXPECT_EQ(qtype_of(p.xfr_requests()[1]), kTypeAxfr);
  }
}

TEST_F(XfrClientTest, ForceAxfrSkipsIxfr) {
  FakePrimary p;
  auto req = request({p.addr()}, 101);
  req.force_axfr = true;
  auto o = run(std::move(req), p.servers());
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
  ASSERT_EQ(p.xfr_requests().size(), 1u);
  EXPECT_EQ(qtype_of(p.xfr_requests()[0]), kTypeAxfr);
  // Even when the serial is the same (the caller's data diverged).
  auto same = request({p.addr()}, 102);
  same.force_axfr = true;
  EXPECT_EQ(run(std::move(same), p.servers()).method, RefreshOutcome::Method::kAxfr);
}

TEST_F(XfrClientTest, NextPrimaryWhenOneFails) {
  FakePrimary good;
  FakePrimary bad_axfr;
  bad_axfr.on_xfr = [](uint16_t qtype, uint16_t id) {
    return std::vector<std::vector<uint8_t>>{testing::message(id, kZone, qtype, {soa(102), "a A 192.0.2.1", soa(103)})};
  };
  auto servers = good.servers();
  for (auto* s : bad_axfr.servers()) servers.push_back(s);
  auto o = run(request({dead_address(), bad_axfr.addr(), good.addr()}, 101), servers);
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_EQ(o.primary, 2u);
  EXPECT_TRUE(net::same_endpoint(o.primary_address, good.addr()));
  ASSERT_EQ(o.failures.size(), 3u);
  EXPECT_EQ(o.failures[0].primary, 0u);
  EXPECT_EQ(o.failures[0].step, "SOA query");
  EXPECT_EQ(o.failures[0].status.message().rfind("port unreachable", 0), 0u);
  EXPECT_EQ(o.failures[1].step, "IXFR");
  EXPECT_EQ(o.failures[2].step, "AXFR");
  EXPECT_EQ(o.failures[2].status.message(), "message 1: closing SOA (serial 103) differs from the opening SOA (serial 102)");
  EXPECT_FALSE(o.fell_back);  // the answering primary: its IXFR... was the default answer, a full zone
  EXPECT_EQ(o.method, RefreshOutcome::Method::kIxfr);
}

TEST_F(XfrClientTest, PreferredPrimaryIsAskedFirst) {
  FakePrimary a, b;
  auto servers = a.servers();
  for (auto* s : b.servers()) servers.push_back(s);
  auto req = request({a.addr(), b.addr()}, std::nullopt);
  req.preferred_primary = 1;
  auto o = run(std::move(req), servers);
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.primary, 1u);
  EXPECT_EQ(a.soa_queries, 0);
  EXPECT_EQ(b.soa_queries, 1);
}

TEST_F(XfrClientTest, EveryPrimaryFailing) {
  FakePrimary not_auth;
  not_auth.aa = false;
  auto dead = dead_address();
  auto o = run(request({dead, not_auth.addr()}, 101), not_auth.servers());
  EXPECT_EQ(o.status.code(), Code::kUnavailable);
  EXPECT_NE(o.status.message().find(dead.to_string() + ": SOA query: port unreachable"), std::string::npos) << o.status.message();
  EXPECT_NE(o.status.message().find(not_auth.addr().to_string() + ": SOA query: reply not authoritative (AA clear)"),
            std::string::npos)
      << o.status.message();
  EXPECT_FALSE(o.transfer.has_value());
  EXPECT_EQ(o.failures.size(), 2u);
}

TEST_F(XfrClientTest, SignedSoaQueryAndTransfer) {
  FakePrimary p;
  p.key = testing::make_key();
  auto req = request({p.addr()}, 101);
  req.primaries[0].key = p.key;
  auto o = run(std::move(req), p.servers());
  ASSERT_TRUE(o.status.ok()) << o.status.to_string();
  EXPECT_TRUE(o.transfer->signed_);
  // Our key is not the primary's: its unsigned replies are rejected.
  auto wrong = request({p.addr()}, 101);
  wrong.primaries[0].key = testing::make_key("xfr-key", "hmac-sha256", "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY=");
  p.key = nullptr;
  auto bad = run(std::move(wrong), p.servers());
  EXPECT_FALSE(bad.status.ok());
  ASSERT_EQ(bad.failures.size(), 1u);
  EXPECT_EQ(bad.failures[0].status, Status::permission_denied("TSIG: reply not signed"));
}

TEST_F(XfrClientTest, IxfrTsigFailureFallsBackUnlessThePrimaryRejectedOurKey) {
  auto key = testing::make_key();
  auto other_secret = testing::make_key("xfr-key", "hmac-sha256", "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY=");
  for (bool primary_rejects : {false, true}) {
    SCOPED_TRACE(primary_rejects);
    FakePrimary p;
    p.key = key;
    p.raw_xfr = [&](const std::vector<uint8_t>& q) -> std::optional<std::vector<std::vector<uint8_t>>> {
      if (qtype_of(q) != kTypeIxfr) return std::nullopt;  // AXFR: the normal, signed answer
      dns::TsigKeyRing ring;
      EXPECT_TRUE(ring.add(*other_secret).ok());
      auto scan = dns::scan_message(q);
      auto v = dns::tsig_verify_request(q, *scan, ring, SystemClock::instance());
      EXPECT_EQ(v.result, dns::TsigResult::kBadSig);
      std::vector<uint8_t> m;
      if (primary_rejects) {
        // What named sends when it cannot verify us: NOTAUTH, unsigned TSIG with error BADSIG.
        m = testing::message(id_of(q), kZone, kTypeIxfr, {}, true, dns::kNotAuth);
        EXPECT_TRUE(dns::tsig_sign_reply(m, v, SystemClock::instance()).ok());
      } else {
        // A reply whose MAC is wrong (signed with another secret): our check fails, the key is fine.
        m = testing::message(id_of(q), kZone, kTypeIxfr, {soa(102)});
        v.result = dns::TsigResult::kOk;
        v.key = other_secret;
        v.mac_verified = true;
        EXPECT_TRUE(dns::tsig_sign_reply(m, v, SystemClock::instance()).ok());
      }
      return std::vector<std::vector<uint8_t>>{m};
    };
    auto req = request({p.addr()}, 101);
    req.primaries[0].key = key;
    auto o = run(std::move(req), p.servers());
    ASSERT_GE(o.failures.size(), 1u);
    EXPECT_EQ(o.failures[0].step, "IXFR");
    if (primary_rejects) {
      EXPECT_FALSE(o.status.ok());
      EXPECT_EQ(o.failures.size(), 1u);  // no AXFR with a key the primary refuses
      EXPECT_EQ(p.xfr_requests().size(), 1u);
      EXPECT_EQ(o.failures[0].status.message(),
                "message 1: TSIG: server answered TSIG error BADSIG (unsigned) (NOTAUTH from primary)");
    } else {
      ASSERT_TRUE(o.status.ok()) << o.status;
      EXPECT_TRUE(o.fell_back);
      EXPECT_EQ(o.method, RefreshOutcome::Method::kAxfr);
      EXPECT_EQ(o.fallback_reason.message(), "message 1: TSIG: bad MAC in reply");
    }
  }
}

TEST_F(XfrClientTest, DroppedRefreshNeverCallsBack) {
  FakePrimary p;
  p.on_xfr = [](uint16_t, uint16_t) { return std::vector<std::vector<uint8_t>>{}; };  // says nothing...
  p.close_after = false;                                                              // ...and stays
  Pump pump(loop_, p.servers());
  bool called = false;
  {
    auto call = client_.refresh(request({p.addr()}, std::nullopt), [&](RefreshOutcome) { called = true; });
    EXPECT_TRUE(call.active());
    pump.until([&] { return !p.xfr_requests().empty(); });
  }
  pump.for_ms(30);
  EXPECT_FALSE(called);
  EXPECT_EQ(limiter_.active(p.addr()), 0u);  // the slot was given back
}

TEST_F(XfrClientTest, NoPrimariesFailsFromTheLoop) {
  auto o = run(request({}, 1), {});
  EXPECT_EQ(o.status.code(), Code::kInvalidArgument);
}

TEST(XfrWire, SoaQueryAndTransferRequests) {
  auto zone = *zone::Name::from_text("Example.COM");
  auto q = build_soa_query(zone, 0x1234, 1232);
  auto scan = dns::scan_message(q);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->header.id, 0x1234);
  EXPECT_EQ(scan->header.flags, 0);  // QUERY, RD clear
  EXPECT_EQ(scan->edns.udp_size, 1232);
  EXPECT_EQ(build_soa_query(zone, 1, 0).size(), 12u + 13 + 4);  // no OPT
  auto axfr = build_xfr_request(zone, kTypeAxfr, 7, nullptr);
  ASSERT_TRUE(axfr.ok());
  EXPECT_EQ(dns::read_header(*axfr)->nscount, 0);
  EXPECT_FALSE(build_xfr_request(zone, kTypeIxfr, 7, nullptr).ok());
  auto our = testing::rr(soa(41), kZone);
  auto ixfr = build_xfr_request(zone, kTypeIxfr, 7, our.get());
  ASSERT_TRUE(ixfr.ok());
  EXPECT_EQ(dns::read_header(*ixfr)->nscount, 1);
  EXPECT_TRUE(dns::scan_message(*ixfr).ok());
}

}  // namespace
}  // namespace r53d::xfr
