// Tests for TransferLimiter: N slots per primary address (any port), FIFO queue, grants from the
// loop only, dropped tickets give back their slot or their place.
#include "xfr/transfer_limiter.h"

#include <gtest/gtest.h>

#include <vector>

#include "loop/event_base.h"

namespace r53d::xfr {
namespace {

net::SocketAddress addr(const char* text) { return *net::parse_listen_address(text); }

void drain(loop::EventBase& loop) {
  for (int i = 0; i < 5; ++i) loop.run_once(true);
}

TEST(TransferLimiter, TwoSlotsPerPrimaryThenFifo) {
  loop::EventBase loop;
  TransferLimiter limiter(loop, 2);
  std::vector<int> granted;
  auto a = addr("192.0.2.1:53");
  auto t1 = limiter.acquire(a, [&] { granted.push_back(1); });
  auto t2 = limiter.acquire(addr("192.0.2.1:5300"), [&] { granted.push_back(2); });  // same host, other port
  auto t3 = limiter.acquire(a, [&] { granted.push_back(3); });
  auto t4 = limiter.acquire(a, [&] { granted.push_back(4); });
  auto other = limiter.acquire(addr("192.0.2.2:53"), [&] { granted.push_back(9); });
  EXPECT_TRUE(granted.empty());  // never from inside acquire()
  drain(loop);
  EXPECT_EQ(granted, (std::vector<int>{1, 2, 9}));
  EXPECT_TRUE(t1.granted());
  EXPECT_FALSE(t3.granted());
  EXPECT_EQ(limiter.active(a), 2u);
  EXPECT_EQ(limiter.waiting(a), 2u);
  t2 = {};  // done: the first in line gets the slot
  EXPECT_EQ(granted.size(), 3u);
  drain(loop);
  EXPECT_EQ(granted, (std::vector<int>{1, 2, 9, 3}));
  EXPECT_EQ(limiter.active(a), 2u);
  EXPECT_EQ(limiter.waiting(a), 1u);
}

TEST(TransferLimiter, DroppedWaiterLeavesTheQueueAndGrantedButUncalledIsSilent) {
  loop::EventBase loop;
  TransferLimiter limiter(loop, 1);
  auto a = addr("192.0.2.1:53");
  int calls = 0;
  auto t1 = limiter.acquire(a, [&] { ++calls; });
  auto t2 = limiter.acquire(a, [&] { ++calls; });
  auto t3 = limiter.acquire(a, [&] { calls += 100; });
  drain(loop);
  EXPECT_EQ(calls, 1);
  t2 = {};  // gives up its place
  EXPECT_EQ(limiter.waiting(a), 1u);
  t1 = {};  // t3 is granted...
  t3 = {};  // ...and dropped before its callback ran: nothing is called, the slot is free again
  drain(loop);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(limiter.active(a), 0u);
  EXPECT_EQ(limiter.waiting(a), 0u);
}

TEST(TransferLimiter, TicketMayOutliveTheLimiter) {
  loop::EventBase loop;
  TransferLimiter::Ticket t;
  {
    TransferLimiter limiter(loop, 1);
    t = limiter.acquire(addr("[2001:db8::1]:53"), [] {});
  }
  drain(loop);
  EXPECT_FALSE(t.granted());
  t = {};  // harmless
}

}  // namespace
}  // namespace r53d::xfr
