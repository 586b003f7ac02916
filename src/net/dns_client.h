// Outgoing DNS on the event loop: one query over UDP (retransmitted, TCP on TC) or TCP, and one
// request over TCP whose reply is a stream of messages (AXFR/IXFR). Owns its sockets, has
// timeouts and size caps, and can be cancelled. Knows nothing about what the messages mean.
//
//   net::DnsClient client(loop);
//   net::DnsCall call = client.query(primary, std::move(soa_query), opt, [&](Result<net::DnsReply> r) {
//     if (!r.ok()) { log r.status(); return; }   // timeouts, refused, reset, bad framing...
//     use(r->wire);                              // same ID and question as the query, from `primary`
//   });
//   net::DnsCall xfr = client.stream(primary, std::move(axfr_query), opt,
//       [&](std::span<const uint8_t> msg) { return reader.add(msg) ? StreamStep::more() : ...; },
//       [&](net::StreamEnd end) { ... end.status ... });
//   xfr.cancel();  // or let `xfr` go out of scope: the socket closes, no callback follows
//
// Promises (as net::Responder and commit::ZoneBackend): every callback runs on the loop, never
// before the call returns; the completion callback runs exactly once unless the DnsCall was
// cancelled or destroyed first, and nothing is called after that. A callback may destroy or
// cancel its own DnsCall (the call's memory is freed at the end of the loop turn).
//
// query(): the request goes over UDP from a connected socket; a datagram counts as the reply only
// if it comes from the server's address and port, is at least a header long, has QR set, the
// request's ID and the request's question (names compared case-insensitively; an error reply may
// omit the question). Anything else is ignored, not fatal (RFC 5452 §9.1). Without a reply the
// request is sent again, `udp_tries` times in all, each try waiting twice as long as the one
// before. A reply with TC set is retried over TCP at once. An ICMP port unreachable ends the call
// (kUnavailable). query_tcp() skips UDP.
//
// TCP (query_tcp, TC fallback, stream): non-blocking connect (from `source` when given), the
// request written with its 2-octet length (RFC 1035 §4.2.2), replies parsed however the octets
// arrive (split anywhere, several per read). A length below 12 or above max_message_size ends
// the call. Over TCP a reply that does not match the query is an error, not ignored.
//
// Errors: kDeadlineExceeded (connect, idle or total timeout; no UDP reply after every try),
// kUnavailable (refused, reset, closed by the server before the end), kResourceExhausted (size
// caps), kInvalidArgument (bad request, bad framing, a TCP reply that does not match), kInternal
// (socket() failed). Messages are short phrases without the server's address ("connect:
// Connection refused", "idle for 2000 ms after 3 messages"): the caller names the server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "loop/event_base.h"
#include "net/address.h"
#include "util/status.h"

namespace r53d::net {

struct DnsCallOptions {
  std::optional<SocketAddress> source;  // local address to send from (port 0: any); none: the kernel's choice
  int udp_tries = 3;                    // UDP sends in all (>= 1)
  int64_t udp_timeout_ms = 1000;        // wait after the first UDP send; doubles with each try
  int64_t connect_timeout_ms = 5000;    // TCP connect
  int64_t idle_timeout_ms = 10'000;     // TCP: no octet received for this long (after connect)
  int64_t total_timeout_ms = 30'000;    // the whole call: tries, TC fallback, every message
  size_t max_message_size = 65535;      // TCP: a longer length prefix ends the call
  size_t max_stream_bytes = 512u << 20; // TCP: octets received in all (framing included)
};

// The reply to query()/query_tcp().
struct DnsReply {
  std::vector<uint8_t> wire;          // exact bytes (without the TCP length)
  Transport transport = Transport::kUdp;  // what carried it (kTcp after a TC fallback)
  int udp_sends = 0;                  // UDP datagrams sent (0 for query_tcp)
  bool truncated_udp = false;         // a UDP reply with TC set came first
};

// What a stream() consumer says after each message.
struct StreamStep {
  enum class Action { kMore, kDone, kAbort };
  Action action = Action::kMore;
  Status error;  // kAbort: why (becomes StreamEnd::status)

  static StreamStep more() { return {}; }
  static StreamStep done() { return {Action::kDone, {}}; }
  static StreamStep abort(Status why) { return {Action::kAbort, std::move(why)}; }
};

// How a stream() ended.
struct StreamEnd {
  Status status;                // OK when the consumer said done; else why it ended
  bool closed_by_peer = false;  // the server closed (EOF) before the consumer said done
  size_t messages = 0;          // messages delivered to the consumer
  size_t bytes = 0;             // octets received (length prefixes included)
};

namespace detail {
class Call;
}

// One outstanding call. Move-only; destroying it (or cancel()) closes its socket and guarantees
// that none of its callbacks runs afterwards. A default-constructed DnsCall is inactive.
class DnsCall {
 public:
  DnsCall() noexcept;
  DnsCall(DnsCall&&) noexcept;
  DnsCall& operator=(DnsCall&&) noexcept;
  DnsCall(const DnsCall&) = delete;
  DnsCall& operator=(const DnsCall&) = delete;
  ~DnsCall();

  void cancel();
  // True until the completion callback has run or the call was cancelled.
  bool active() const;

 private:
  friend class DnsClient;
  explicit DnsCall(std::unique_ptr<detail::Call> call);
  std::unique_ptr<detail::Call> call_;
};

class DnsClient {
 public:
  using ReplyCallback = std::function<void(Result<DnsReply>)>;
  // Called for each message of a stream with its exact bytes (valid during the call only).
  using MessageCallback = std::function<StreamStep(std::span<const uint8_t> message)>;
  using EndCallback = std::function<void(StreamEnd)>;

  // The loop must outlive the client and every DnsCall.
  explicit DnsClient(loop::EventBase& loop) : loop_(loop) {}

  // One query (`request`: a complete DNS message of 12..65535 octets, QR clear), UDP first.
  DnsCall query(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                ReplyCallback done);
  // The same over TCP only.
  DnsCall query_tcp(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                    ReplyCallback done);
  // One request over TCP; each reply message goes to on_message until it returns done() or
  // abort(), then `done` gets the StreamEnd (exactly once). Octets after the message the consumer
  // called done() are ignored; the connection is closed.
  DnsCall stream(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                 MessageCallback on_message, EndCallback done);

 private:
  loop::EventBase& loop_;
};

}  // namespace r53d::net
