// Tests for check_request / make_error_reply / finish_reply: malformed input, EDNS echo, BADVERS,
// truncation to the UDP limit, and signing order.
#include "dns/request.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/wire.h"
#include "util/clock.h"

namespace r53d::dns {
namespace {

std::vector<uint8_t> from_hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// example.com SOA query, ID 0x1234, RD set.
const std::string kQuery = "123401000001000000000000" "076578616d706c6503636f6d0000060001";
// The same with an OPT: payload 4096, version 0, DO set.
const std::string kQueryEdns = "123401000001000000000001" "076578616d706c6503636f6d0000060001"
                               "00002910000000800000" "00";

struct Env {
  TsigKeyRing ring;
  FakeClock clock;
};

TEST(CheckRequest, DropsWhatCannotBeAnswered) {
  Env e;
  EXPECT_EQ(check_request(from_hex("1234"), e.ring, e.clock, false).action, RequestAction::kDrop);
  EXPECT_EQ(check_request({}, e.ring, e.clock, true).action, RequestAction::kDrop);
  auto response = from_hex(kQuery);
  response[2] |= 0x80;  // QR: never answer a response (reflection loops)
  auto rc = check_request(response, e.ring, e.clock, false);
  EXPECT_EQ(rc.action, RequestAction::kDrop);
  EXPECT_NE(rc.reason.find("QR"), std::string::npos);
}

TEST(CheckRequest, MalformedBodyGetsFormErrWithTheId) {
  Env e;
  const char* const kBad[] = {
      "123401000001000000000000076578616d706c65",            // question cut short
      "1234010000010001000000000000060001c00c00010001",       // answer RR cut short
      "12340100000100000000000003616263c00c00060001",         // pointer loop (abc -> itself)
      "123401000001000000000000ff0000060001",                 // label type 11 at top, bad pointer
      "12340100000100000000000040616263000006000100",         // label type 01
  };
  for (const char* hex : kBad) {
    auto rc = check_request(from_hex(hex), e.ring, e.clock, false);
    ASSERT_EQ(rc.action, RequestAction::kReply) << hex;
    auto h = read_header(rc.error_reply);
    EXPECT_EQ(h->id, 0x1234) << hex;
    EXPECT_EQ(h->rcode(), kFormErr) << hex;
    EXPECT_TRUE(h->qr());
    EXPECT_EQ(h->qdcount, 0);
    EXPECT_EQ(rc.error_reply.size(), kHeaderSize);
  }
}

TEST(CheckRequest, TsigNotLastOrTwiceIsFormErr) {
  // Additional: a TSIG-typed RR, then an A RR.
  std::string tsig_rr = "00" "00fa00ff00000000" "0000";
  std::string a_rr = "00" "00010001000000000004" "7f000001";
  auto not_last = from_hex("123428000001000000000002" "076578616d706c6503636f6d0000060001" + tsig_rr + a_rr);
  Env e;
  auto rc = check_request(not_last, e.ring, e.clock, false);
  ASSERT_EQ(rc.action, RequestAction::kReply);
  EXPECT_NE(rc.reason.find("TSIG record is not the last"), std::string::npos) << rc.reason;
  auto twice = from_hex("123428000001000000000002" "076578616d706c6503636f6d0000060001" + tsig_rr + tsig_rr);
  rc = check_request(twice, e.ring, e.clock, false);
  ASSERT_EQ(rc.action, RequestAction::kReply);
  EXPECT_EQ(read_header(rc.error_reply)->rcode(), kFormErr);
  EXPECT_EQ(read_header(rc.error_reply)->arcount, 0);  // no TSIG on structural FORMERR
}

TEST(CheckRequest, TwoOptsAreFormErr) {
  Env e;
  auto two = from_hex("123401000001000000000002" "076578616d706c6503636f6d0000060001"
                      "0000291000000000000000" "0000291000000000000000");
  two.resize(two.size());
  auto rc = check_request(two, e.ring, e.clock, false);
  EXPECT_EQ(rc.action, RequestAction::kReply);
  EXPECT_NE(rc.reason.find("more than one OPT"), std::string::npos) << rc.reason;
}

TEST(CheckRequest, ServesWellFormedAndComputesUdpLimit) {
  Env e;
  auto rc = check_request(from_hex(kQuery), e.ring, e.clock, false);
  EXPECT_EQ(rc.action, RequestAction::kServe);
  EXPECT_EQ(rc.tsig.result, TsigResult::kUnsigned);
  EXPECT_EQ(rc.max_reply_size, 512u);
  rc = check_request(from_hex(kQueryEdns), e.ring, e.clock, false);
  EXPECT_EQ(rc.max_reply_size, kServerUdpPayload);
  EXPECT_TRUE(rc.edns().do_bit);
  rc = check_request(from_hex(kQueryEdns), e.ring, e.clock, true);
  EXPECT_EQ(rc.max_reply_size, 65535u);
  Edns small{true, 100, 0, 0, false};
  EXPECT_EQ(max_reply_size(small, false), 512u);
}

TEST(CheckRequest, EdnsVersionAboveZeroIsBadVers) {
  Env e;
  auto q = from_hex(kQueryEdns);
  q[q.size() - 5] = 1;  // version byte of the OPT TTL
  auto rc = check_request(q, e.ring, e.clock, false);
  ASSERT_EQ(rc.action, RequestAction::kReply);
  auto scan = scan_message(rc.error_reply);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->header.rcode(), 0);  // BADVERS = 16: header 0, extended 1
  ASSERT_TRUE(scan->edns.present);
  EXPECT_EQ(scan->edns.ext_rcode, 1);
  EXPECT_EQ(scan->edns.version, 0);
  EXPECT_EQ(scan->header.qdcount, 1);
}

TEST(FinishReply, EchoesOptAndCopiesDo) {
  Env e;
  auto req = from_hex(kQueryEdns);
  auto rc = check_request(req, e.ring, e.clock, false);
  auto done = finish_reply(make_error_reply(req, rc, kRefused), rc, e.clock);
  ASSERT_TRUE(done.ok());
  auto scan = scan_message(*done);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->header.rcode(), kRefused);
  EXPECT_EQ(scan->header.flags & kFlagRd, kFlagRd);
  EXPECT_TRUE(scan->edns.present);
  EXPECT_EQ(scan->edns.udp_size, kServerUdpPayload);
  EXPECT_TRUE(scan->edns.do_bit);
  // No OPT in the reply to a request without one.
  auto plain = from_hex(kQuery);
  rc = check_request(plain, e.ring, e.clock, false);
  done = finish_reply(make_error_reply(plain, rc, kRefused), rc, e.clock);
  EXPECT_FALSE(scan_message(*done)->edns.present);
}

