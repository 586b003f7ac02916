// DNS listeners: UDP and TCP on every configured address, with the limits that keep a flood or a
// slow client from hurting the daemon, and a Responder that may answer seconds later.
//
// The server knows nothing about opcodes or zones: it hands each complete message to a Handler
// together with a Responder. The Responder may be used inside handle() or long after (an UPDATE
// is answered when Route 53 accepted its batch); it is a safe no-op if the TCP connection closed
// or the Server was destroyed meanwhile (it holds a weak handle and a connection id, never a
// pointer to the connection).
//
// Usage (the daemon's wiring; see dns/request.h for check_request/finish_reply):
//   class Gateway : public net::Handler {
//     void handle(net::Request req, net::Responder responder) override {
//       auto rc = dns::check_request(req.wire, ring_, clock_, req.transport == net::Transport::kTcp);
//       if (rc.action == dns::RequestAction::kDrop) return;        // responder dropped: no reply
//       if (rc.action == dns::RequestAction::kReply) { responder.respond(rc.error_reply); return; }
//       commit_.submit(..., [rc, r = std::move(responder)](...) mutable {   // later, on the loop
//         auto wire = dns::finish_reply(build_reply(...), rc, clock);
//         if (wire.ok()) r.respond(*wire);
//       });
//     }
//   };
//   net::ServerOptions opt;
//   opt.listen = {"127.0.0.1:53", "[::1]:53"};
//   auto server = net::Server::create(loop, opt, gateway);   // Result<std::unique_ptr<Server>>
//   ...
//   server->stop_accepting();           // shutdown: no new requests, answers still go out
//   while (server->outstanding() > 0) loop.run_once();
//
// Limits (ServerOptions): concurrent TCP connections (accepting pauses at the cap and resumes when
// one closes; fd exhaustion pauses accepting for accept_retry_ms, as PgBouncer does), TCP message
// size, pipelined requests per connection (reading pauses at the cap), unsent reply bytes per
// connection, TCP idle time, and outstanding UDP requests (more are dropped, logged at most a few
// lines per second). UDP replies are sent as given: the handler truncates them (finish_reply).
//
// Wildcard listeners (0.0.0.0:PORT, [::]:PORT): a UDP reply leaves from the address the query was
// sent to, as BIND, NSD, Knot and Unbound do (IP_PKTINFO / IPV6_RECVPKTINFO on receive, the same
// address as IP_PKTINFO ipi_spec_dst / IPV6_PKTINFO ipi6_addr on send); otherwise the kernel picks
// the source by route (a query to 127.0.0.2 would be answered from 127.0.0.1) and the client drops
// the reply. The interface index is passed only for IPv6 link-local addresses, which need it;
// elsewhere it is left 0 so that the routing tables choose the way out (Knot, Unbound). [::] is
// IPV6_V6ONLY, so 0.0.0.0 and [::] may both be listed on one port. Sockets bound to one address
// use recvfrom-style receive and sendto as before (the kernel already answers from that address).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_base.h"
#include "net/address.h"
#include "util/status.h"

namespace r53d::net {

struct ServerOptions {
  std::vector<std::string> listen;           // "ADDR:PORT", UDP and TCP on each; port 0 = any free port
  size_t max_tcp_connections = 512;          // open TCP connections; accepting pauses at the cap
  int64_t tcp_idle_timeout_ms = 10'000;      // close a connection with no complete message, no reply
                                             // written and nothing pending for this long
  size_t max_tcp_message = 65535;            // octets; a larger length prefix closes the connection
  size_t max_tcp_pipelined = 32;             // requests awaiting replies per connection; reading pauses
  size_t max_tcp_unsent = 256 * 1024;        // reply octets the client has not read; beyond: close
  size_t max_udp_outstanding = 4096;         // UDP requests awaiting replies; more are dropped
  int64_t accept_retry_ms = 1000;            // pause after EMFILE/ENFILE/ENOBUFS/ENOMEM on accept
  int listen_backlog = 128;
  // UDP socket receive and send buffers, octets. A burst of UPDATEs (dnsperf, 50 clients) arrives
  // faster than one loop turn drains it; the kernel default (~200 KB) dropped 15% of a
  // 10,000-update burst. Set with SO_RCVBUFFORCE when allowed (root, before the privilege drop),
  // else SO_RCVBUF (capped by net.core.rmem_max). 0 keeps the kernel default.
  int udp_buffer_bytes = 4 << 20;
};

// One complete DNS message as received.
struct Request {
  std::vector<uint8_t> wire;     // exact bytes (TCP: without the 2-octet length); >= 12 octets, QR clear
  SocketAddress client;          // where the message came from (UDP replies go back there)
  SocketAddress local;           // the address it arrived on: the listening address, or for a
                                 // wildcard UDP listener the query's destination (IP_PKTINFO)
                                 // with the listener's port
  Transport transport = Transport::kUdp;
  uint64_t connection_id = 0;    // TCP: unique per connection (retransmission keys, logs); UDP: 0
};

namespace detail {
class Core;
}

// The right to answer one Request, exactly once. Move-only. Destroying it (or drop()) without
// respond() sends nothing and frees the request's slot (outstanding UDP / pipelined TCP).
class Responder {
 public:
  Responder() = default;
  Responder(Responder&& o) noexcept;
  Responder& operator=(Responder&& o) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // Sends `wire` (a complete DNS message; TCP framing is added here). Later calls are ignored.
  // No-op (logged at debug level) if the connection closed or the Server is gone. Never calls
  // back into the Handler (pipelined messages waiting behind this one are dispatched after the
  // current callback returns).
  void respond(const std::vector<uint8_t>& wire);
  // Gives up the request without a reply.
  void drop();
  // True until respond() or drop().
  bool active() const { return active_; }

