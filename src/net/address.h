// Socket addresses for the DNS listeners: parsing "ADDR:PORT" / "[V6]:PORT" and printing.
//
//   auto a = net::parse_listen_address("[::1]:5353");   // Result<SocketAddress>
//   a->to_string();                                      // "[::1]:5353"
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace r53d::net {

// What carried a DNS message (listeners, outgoing queries).
enum class Transport { kUdp, kTcp };

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t len = 0;

  int family() const { return storage.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* sa() { return reinterpret_cast<sockaddr*>(&storage); }
  // "192.0.2.1:53" / "[2001:db8::1]:53".
  std::string to_string() const;
  // BIND's log style for clients: "192.0.2.1#5353" / "2001:db8::1#5353".
  std::string client_string() const;
  // True for the wildcard 0.0.0.0 / :: (any port).
  bool is_any() const;
};

// Same family, address and port (and IPv6 scope); the comparison a DNS client makes between a
// reply's source and the server it asked (RFC 5452 §9.1).
bool same_endpoint(const SocketAddress& a, const SocketAddress& b);
// Same family and address, any port (how NOTIFY senders and transfer limits are keyed).
bool same_host(const SocketAddress& a, const SocketAddress& b);

// Parses "127.0.0.1:53", "0.0.0.0:53", "[::1]:53", "[::]:5353" (numeric addresses only; port
// 0..65535, 0 = any free port). Errors: kInvalidArgument with the reason.
Result<SocketAddress> parse_listen_address(std::string_view text);

}  // namespace r53d::net
