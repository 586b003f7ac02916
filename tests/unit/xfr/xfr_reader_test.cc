// Tests for XfrReader with canned message sequences (tests/unit/xfr/canned.h): the four response
// shapes, single/multiple/condensed deltas, every rejection of dns-protocol.md §5.8, and TSIG on
// streams (all signed, up to 99 unsigned in a row, 100, unsigned last, bad MAC, other key, BADKEY).
#include "xfr/xfr_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/xfr/canned.h"

namespace r53d::xfr {
namespace {

using testing::message;

constexpr uint16_t kId = 0x4242;
constexpr char kZone[] = "example.com.";

std::string soa(uint32_t serial, const char* mname = "ns.example.com.") {
  return std::string("@ 3600 SOA ") + mname + " admin.example.com. " + std::to_string(serial) + " 7200 900 1209600 300";
}

XfrQuery axfr() {
  XfrQuery q;
  q.zone = *zone::Name::from_text(kZone);
  q.qtype = kTypeAxfr;
  q.id = kId;
  return q;
}

XfrQuery ixfr(uint32_t ours) {
  XfrQuery q = axfr();
  q.qtype = kTypeIxfr;
  q.our_serial = ours;
  return q;
}

std::vector<uint8_t> msg(uint16_t qtype, const std::vector<std::string>& rrs, bool question = true, uint8_t rcode = 0) {
  return message(kId, kZone, qtype, rrs, question, rcode);
}

std::vector<std::string> texts(const ldns_rr_list* l) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(l); ++i) {
    char* s = ldns_rr2str(ldns_rr_list_rr(l, i));
    std::string t = s;
    free(s);
    if (!t.empty() && t.back() == '\n') t.pop_back();
    out.push_back(t);
  }
  return out;
}

// Feeds every message; returns the first error, or OK.
Status feed_all(XfrReader& r, const std::vector<std::vector<uint8_t>>& msgs) {
  for (const auto& m : msgs) {
    Status s = r.add(m);
    if (!s.ok()) return s;
  }
  return {};
}

FakeClock clock_;

TEST(XfrReader, AxfrAcrossMessagesWithDuplicates) {
  XfrReader r(axfr(), clock_);
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {soa(5), "@ NS ns", "ns A 192.0.2.53", "www A 192.0.2.1"})).ok());
  EXPECT_FALSE(r.complete());
  // Later messages may omit the question; duplicates (also in another case or TTL) are tolerated.
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {"WWW 60 A 192.0.2.1", "mail MX 10 MX1.example.com."}, false)).ok());
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {"mail MX 10 mx1.example.com.", soa(5)}, true)).ok());
  ASSERT_TRUE(r.complete());
  auto t = r.take();
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(t->kind, Transfer::Kind::kFull);
  EXPECT_EQ(t->serial, 5u);
  EXPECT_EQ(ldns_rr_get_type(t->soa.get()), LDNS_RR_TYPE_SOA);
  EXPECT_EQ(texts(t->records.get()),
            (std::vector<std::string>{"example.com.\t300\tIN\tNS\tns.example.com.", "ns.example.com.\t300\tIN\tA\t192.0.2.53",
                                      "www.example.com.\t300\tIN\tA\t192.0.2.1",
                                      "mail.example.com.\t300\tIN\tMX\t10 MX1.example.com."}));
  EXPECT_EQ(t->messages, 3u);
  EXPECT_EQ(t->rrs, 8u);
  EXPECT_GT(t->bytes, 100u);
  EXPECT_FALSE(t->signed_);
  EXPECT_TRUE(t->deltas.empty());
  EXPECT_EQ(r.take().status().code(), Code::kFailedPrecondition);  // only once
}

TEST(XfrReader, AxfrOfAZoneHoldingOnlyItsSoa) {
  XfrReader r(axfr(), clock_);
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {soa(9), soa(9)})).ok());
  ASSERT_TRUE(r.complete());
  auto t = r.take();
  EXPECT_EQ(t->kind, Transfer::Kind::kFull);
  EXPECT_EQ(ldns_rr_list_rr_count(t->records.get()), 0u);
}

