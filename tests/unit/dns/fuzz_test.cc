// Robustness: random mutations of real signed messages through check_request/finish_reply never
// crash and always produce either silence, a well-formed reply, or "serve" (run under ASan too).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/request.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "util/clock.h"

namespace r53d::dns {
namespace {

TEST(RequestFuzz, MutatedMessagesNeverCrashAndRepliesParse) {
  FakeClock clock;
  TsigKeyRing ring;
  auto key = TsigKey::create("k", "hmac-sha256", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(ring.add(*key).ok());
  // An UPDATE with a prerequisite, an update RR, an OPT, signed.
  std::vector<uint8_t> base = {0x12, 0x34, 0x28, 0x00, 0, 1, 0, 1, 0, 1, 0, 1,
                               7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 6, 0, 1,
                               3, 'w', 'w', 'w', 0xC0, 12, 0, 1, 0, 255, 0, 0, 0, 0, 0, 0,
                               0xC0, 29, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1,
                               0, 0, 41, 4, 208, 0, 0, 0x80, 0, 0, 0};
  ASSERT_TRUE(tsig_sign_request(base, *key, clock).ok());
  ASSERT_EQ(check_request(base, ring, clock, false).action, RequestAction::kServe);
  std::mt19937 rng(20261122);
  int served = 0, replied = 0, dropped = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> m = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 4) {
        case 0: m[rng() % m.size()] = static_cast<uint8_t>(rng()); break;                 // byte
        case 1: m.resize(rng() % (m.size() + 1)); break;                                   // cut
        case 2: m.insert(m.begin() + static_cast<long>(rng() % (m.size() + 1)), static_cast<uint8_t>(rng())); break;
        case 3: if (m.size() > 12) m[4 + rng() % 8] = static_cast<uint8_t>(rng() % 4); break;  // counts
      }
      if (m.empty()) break;
    }
    RequestCheck rc = check_request(m, ring, clock, rng() % 2);
    switch (rc.action) {
      case RequestAction::kDrop: ++dropped; break;
      case RequestAction::kReply: {
        ++replied;
        auto s = scan_message(rc.error_reply);
        ASSERT_TRUE(s.ok()) << i;
        EXPECT_TRUE(s->header.qr());
        break;
      }
      case RequestAction::kServe: {
        ++served;
        // What we serve, ldns can parse; and a reply to it can be finished.
        auto reply = finish_reply(make_error_reply(m, rc, kRefused), rc, clock);
        ASSERT_TRUE(reply.ok()) << i << " " << reply.status().to_string();
        EXPECT_LE(reply->size(), rc.max_reply_size);
        (void)wire_to_pkt(m);
        break;
      }
    }
  }
  EXPECT_GT(served, 0);
  EXPECT_GT(replied, 1000);
  EXPECT_GT(dropped, 0);
}

}  // namespace
}  // namespace r53d::dns
