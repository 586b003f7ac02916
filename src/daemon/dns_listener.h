// UDP and TCP DNS listeners for one address, feeding complete messages to a dispatch function
// whose replies may come later (UPDATEs wait for their commit).
//
// A small stand-in for the net/ module (framing, limits and connection states live there once it
// lands); the daemon only depends on the Dispatch signature below.
//
//   auto l = daemon::DnsListener::open(loop, addr, {.tcp_timeout_ms = 10000}, dispatch);
//   if (!l.ok()) ...;                 // kUnavailable: "127.0.0.1:53: bind: Address in use"
//   (*l)->pause();                    // shutdown: read no new requests, still send replies
//
// UDP: up to 64 datagrams per readiness event; replies go to the datagram's source. TCP: 2-octet
// length framing (RFC 1035 §4.2.2), pipelined requests, replies in completion order, an idle
// timeout (not counted while replies are pending), at most max_tcp_clients connections (more are
// closed at once).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "config/config.h"
#include "daemon/handler.h"
#include "loop/event_base.h"
#include "loop/io_event.h"

namespace r53d::daemon {

struct ListenerOptions {
  int64_t tcp_timeout_ms = 10000;
  int max_tcp_clients = 100;
};

class DnsListener {
 public:
  using Dispatch = std::function<void(std::span<const uint8_t> wire, const Client& client, Handler::Respond respond)>;

  // Binds UDP and TCP on addr. Errors: kUnavailable naming the address and the system error.
  static Result<std::unique_ptr<DnsListener>> open(loop::EventBase& loop, const config::ListenAddr& addr,
                                                   ListenerOptions options, Dispatch dispatch);
  ~DnsListener();
  DnsListener(const DnsListener&) = delete;
  DnsListener& operator=(const DnsListener&) = delete;

  // Stops reading requests (UDP) and accepting connections (TCP); replies still go out.
  void pause();
  // The bound port (useful when binding port 0).
  uint16_t port() const { return port_; }

 private:
  struct TcpConn;
  DnsListener(loop::EventBase& loop, ListenerOptions options, Dispatch dispatch);
  void on_udp_readable();
  void on_accept();
  void on_conn_io(uint64_t id, short what);
  void conn_send(uint64_t id, const std::vector<uint8_t>& reply);
  void close_conn(uint64_t id);

  loop::EventBase& loop_;
  ListenerOptions options_;
  Dispatch dispatch_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  uint16_t port_ = 0;
  std::unique_ptr<loop::IoEvent> udp_io_;
  std::unique_ptr<loop::IoEvent> accept_io_;
  std::map<uint64_t, std::unique_ptr<TcpConn>> conns_;
  uint64_t next_conn_ = 1;
  bool paused_ = false;
  std::shared_ptr<bool> alive_;
};

}  // namespace r53d::daemon