TEST(XfrReader, ClosingSoaComparedCaseInsensitively) {
  XfrReader r(axfr(), clock_);
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {soa(5), "www A 192.0.2.1", "EXAMPLE.com. 60 SOA NS.Example.COM. ADMIN.example.com. 5 7200 900 1209600 300"})).ok());
  EXPECT_TRUE(r.complete());
}

TEST(XfrReader, IxfrUpToDateIsASingleSoaNotNewer) {
  for (uint32_t primary : {100u, 99u, 4'000'000'000u}) {  // equal, older, older across the wrap
    SCOPED_TRACE(primary);
    XfrReader r(ixfr(primary == 4'000'000'000u ? 5 : 100), clock_);
    ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(primary)})).ok());
    ASSERT_TRUE(r.complete());
    auto t = r.take();
    EXPECT_EQ(t->kind, Transfer::Kind::kUpToDate);
    EXPECT_EQ(t->serial, primary);
  }
}

TEST(XfrReader, IxfrUpToDateMustBeTheWholeResponse) {
  XfrReader r(ixfr(100), clock_);
  Status s = r.add(msg(kTypeIxfr, {soa(100), "www A 192.0.2.1", soa(100)}));
  EXPECT_EQ(s, Status::invalid_argument("message 1: data after the closing SOA (www.example.com. A)"));
  XfrReader r2(ixfr(100), clock_);
  ASSERT_TRUE(r2.add(msg(kTypeIxfr, {soa(100)})).ok());
  EXPECT_EQ(r2.add(msg(kTypeIxfr, {soa(100)}, false)), Status::invalid_argument("message 2: data after the end of the transfer"));
  EXPECT_FALSE(r2.take().ok());
}

TEST(XfrReader, IxfrSingleDeltaAsBindSendsIt) {
  // C = 101, S = 102: SOA 102 | SOA 101 | SOA 102, A t1 | SOA 102 (dns-protocol.md §5.3).
  XfrReader r(ixfr(101), clock_);
  ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(102), soa(101), soa(102), "t1 A 192.0.2.7", soa(102)})).ok());
  ASSERT_TRUE(r.complete());
  auto t = r.take();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Transfer::Kind::kIncremental);
  EXPECT_EQ(t->serial, 102u);
  ASSERT_EQ(t->deltas.size(), 1u);
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(t->deltas[0].old_soa.get(), 2)), 101u);
  EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(t->deltas[0].new_soa.get(), 2)), 102u);
  EXPECT_EQ(ldns_rr_list_rr_count(t->deltas[0].deleted.get()), 0u);
  EXPECT_EQ(texts(t->deltas[0].added.get()), std::vector<std::string>{"t1.example.com.\t300\tIN\tA\t192.0.2.7"});
  EXPECT_EQ(ldns_rr_list_rr_count(t->records.get()), 0u);
}

TEST(XfrReader, IxfrSeveralDeltasAcrossMessages) {
  XfrReader r(ixfr(100), clock_);
  ASSERT_TRUE(feed_all(r, {
      msg(kTypeIxfr, {soa(103), soa(100), "a A 192.0.2.1"}),
      msg(kTypeIxfr, {soa(101), "a A 192.0.2.2", soa(101)}, false),  // a 100->101 change, then sequence 2 starts
      msg(kTypeIxfr, {"b A 192.0.2.3", soa(102), soa(102)}, false),  // deletes b, adds nothing; 102->103 starts
      msg(kTypeIxfr, {soa(103), "b A 192.0.2.3", "c TXT \"x\"", soa(103)}, false),
  }).ok());
  ASSERT_TRUE(r.complete());
  auto t = r.take();
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->deltas.size(), 3u);
  uint32_t expect[3][2] = {{100, 101}, {101, 102}, {102, 103}};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(t->deltas[i].old_soa.get(), 2)), expect[i][0]);
    EXPECT_EQ(ldns_rdf2native_int32(ldns_rr_rdf(t->deltas[i].new_soa.get(), 2)), expect[i][1]);
  }
  EXPECT_EQ(texts(t->deltas[0].deleted.get()), std::vector<std::string>{"a.example.com.\t300\tIN\tA\t192.0.2.1"});
  EXPECT_EQ(texts(t->deltas[0].added.get()), std::vector<std::string>{"a.example.com.\t300\tIN\tA\t192.0.2.2"});
  EXPECT_EQ(texts(t->deltas[1].deleted.get()), std::vector<std::string>{"b.example.com.\t300\tIN\tA\t192.0.2.3"});
  EXPECT_EQ(ldns_rr_list_rr_count(t->deltas[1].added.get()), 0u);
  EXPECT_EQ(texts(t->deltas[2].added.get()), (std::vector<std::string>{"b.example.com.\t300\tIN\tA\t192.0.2.3",
                                                                        "c.example.com.\t300\tIN\tTXT\t\"x\""}));
  EXPECT_EQ(t->messages, 4u);
}