// A reply to kQuery with `n` TXT answers of 200 octets each.
std::vector<uint8_t> big_reply(int n) {
  auto r = from_hex(kQuery);
  r[2] |= 0x84;  // QR AA
  r[7] = static_cast<uint8_t>(n);
  for (int i = 0; i < n; ++i) {
    auto rr = from_hex("c00c001000010000012c00c9c8");
    r.insert(r.end(), rr.begin(), rr.end());
    r.insert(r.end(), 200, 'x');
  }
  return r;
}

TEST(FinishReply, TruncatesToUdpLimitWithTc) {
  Env e;
  auto rc = check_request(from_hex(kQuery), e.ring, e.clock, false);
  auto small = finish_reply(big_reply(2), rc, e.clock);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(read_header(*small)->flags & kFlagTc, 0);
  EXPECT_EQ(read_header(*small)->ancount, 2);
  auto big = finish_reply(big_reply(3), rc, e.clock);  // 29 + 3 * 213 > 512
  ASSERT_TRUE(big.ok());
  auto h = read_header(*big);
  EXPECT_EQ(h->flags & kFlagTc, kFlagTc);
  EXPECT_EQ(h->ancount, 0);
  EXPECT_EQ(h->qdcount, 1);
  EXPECT_LE(big->size(), 512u);
  // Over TCP nothing is cut.
  rc = check_request(from_hex(kQuery), e.ring, e.clock, true);
  auto tcp = finish_reply(big_reply(3), rc, e.clock);
  EXPECT_EQ(read_header(*tcp)->ancount, 3);
}

TEST(FinishReply, SignsLastAndReservesRoomForTsig) {
  Env e;
  auto key = TsigKey::create("k", "hmac-sha512", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(e.ring.add(*key).ok());
  auto q = from_hex(kQuery);
  auto mac = tsig_sign_request(q, *key, e.clock);
  auto rc = check_request(q, e.ring, e.clock, false);
  ASSERT_EQ(rc.action, RequestAction::kServe) << rc.reason;
  // 2 answers fit 512 without TSIG (455 octets) but not with a 64-octet-MAC TSIG: TC + signed.
  auto done = finish_reply(big_reply(2), rc, e.clock);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(read_header(*done)->flags & kFlagTc, kFlagTc);
  EXPECT_LE(done->size(), 512u);
  EXPECT_TRUE(tsig_verify_reply(*done, *key, *mac, e.clock).ok());
  // A reply that already has a TSIG is refused (ldns limitation 12).
  EXPECT_FALSE(finish_reply(*done, rc, e.clock).ok());
}

TEST(Wire, NamesRoundTripAndCanonicalise) {
  auto n = name_from_text("WWW.Example.COM");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(name_to_text(*n), "www.example.com.");
  EXPECT_EQ(name_to_text(*name_from_text("a\\.b.c.")), "a\\.b.c.");
  EXPECT_EQ(name_to_text(*name_from_text(".")), ".");
  EXPECT_FALSE(name_from_text(std::string(64, 'a') + ".com").ok());
  EXPECT_FALSE(name_from_text("a..b").ok());
  std::string long_name;
  for (int i = 0; i < 50; ++i) long_name += "abcd.";
  EXPECT_FALSE(name_from_text(long_name + "abcdef").ok());  // > 255 octets
}

TEST(Wire, ReaderIsStickyOnOverrun) {
  std::vector<uint8_t> b = {1, 2, 3};
  WireReader r(b);
  EXPECT_EQ(r.u16(), 0x0102);
  EXPECT_EQ(r.u16(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Wire, CompressedNamesDecompressCanonically) {
  // Message: header, question "Example.COM SOA IN", then an answer owner "www" + pointer to 12.
  auto m = from_hex("000000000001000100000000" "074578616d706c6503434f4d0000060001"
                    "03575757c00c");
  WireReader r(m, 29);
  auto name = r.name_canonical();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(name_to_text(name), "www.example.com.");
  EXPECT_EQ(r.pos(), m.size());
}

}  // namespace
}  // namespace r53d::dns
