// Tests for net::DnsClient against loopback servers scripted in the test: UDP matching (wrong
// source, ID, question ignored), retransmission, TC fallback, TCP framing (split, coalesced,
// bad length, caps), EOF/reset/abort, every timeout (short real timers), cancellation, source
// address, IPv6.
#include "net/dns_client.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "dns/wire.h"
#include "loop/event_base.h"
#include "tests/unit/net/scripted_server.h"

namespace r53d::net {
namespace {

using testing::framed;
using testing::make_query;
using testing::Pump;
using testing::ScriptedTcp;
using testing::ScriptedUdp;

// The query turned into a reply (QR set, `flags` or'ed in), marked in ANCOUNT so a test can tell
// which reply the client took.
std::vector<uint8_t> reply_to(std::vector<uint8_t> q, uint16_t marker = 1, uint16_t flags = 0) {
  q[2] |= 0x80 | static_cast<uint8_t>(flags >> 8);
  q[3] |= static_cast<uint8_t>(flags);
  q[6] = static_cast<uint8_t>(marker >> 8);
  q[7] = static_cast<uint8_t>(marker);
  return q;
}

uint16_t marker_of(const std::vector<uint8_t>& m) { return static_cast<uint16_t>(m[6] << 8 | m[7]); }

// A message of `len` octets (header + filler) for stream tests: the client does not parse them.
std::vector<uint8_t> blob(size_t len, uint8_t fill) {
  std::vector<uint8_t> m(len, fill);
  m[0] = 0x12;
  m[1] = 0x34;
  return m;
}

void send_to(int fd, const std::vector<uint8_t>& b, const SocketAddress& to) {
  ASSERT_EQ(::sendto(fd, b.data(), b.size(), 0, to.sa(), to.len), static_cast<ssize_t>(b.size()));
}

DnsCallOptions fast() {
  DnsCallOptions o;
  o.udp_timeout_ms = 20;
  o.connect_timeout_ms = 500;
  o.idle_timeout_ms = 500;
  o.total_timeout_ms = 2000;
  return o;
}

struct StreamRecorder {
  std::vector<std::vector<uint8_t>> messages;
  std::optional<StreamEnd> end;
  size_t done_after = SIZE_MAX;  // say done() after this many messages
  DnsClient::MessageCallback on_message() {
    return [this](std::span<const uint8_t> m) {
      messages.emplace_back(m.begin(), m.end());
      return messages.size() >= done_after ? StreamStep::done() : StreamStep::more();
    };
  }
  DnsClient::EndCallback on_end() {
    return [this](StreamEnd e) {
      EXPECT_FALSE(end.has_value()) << "end called twice";
      end = std::move(e);
    };
  }
};

class DnsClientTest : public ::testing::Test {
 protected:
  loop::EventBase loop_;
  DnsClient client_{loop_};
  std::optional<Result<DnsReply>> reply_;
  int reply_calls_ = 0;
  DnsClient::ReplyCallback on_reply() {
    return [this](Result<DnsReply> r) {
      ++reply_calls_;
      reply_ = std::move(r);
    };
  }
};

TEST_F(DnsClientTest, UdpQueryGetsItsReply) {
  ScriptedUdp udp([](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) { send_to(fd, reply_to(q, 7), from); });
  Pump pump(loop_, {&udp});
  auto call = client_.query(udp.addr, make_query(0x1111), fast(), on_reply());
  EXPECT_EQ(reply_calls_, 0);  // never before the call returns
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ(marker_of((*reply_)->wire), 7);
  EXPECT_EQ((*reply_)->transport, Transport::kUdp);
  EXPECT_EQ((*reply_)->udp_sends, 1);
  EXPECT_FALSE(call.active());
}

TEST_F(DnsClientTest, UdpIgnoresWrongSourceIdQuestionAndQrClear) {
  int other = ::socket(AF_INET, SOCK_DGRAM, 0);
  auto other_addr = testing::loopback(AF_INET);
  ASSERT_EQ(::bind(other, other_addr.sa(), other_addr.len), 0);
  ScriptedUdp udp([&](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    send_to(other, reply_to(q, 1), from);                       // another source port
    auto wrong_id = reply_to(q, 2);
    wrong_id[1] ^= 0xFF;
    send_to(fd, wrong_id, from);
    send_to(fd, reply_to(make_query(static_cast<uint16_t>(q[0] << 8 | q[1]), "example.net"), 3), from);  // other question
    auto qr_clear = q;
    qr_clear[7] = 4;
    send_to(fd, qr_clear, from);
    send_to(fd, std::vector<uint8_t>(q.begin(), q.begin() + 5), from);  // shorter than a header
    send_to(fd, reply_to(q, 5), from);                                  // the real one
  });
  Pump pump(loop_, {&udp});
  // The question is compared case-insensitively.
  auto call = client_.query(udp.addr, make_query(0x2222, "ExAmple.COM"), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ(marker_of((*reply_)->wire), 5);
  EXPECT_EQ((*reply_)->udp_sends, 1);
  ::close(other);
}

TEST_F(DnsClientTest, UdpErrorReplyWithoutQuestionIsAccepted) {
  ScriptedUdp udp([](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    std::vector<uint8_t> r(q.begin(), q.begin() + 12);
    r[2] = 0x80;
    r[3] = dns::kFormErr;
    r[5] = 0;  // QDCOUNT 0
    send_to(fd, r, from);
  });
  Pump pump(loop_, {&udp});
  auto call = client_.query(udp.addr, make_query(3), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok());
  EXPECT_EQ(dns::read_header((*reply_)->wire)->rcode(), dns::kFormErr);
}

TEST_F(DnsClientTest, UdpRetransmitsWithGrowingTimeouts) {
  std::vector<int64_t> arrivals;
  ScriptedUdp udp([&](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    arrivals.push_back(SystemClock::instance().mono_ms());
    if (arrivals.size() == 3) send_to(fd, reply_to(q, 3), from);  // the first two are "lost"
  });
  Pump pump(loop_, {&udp});
  auto call = client_.query(udp.addr, make_query(4), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ((*reply_)->udp_sends, 3);
  ASSERT_EQ(arrivals.size(), 3u);
  // The second wait is 40 ms, not 20 again (a lower bound with slack for when the server polls:
  // a loaded machine makes it later, never earlier).
  EXPECT_GE(arrivals[2] - arrivals[1], 30);
}

TEST_F(DnsClientTest, UdpGivesUpAfterTheLastTry) {
  ScriptedUdp udp([](const std::vector<uint8_t>&, const SocketAddress&, int) {});
  Pump pump(loop_, {&udp});
  auto opt = fast();
  opt.udp_tries = 2;
  auto call = client_.query(udp.addr, make_query(5), opt, on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_FALSE(reply_->ok());
  EXPECT_EQ(reply_->status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(reply_->status().message(), "no reply to 2 UDP queries");
  EXPECT_EQ(udp.received, 2);
}

TEST_F(DnsClientTest, UdpPortUnreachableEndsTheCall) {
  int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  auto a = testing::loopback(AF_INET);
  ASSERT_EQ(::bind(s, a.sa(), a.len), 0);
  a.len = sizeof a.storage;
  ::getsockname(s, a.sa(), &a.len);
  ::close(s);  // nobody listens there now
  auto opt = fast();
  opt.udp_timeout_ms = 1000;
  auto call = client_.query(a, make_query(6), opt, on_reply());
  Pump pump(loop_, {});
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }, 900));
  EXPECT_EQ(reply_->status().code(), Code::kUnavailable);
  EXPECT_EQ(reply_->status().message().rfind("port unreachable", 0), 0u) << reply_->status().message();
}

TEST_F(DnsClientTest, TruncatedUdpReplyIsRetriedOverTcpAtOnce) {
  ScriptedTcp tcp({});
  ASSERT_TRUE(tcp.ok);
  tcp.reply = [](const std::vector<uint8_t>& q) { return std::vector<ScriptedTcp::Step>{ScriptedTcp::send(framed(reply_to(q, 9)))}; };
  ScriptedUdp udp([](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    send_to(fd, reply_to(q, 8, dns::kFlagTc), from);
  }, AF_INET, tcp.addr.port());
  ASSERT_TRUE(udp.ok) << "UDP port " << tcp.addr.port() << " taken";
  Pump pump(loop_, {&udp, &tcp});
  auto call = client_.query(udp.addr, make_query(0x0707), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ(marker_of((*reply_)->wire), 9);
  EXPECT_EQ((*reply_)->transport, Transport::kTcp);
  EXPECT_TRUE((*reply_)->truncated_udp);
  EXPECT_EQ((*reply_)->udp_sends, 1);
  EXPECT_EQ(udp.received, 1);
  EXPECT_EQ(tcp.request, make_query(0x0707));  // the same request, framed
}

TEST_F(DnsClientTest, TcpQueryReadsAReplySplitByteByByte) {
  auto q = make_query(0x0808);
  auto f = framed(reply_to(q, 4));
  std::vector<ScriptedTcp::Step> steps;
  for (uint8_t b : f) {
    steps.push_back(ScriptedTcp::send({b}));
    steps.push_back(ScriptedTcp::wait(1));
  }
  ScriptedTcp tcp(steps);
  Pump pump(loop_, {&tcp});
  auto call = client_.query_tcp(tcp.addr, q, fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ(marker_of((*reply_)->wire), 4);
  EXPECT_EQ((*reply_)->udp_sends, 0);
}

TEST_F(DnsClientTest, TcpReplyThatDoesNotMatchFails) {
  auto q = make_query(0x0909);
  auto r = reply_to(q);
  r[0] ^= 1;
  ScriptedTcp tcp({ScriptedTcp::send(framed(r)), ScriptedTcp::stall()});
  Pump pump(loop_, {&tcp});
  auto call = client_.query_tcp(tcp.addr, q, fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  EXPECT_EQ(reply_->status().code(), Code::kInvalidArgument);
  EXPECT_EQ(reply_->status().message(), "reply over TCP does not match the query: ID 2057, expected 2313");
}

TEST_F(DnsClientTest, StreamDeliversSplitAndCoalescedMessages) {
  auto m1 = blob(300, 1), m2 = blob(12, 2), m3 = blob(5000, 3);
  auto f1 = framed(m1);
  std::vector<uint8_t> two = framed(m2);
  auto f3 = framed(m3);
  two.insert(two.end(), f3.begin(), f3.end());
  ScriptedTcp tcp({ScriptedTcp::send({f1[0]}), ScriptedTcp::wait(5),  // half a length
                   ScriptedTcp::send(std::vector<uint8_t>(f1.begin() + 1, f1.begin() + 100)), ScriptedTcp::wait(5),
                   ScriptedTcp::send(std::vector<uint8_t>(f1.begin() + 100, f1.end())), ScriptedTcp::wait(5),
                   ScriptedTcp::send(two),  // two messages in one write
                   ScriptedTcp::stall()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  rec.done_after = 3;
  auto call = client_.stream(tcp.addr, make_query(1, "example.com", 252), fast(), rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_TRUE(rec.end->status.ok()) << rec.end->status.to_string();
  ASSERT_EQ(rec.messages.size(), 3u);
  EXPECT_EQ(rec.messages[0], m1);
  EXPECT_EQ(rec.messages[1], m2);
  EXPECT_EQ(rec.messages[2], m3);
  EXPECT_EQ(rec.end->messages, 3u);
  EXPECT_EQ(rec.end->bytes, f1.size() + two.size());
  EXPECT_FALSE(rec.end->closed_by_peer);
  EXPECT_EQ(tcp.request, make_query(1, "example.com", 252));
}

TEST_F(DnsClientTest, StreamEndingBeforeDoneIsAnError) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::send(framed(blob(20, 2))), ScriptedTcp::close()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto call = client_.stream(tcp.addr, make_query(1), fast(), rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.code(), Code::kUnavailable);
  EXPECT_EQ(rec.end->status.message(), "connection closed by the server after 2 messages");
  EXPECT_TRUE(rec.end->closed_by_peer);
  EXPECT_EQ(rec.end->messages, 2u);
}

TEST_F(DnsClientTest, StreamClosedInTheMiddleOfAMessage) {
  auto f = framed(blob(100, 1));
  ScriptedTcp tcp({ScriptedTcp::send(std::vector<uint8_t>(f.begin(), f.begin() + 50)), ScriptedTcp::close()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto call = client_.stream(tcp.addr, make_query(1), fast(), rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.message(), "connection closed by the server after 0 messages in the middle of a message");
  EXPECT_TRUE(rec.end->closed_by_peer);
}

TEST_F(DnsClientTest, StreamResetIsAnError) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::wait(20), ScriptedTcp::reset()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto call = client_.stream(tcp.addr, make_query(1), fast(), rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.code(), Code::kUnavailable);
  EXPECT_EQ(rec.end->status.message(), "connection reset by the server after 1 messages");
  EXPECT_FALSE(rec.end->closed_by_peer);
}

TEST_F(DnsClientTest, StreamLengthShorterThanAHeaderIsAnError) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::send({0, 5, 1, 2, 3, 4, 5}), ScriptedTcp::stall()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto call = client_.stream(tcp.addr, make_query(1), fast(), rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.code(), Code::kInvalidArgument);
  EXPECT_EQ(rec.end->status.message(), "message length 5 is shorter than a DNS header");
  EXPECT_EQ(rec.messages.size(), 1u);
}

TEST_F(DnsClientTest, StreamMessageAndTotalSizeCaps) {
  {
    ScriptedTcp tcp({ScriptedTcp::send(framed(blob(101, 1))), ScriptedTcp::stall()});
    Pump pump(loop_, {&tcp});
    StreamRecorder rec;
    auto opt = fast();
    opt.max_message_size = 100;
    auto call = client_.stream(tcp.addr, make_query(1), opt, rec.on_message(), rec.on_end());
    ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
    EXPECT_EQ(rec.end->status.code(), Code::kResourceExhausted);
    EXPECT_EQ(rec.end->status.message(), "message of 101 octets exceeds the limit of 100");
    EXPECT_TRUE(rec.messages.empty());
  }
  {
    std::vector<ScriptedTcp::Step> steps;
    for (int i = 0; i < 10; ++i) steps.push_back(ScriptedTcp::send(framed(blob(98, 1))));
    steps.push_back(ScriptedTcp::stall());
    ScriptedTcp tcp(steps);
    Pump pump(loop_, {&tcp});
    StreamRecorder rec;
    auto opt = fast();
    opt.max_stream_bytes = 500;  // five messages of 100 octets framed
    auto call = client_.stream(tcp.addr, make_query(1), opt, rec.on_message(), rec.on_end());
    ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
    EXPECT_EQ(rec.end->status.code(), Code::kResourceExhausted);
    EXPECT_EQ(rec.end->status.message(), "more than 500 octets received");
    EXPECT_LE(rec.messages.size(), 5u);
  }
}

TEST_F(DnsClientTest, StreamConsumerAbortEndsWithItsStatus) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::send(framed(blob(20, 2))), ScriptedTcp::stall()});
  Pump pump(loop_, {&tcp});
  int seen = 0;
  std::optional<StreamEnd> end;
  auto call = client_.stream(
      tcp.addr, make_query(1), fast(),
      [&](std::span<const uint8_t>) { return ++seen == 1 ? StreamStep::abort(Status::aborted("message 1: no")) : StreamStep::more(); },
      [&](StreamEnd e) { end = std::move(e); });
  ASSERT_TRUE(pump.until([&] { return end.has_value(); }));
  EXPECT_EQ(end->status, Status::aborted("message 1: no"));
  pump.for_ms(20);
  EXPECT_EQ(seen, 1);  // nothing after the abort
}

TEST_F(DnsClientTest, IdleTimeout) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::stall()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto opt = fast();
  opt.idle_timeout_ms = 50;
  auto call = client_.stream(tcp.addr, make_query(1), opt, rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.code(), Code::kDeadlineExceeded);
  EXPECT_EQ(rec.end->status.message(), "idle for 50 ms after 1 messages");
}

TEST_F(DnsClientTest, TotalTimeoutDespiteSteadyTrickle) {
  std::vector<ScriptedTcp::Step> steps;
  for (int i = 0; i < 100; ++i) {
    steps.push_back(ScriptedTcp::send(framed(blob(20, 1))));
    steps.push_back(ScriptedTcp::wait(10));
  }
  ScriptedTcp tcp(steps);
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto opt = fast();
  opt.idle_timeout_ms = 80;
  opt.total_timeout_ms = 120;
  auto call = client_.stream(tcp.addr, make_query(1), opt, rec.on_message(), rec.on_end());
  ASSERT_TRUE(pump.until([&] { return rec.end.has_value(); }));
  EXPECT_EQ(rec.end->status.code(), Code::kDeadlineExceeded);
  EXPECT_EQ(rec.end->status.message().rfind("not finished within 120 ms (", 0), 0u) << rec.end->status.message();
  EXPECT_GE(rec.messages.size(), 2u);  // the idle timer alone would never have fired
}

TEST_F(DnsClientTest, ConnectRefused) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = testing::loopback(AF_INET);
  ASSERT_EQ(::bind(s, a.sa(), a.len), 0);
  a.len = sizeof a.storage;
  ::getsockname(s, a.sa(), &a.len);
  ::close(s);
  Pump pump(loop_, {});
  auto call = client_.query_tcp(a, make_query(1), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  EXPECT_EQ(reply_->status(), Status::unavailable("connect: Connection refused"));
}

TEST_F(DnsClientTest, ConnectTimeout) {
  // A listener whose accept queue is full and never drained: further SYNs are dropped, so a
  // connect neither succeeds nor fails.
  int l = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = testing::loopback(AF_INET);
  ASSERT_EQ(::bind(l, a.sa(), a.len), 0);
  ASSERT_EQ(::listen(l, 0), 0);
  a.len = sizeof a.storage;
  ::getsockname(l, a.sa(), &a.len);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(c, a.sa(), a.len);
    fillers.push_back(c);
  }
  usleep(20'000);
  Pump pump(loop_, {});
  auto opt = fast();
  opt.connect_timeout_ms = 60;
  auto call = client_.query_tcp(a, make_query(1), opt, on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  EXPECT_EQ(reply_->status(), Status::deadline_exceeded("connect timed out after 60 ms"));
  for (int c : fillers) ::close(c);
  ::close(l);
}

TEST_F(DnsClientTest, CancelledCallNeverCallsBack) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::close()});
  Pump pump(loop_, {&tcp});
  StreamRecorder rec;
  auto call = client_.stream(tcp.addr, make_query(1), fast(), rec.on_message(), rec.on_end());
  EXPECT_TRUE(call.active());
  call.cancel();
  EXPECT_FALSE(call.active());
  pump.for_ms(50);
  EXPECT_TRUE(rec.messages.empty());
  EXPECT_FALSE(rec.end.has_value());
  // Dropping the handle cancels too, even for a call that fails at once.
  {
    auto dropped = client_.query(tcp.addr, {1, 2, 3}, fast(), on_reply());
  }
  pump.for_ms(20);
  EXPECT_EQ(reply_calls_, 0);
}

TEST_F(DnsClientTest, CallbackMayDestroyItsOwnCall) {
  ScriptedTcp tcp({ScriptedTcp::send(framed(blob(20, 1))), ScriptedTcp::send(framed(blob(20, 2))), ScriptedTcp::close()});
  Pump pump(loop_, {&tcp});
  auto call = std::make_unique<DnsCall>();
  int seen = 0;
  bool ended = false;
  *call = client_.stream(
      tcp.addr, make_query(1), fast(),
      [&](std::span<const uint8_t>) {
        ++seen;
        call.reset();  // destroyed inside its own callback
        return StreamStep::more();
      },
      [&](StreamEnd) { ended = true; });
  pump.for_ms(50);
  EXPECT_EQ(seen, 1);
  EXPECT_FALSE(ended);
}

TEST_F(DnsClientTest, BadRequestFailsLaterNotInsideTheCall) {
  auto call = client_.query(testing::loopback(AF_INET, 53), {1, 2, 3}, fast(), on_reply());
  EXPECT_EQ(reply_calls_, 0);
  Pump pump(loop_, {});
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  EXPECT_EQ(reply_->status(), Status::invalid_argument("request of 3 octets"));
}

TEST_F(DnsClientTest, SourceAddressIsUsedForTcpAndUdp) {
  auto src = parse_listen_address("127.0.0.2:0");
  ScriptedTcp tcp({});
  tcp.reply = [](const std::vector<uint8_t>& q) { return std::vector<ScriptedTcp::Step>{ScriptedTcp::send(framed(reply_to(q)))}; };
  SocketAddress udp_from;
  ScriptedUdp udp([&](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    udp_from = from;
    send_to(fd, reply_to(q), from);
  });
  Pump pump(loop_, {&tcp, &udp});
  auto opt = fast();
  opt.source = *src;
  auto call = client_.query_tcp(tcp.addr, make_query(1), opt, on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_TRUE(same_host(tcp.peer, *src)) << tcp.peer.to_string();
  reply_.reset();
  call = client_.query(udp.addr, make_query(2), opt, on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_TRUE(same_host(udp_from, *src)) << udp_from.to_string();
  // A source of the other family cannot work.
  reply_.reset();
  opt.source = *parse_listen_address("[::1]:0");
  call = client_.query(udp.addr, make_query(3), opt, on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  EXPECT_EQ(reply_->status().code(), Code::kInvalidArgument);
}

TEST_F(DnsClientTest, Ipv6UdpAndTcp) {
  ScriptedTcp tcp({}, AF_INET6);
  if (!tcp.ok) GTEST_SKIP() << "no IPv6 loopback";
  tcp.reply = [](const std::vector<uint8_t>& q) { return std::vector<ScriptedTcp::Step>{ScriptedTcp::send(framed(reply_to(q, 6)))}; };
  ScriptedUdp udp([](const std::vector<uint8_t>& q, const SocketAddress& from, int fd) {
    send_to(fd, reply_to(q, 5, dns::kFlagTc), from);
  }, AF_INET6, tcp.addr.port());
  ASSERT_TRUE(udp.ok);
  Pump pump(loop_, {&tcp, &udp});
  auto call = client_.query(udp.addr, make_query(1), fast(), on_reply());
  ASSERT_TRUE(pump.until([&] { return reply_.has_value(); }));
  ASSERT_TRUE(reply_->ok()) << reply_->status().to_string();
  EXPECT_EQ(marker_of((*reply_)->wire), 6);
  EXPECT_EQ((*reply_)->transport, Transport::kTcp);
}

}  // namespace
}  // namespace r53d::net