TEST(XfrReader, IxfrCondensedSequence) {
  XfrReader r(ixfr(100), clock_);
  ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(150), soa(100), "old A 192.0.2.1", soa(150), "new A 192.0.2.2", soa(150)})).ok());
  auto t = r.take();
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->deltas.size(), 1u);
  EXPECT_EQ(t->serial, 150u);
}

TEST(XfrReader, ZoneNameWithOctetsAbove127) {
  // "été.example" in raw UTF-8 octets: the question must still compare equal (no signed chars).
  const char* zone = "\\195\\169t\\195\\169.example.";
  XfrQuery q = axfr();
  q.zone = *zone::Name::from_text(zone);
  XfrReader r(q, clock_);
  Status s = r.add(message(kId, zone, kTypeAxfr, {"@ SOA ns admin 1 2 3 4 5", "www A 192.0.2.1", "@ SOA ns admin 1 2 3 4 5"}));
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(r.complete());
}

TEST(XfrReader, IxfrAcrossTheSerialWrap) {
  XfrReader r(ixfr(4'294'967'295u), clock_);
  ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(1), soa(4'294'967'295u), soa(1), "x A 192.0.2.9", soa(1)})).ok());
  EXPECT_EQ(r.take()->kind, Transfer::Kind::kIncremental);
}

TEST(XfrReader, FullZoneFormAnswersAnIxfr) {
  XfrReader r(ixfr(50), clock_);  // 50 is not in the primary's journal
  ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(102), "@ NS ns", "ns A 192.0.2.53", soa(102)})).ok());
  auto t = r.take();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Transfer::Kind::kFull);
  EXPECT_EQ(ldns_rr_list_rr_count(t->records.get()), 2u);
}

TEST(XfrReader, IxfrOutOfSync) {
  {
    XfrReader r(ixfr(5), clock_);
    Status s = r.add(msg(kTypeIxfr, {soa(9), soa(5), soa(8), "a A 192.0.2.1", soa(7), soa(9), soa(9)}));
    EXPECT_EQ(s, Status::invalid_argument("IXFR out of sync: sequence 2 starts at serial 7, previous ended at 8"));
  }
  {
    XfrReader r(ixfr(100), clock_);  // the first sequence must start at our serial
    Status s = r.add(msg(kTypeIxfr, {soa(102), soa(99), soa(102), soa(102)}));
    EXPECT_EQ(s, Status::invalid_argument("IXFR out of sync: sequence 1 starts at serial 99, ours is 100"));
  }
  {
    XfrReader r(ixfr(100), clock_);  // the last sequence must end at S
    Status s = r.add(msg(kTypeIxfr, {soa(102), soa(100), soa(101), soa(102)}));
    EXPECT_EQ(s, Status::invalid_argument("IXFR out of sync: the last sequence ends at serial 101, the transfer's serial is 102"));
  }
}

TEST(XfrReader, LoneNewerSoaThenEndOfStreamIsIncomplete) {
  XfrReader r(ixfr(100), clock_);
  ASSERT_TRUE(r.add(msg(kTypeIxfr, {soa(101)})).ok());
  EXPECT_FALSE(r.complete());
  EXPECT_EQ(r.end_of_stream(),
            Status::unavailable("incomplete: a lone SOA with serial 101 (newer than ours, 100) then the end of the stream"));
  EXPECT_FALSE(r.take().ok());
}