 private:
  friend class detail::Core;
  Responder(std::weak_ptr<detail::Core> core, Transport t, size_t socket_index, uint64_t conn_id,
            const SocketAddress& client, const SocketAddress& local);
  void release(const std::vector<uint8_t>* wire);

  std::weak_ptr<detail::Core> core_;
  Transport transport_ = Transport::kUdp;
  size_t socket_index_ = 0;  // UDP: which socket to send from
  uint64_t conn_id_ = 0;     // TCP
  SocketAddress client_;
  SocketAddress local_;      // UDP: the address to answer from (see Request::local)
  bool active_ = false;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Called on the loop for every message of at least 12 octets with QR clear (shorter ones and
  // responses are dropped by the server with a rate-limited log line). May respond before it
  // returns or keep the Responder. Must not throw.
  virtual void handle(Request request, Responder responder) = 0;
};

// Counters for logs and the status endpoint.
struct ServerStats {
  uint64_t udp_received = 0, udp_dropped_limit = 0, udp_dropped_garbage = 0, udp_sent = 0, udp_send_errors = 0;
  uint64_t tcp_accepted = 0, tcp_messages = 0, tcp_closed_idle = 0, tcp_closed_oversize = 0,
           tcp_closed_unsent = 0, tcp_dropped_garbage = 0, tcp_accept_paused = 0;
  uint64_t replies_after_close = 0;  // Responder used after its connection had closed
  size_t tcp_open = 0;               // currently open connections
  size_t outstanding = 0;            // requests handed to the Handler and not yet answered/dropped
};

// Owned by the daemon; must not be destroyed from inside Handler::handle().
class Server {
 public:
  // Binds UDP and TCP on every address (SO_REUSEADDR, IPV6_V6ONLY for IPv6, non-blocking; on a
  // wildcard UDP socket IP_PKTINFO / IPV6_RECVPKTINFO) and starts serving. With port 0, UDP gets a free port and TCP the same one. The loop and handler
  // must outlive the Server. Errors: kInvalidArgument (bad address), kUnavailable (socket/bind/
  // listen failed: "127.0.0.1:53 (tcp): bind: Address already in use").
  static Result<std::unique_ptr<Server>> create(loop::EventBase& loop, ServerOptions options, Handler& handler);
  ~Server();  // closes every socket and connection; outstanding Responders become no-ops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The addresses actually bound (port 0 resolved), in the order of options.listen.
  std::vector<SocketAddress> addresses() const;
  // Shutdown step: stop reading UDP, close TCP listeners, stop reading from connections. Replies
  // to outstanding requests are still sent.
  void stop_accepting();
  // After stop_accepting(): reads (and drops) the UDP requests still queued in the sockets, which
  // will never be answered, and describes each ("client 192.0.2.1#5300 id 4711 opcode UPDATE")
  // so that the daemon can log who got no answer. TCP connections are not read.
  std::vector<std::string> unread_requests();
  // Requests handed to the Handler and not yet answered or dropped.
  size_t outstanding() const;
  ServerStats stats() const;

 private:
  explicit Server(std::shared_ptr<detail::Core> core) : core_(std::move(core)) {}
  // Shared only so Responders can hold a weak_ptr and find out that the server is gone.
  std::shared_ptr<detail::Core> core_;
};

}  // namespace r53d::net