TEST(XfrReader, StreamEndingBeforeTheClosingSoa) {
  XfrReader r(axfr(), clock_);
  ASSERT_TRUE(feed_all(r, {msg(kTypeAxfr, {soa(5), "a A 192.0.2.1"}), msg(kTypeAxfr, {"b A 192.0.2.2"}, false)}).ok());
  EXPECT_EQ(r.end_of_stream(), Status::unavailable("stream ended after 2 messages before the closing SOA"));
  XfrReader none(axfr(), clock_);
  EXPECT_EQ(none.end_of_stream(), Status::unavailable("stream ended before the first message"));
  // An IXFR stream cut inside its sequences: never a partial transfer.
  XfrReader inc(ixfr(100), clock_);
  ASSERT_TRUE(inc.add(msg(kTypeIxfr, {soa(102), soa(100), soa(101), "a A 192.0.2.1"})).ok());
  EXPECT_EQ(inc.end_of_stream().message(), "stream ended after 1 messages before the closing SOA");
  EXPECT_FALSE(inc.take().ok());
}

TEST(XfrReader, RejectionsOfSingleMessages) {
  struct Row {
    const char* what;
    XfrQuery query;
    std::vector<uint8_t> wire;
    Status want;
  };
  auto base = msg(kTypeAxfr, {soa(5), "a A 192.0.2.1", soa(5)});
  auto with = [&](size_t at, uint8_t v, std::vector<uint8_t> w) {
    w[at] = v;
    return w;
  };
  std::vector<Row> rows = {
      {"empty answer", axfr(), msg(kTypeAxfr, {}), Status::invalid_argument("empty answer")},
      {"first not SOA", axfr(), msg(kTypeAxfr, {"a A 192.0.2.1", soa(5)}),
       Status::invalid_argument("message 1: first record is not an SOA (A)")},
      {"SOA of another zone", axfr(), msg(kTypeAxfr, {"sub 3600 SOA ns admin 5 1 1 1 1"}),
       Status::invalid_argument("message 1: first SOA is not the zone's (sub.example.com.)")},
      {"closing SOA differs", axfr(), msg(kTypeAxfr, {soa(5), "a A 192.0.2.1", soa(6)}),
       Status::invalid_argument("message 1: closing SOA (serial 6) differs from the opening SOA (serial 5)")},
      {"closing SOA other MNAME", axfr(), msg(kTypeAxfr, {soa(5), soa(5, "ns2.example.com.")}),
       Status::invalid_argument("message 1: closing SOA (serial 5) differs from the opening SOA (serial 5)")},
      {"data after the end", axfr(), msg(kTypeAxfr, {soa(5), soa(5), "a A 192.0.2.1"}),
       Status::invalid_argument("message 1: data after the closing SOA (a.example.com. A)")},
      {"REFUSED", ixfr(1), msg(kTypeIxfr, {}, true, dns::kRefused), Status::unavailable("REFUSED from primary")},
      {"NOTAUTH", axfr(), msg(kTypeAxfr, {}, true, dns::kNotAuth), Status::unavailable("NOTAUTH from primary")},
      {"ID", axfr(), with(1, 0x43, base), Status::invalid_argument("message 1: ID 16963, expected 16962")},
      {"QR clear", axfr(), with(2, base[2] & 0x7F, base), Status::invalid_argument("message 1: QR clear")},
      {"opcode", axfr(), with(2, base[2] | (5 << 3), base), Status::invalid_argument("message 1: opcode 5, not QUERY")},
      {"TC", axfr(), with(2, base[2] | 0x02, base), Status::invalid_argument("message 1: TC set")},
      {"no question", axfr(), msg(kTypeAxfr, {soa(5), soa(5)}, false), Status::invalid_argument("message 1: no question")},
      {"other question", ixfr(1), base,
       Status::invalid_argument("message 1: question example.com. type 252 class 1 is not the request's")},
      {"NSCOUNT", axfr(), with(9, 1, with(7, 2, base)),  // the closing SOA in the authority section
       Status::invalid_argument("message 1: authority section not empty (NSCOUNT 1)")},
      {"class CH", axfr(), msg(kTypeAxfr, {soa(5), "a CH A 192.0.2.1", soa(5)}),
       Status::invalid_argument("message 1: record a.example.com. of class 3, not IN")},
      {"outside the zone", axfr(), msg(kTypeAxfr, {soa(5), "www.example.net. A 192.0.2.1", soa(5)}),
       Status::invalid_argument("message 1: record www.example.net. is outside the zone example.com.")},
      {"truncated", axfr(), std::vector<uint8_t>(base.begin(), base.end() - 3),
       Status::invalid_argument("message 1: malformed: malformed RR in the answer section")},
  };
  for (auto& row : rows) {
    SCOPED_TRACE(row.what);
    XfrReader r(row.query, clock_);
    Status s = r.add(row.wire);
    EXPECT_EQ(s, row.want);
    EXPECT_FALSE(r.complete());
    EXPECT_EQ(r.add(base), row.want);  // sticky
    EXPECT_EQ(r.end_of_stream(), row.want);
    EXPECT_FALSE(r.key_rejected());
  }
}

TEST(XfrReader, RcodeInALaterMessage) {
  XfrReader r(axfr(), clock_);
  ASSERT_TRUE(r.add(msg(kTypeAxfr, {soa(5), "a A 192.0.2.1"})).ok());
  EXPECT_EQ(r.add(msg(kTypeAxfr, {}, false, dns::kServFail)), Status::unavailable("SERVFAIL from primary in message 2"));
}

// --- TSIG --------------------------------------------------------------------------------------

class XfrReaderTsig : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::make_key();
    request_ = testing::request(kId, kZone, kTypeAxfr);
    auto mac = dns::tsig_sign_request(request_, *key_, clock_);
    ASSERT_TRUE(mac.ok());
    mac_ = *mac;
  }
  XfrQuery query() {
    XfrQuery q = axfr();
    q.key = key_;
    q.request_mac = mac_;
    return q;
  }
  // n messages: SOA + a0 | a1 | ... | a(n-2) + SOA; signed per `sign(i)`.
  std::vector<std::vector<uint8_t>> stream(int n, const std::function<bool(int)>& sign,
                                           std::shared_ptr<const dns::TsigKey> with = nullptr) {
    testing::PrimarySigner signer(with ? with : key_, request_, clock_);
    std::vector<std::vector<uint8_t>> out;
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> rrs;
      if (i == 0) rrs.push_back(soa(7));
      rrs.push_back("a" + std::to_string(i) + " A 192.0.2.1");
      if (i == n - 1) rrs.push_back(soa(7));
      auto m = msg(kTypeAxfr, rrs, i == 0);
      if (sign(i)) {
        signer.sign(m);
      } else {
        signer.pass_unsigned(m);
      }
      out.push_back(std::move(m));
    }
    return out;
  }

  std::shared_ptr<const dns::TsigKey> key_;
  std::vector<uint8_t> request_;
  std::vector<uint8_t> mac_;
};

TEST_F(XfrReaderTsig, EveryMessageSigned) {
  XfrReader r(query(), clock_);
  ASSERT_TRUE(feed_all(r, stream(5, [](int) { return true; })).ok());
  ASSERT_TRUE(r.complete());
  auto t = r.take();
  EXPECT_TRUE(t->signed_);
  EXPECT_EQ(ldns_rr_list_rr_count(t->records.get()), 5u);
}

TEST_F(XfrReaderTsig, NinetyNineUnsignedInARowAreAccepted) {
  XfrReader r(query(), clock_);
  // Signed, 99 unsigned, signed, 2 unsigned, signed.
  ASSERT_TRUE(feed_all(r, stream(104, [](int i) { return i == 0 || i == 100 || i == 103; })).ok());
  EXPECT_TRUE(r.complete());
  EXPECT_EQ(r.take()->messages, 104u);
}

TEST_F(XfrReaderTsig, OneHundredUnsignedInARowFail) {
  XfrReader r(query(), clock_);
  Status s = feed_all(r, stream(102, [](int i) { return i == 0 || i == 101; }));
  EXPECT_EQ(s, Status::permission_denied("message 101: TSIG: more than 99 unsigned messages in a row"));
}

TEST_F(XfrReaderTsig, UnsignedFirstOrLastMessageFails) {
  XfrReader first(query(), clock_);
  EXPECT_EQ(feed_all(first, stream(3, [](int i) { return i != 0; })),
            Status::permission_denied("message 1: TSIG: first message of the reply is not signed"));
  XfrReader last(query(), clock_);
  EXPECT_EQ(feed_all(last, stream(3, [](int i) { return i != 2; })),
            Status::permission_denied("message 3: TSIG: last message of the reply is not signed"));
  EXPECT_FALSE(last.complete());
  EXPECT_FALSE(last.take().ok());
}

TEST_F(XfrReaderTsig, BadMacOnMessageNFails) {
  for (int bad : {0, 2, 4}) {
    SCOPED_TRACE(bad);
    auto msgs = stream(5, [](int) { return true; });
    msgs[bad][3] ^= 0x20;  // the AD flag: nothing the reader checks, but the MAC covers it
    XfrReader r(query(), clock_);
    EXPECT_EQ(feed_all(r, msgs), Status::permission_denied("message " + std::to_string(bad + 1) + ": TSIG: bad MAC in reply"));
    EXPECT_FALSE(r.key_rejected());
  }
  // An unsigned message in between that was altered breaks the next signed one.
  auto msgs = stream(4, [](int i) { return i != 1; });
  msgs[1].back() ^= 1;
  XfrReader r(query(), clock_);
  EXPECT_EQ(feed_all(r, msgs), Status::permission_denied("message 3: TSIG: bad MAC in reply"));
}

TEST_F(XfrReaderTsig, WrongKeyNameOrAlgorithmFails) {
  auto other = testing::make_key("other-key");
  auto req = testing::request(kId, kZone, kTypeAxfr);
  ASSERT_TRUE(dns::tsig_sign_request(req, *other, clock_).ok());
  testing::PrimarySigner signer(other, req, clock_);
  auto m = msg(kTypeAxfr, {soa(7), soa(7)});
  signer.sign(m);
  XfrReader r(query(), clock_);
  EXPECT_EQ(r.add(m), Status::permission_denied("message 1: TSIG: reply signed with another key other-key."));
}

TEST_F(XfrReaderTsig, UnsignedErrorReplyToASignedRequest) {
  XfrReader r(query(), clock_);
  EXPECT_EQ(r.add(msg(kTypeAxfr, {}, true, dns::kRefused)),
            Status::permission_denied("message 1: TSIG: first message of the reply is not signed (REFUSED from primary)"));
  EXPECT_FALSE(r.key_rejected());
}

TEST_F(XfrReaderTsig, PrimaryRejectingOurKeyIsReported) {
  // The primary does not know the MAC (other secret): NOTAUTH with an unsigned BADSIG TSIG.
  auto wrong = testing::make_key("xfr-key", "hmac-sha256", "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY=");
  dns::TsigKeyRing ring;
  ASSERT_TRUE(ring.add(*wrong).ok());
  auto scan = dns::scan_message(request_);
  auto v = dns::tsig_verify_request(request_, *scan, ring, clock_);
  ASSERT_EQ(v.result, dns::TsigResult::kBadSig);
  auto reply = msg(kTypeAxfr, {}, true, dns::kNotAuth);
  ASSERT_TRUE(dns::tsig_sign_reply(reply, v, clock_).ok());
  XfrReader r(query(), clock_);
  EXPECT_EQ(r.add(reply),
            Status::permission_denied("message 1: TSIG: server answered TSIG error BADSIG (unsigned) (NOTAUTH from primary)"));
  EXPECT_TRUE(r.key_rejected());
}

TEST_F(XfrReaderTsig, ReplyTimeOutsideTheFudgeFails) {
  auto msgs = stream(2, [](int) { return true; });
  FakeClock later(clock_.wall_ms() + 301'000);
  XfrReader r(query(), later);
  EXPECT_EQ(feed_all(r, msgs), Status::permission_denied("message 1: TSIG: reply time outside fudge"));
}

}  // namespace
}  // namespace r53d::xfr
