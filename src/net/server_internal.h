// Internal to src/net: the classes behind net::Server (server.h), shared by server.cc (the
// listeners, UDP, accepting, Responder) and tcp_conn.cc (one TCP connection: framing, pipelining,
// idle timeout, writing back). Nothing outside src/net includes this.
#pragma once

#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <unordered_map>

#include "dns/wire.h"
#include "loop/io_event.h"
#include "loop/timer.h"
#include "net/server.h"
#include "util/log.h"

namespace r53d::net::detail {

inline constexpr size_t kUdpBatch = 64;       // datagrams read per callback before yielding to other events
inline constexpr size_t kTcpReadChunk = 16 * 1024;
inline constexpr int kLogLinesPerSecond = 5;  // per kind of drop

inline std::string errno_text(int e) { return std::strerror(e); }

// At most kLogLinesPerSecond lines per second; the next allowed line tells how many were skipped.
class RateLimitedLog {
 public:
  void warn(int64_t now_ms, const std::string& line) {
    if (now_ms - window_start_ms_ >= 1000) {
      window_start_ms_ = now_ms;
      lines_ = 0;
    }
    if (lines_ >= kLogLinesPerSecond) {
      ++suppressed_;
      return;
    }
    ++lines_;
    if (suppressed_) {
      log::warning("%s (%llu similar lines suppressed)", line.c_str(), static_cast<unsigned long long>(suppressed_));
      suppressed_ = 0;
    } else {
      log::warning("%s", line.c_str());
    }
  }

 private:
  int64_t window_start_ms_ = -1'000'000;
  int lines_ = 0;
  uint64_t suppressed_ = 0;
};

class Core;

class TcpConn {
 public:
  TcpConn(Core& core, uint64_t id, int fd, const SocketAddress& client, const SocketAddress& local);
  ~TcpConn();
  TcpConn(const TcpConn&) = delete;
  TcpConn& operator=(const TcpConn&) = delete;

  void start();
  void parse_messages();
  // Queues one framed reply and writes what the socket takes now.
  void send(const std::vector<uint8_t>& wire);
  void request_done();      // one pipelined request answered or dropped
  void stop_reading();      // shutdown
  // Closes the socket now; the object is freed at the end of the loop turn.
  void close(const char* why);
  bool closed() const { return fd_ < 0; }
  uint64_t id() const { return id_; }

 private:
  void on_readable();
  void on_writable();
  void on_idle();
  void update_reading();
  void arm_idle();
  void maybe_finish();

  Core& core_;
  uint64_t id_;
  int fd_;
  SocketAddress client_, local_;
  std::unique_ptr<loop::IoEvent> read_io_, write_io_;
  std::unique_ptr<loop::Timer> idle_;
  std::vector<uint8_t> in_;  // received, not yet parsed
  std::deque<std::vector<uint8_t>> out_;
  size_t out_offset_ = 0;    // sent octets of out_.front()
  size_t unsent_ = 0;        // octets in out_ not yet sent
  size_t pending_ = 0;       // requests handed to the handler, not yet answered
  bool read_eof_ = false;    // client half-closed (or we stopped reading for shutdown)
  bool stopped_ = false;
  bool parsing_ = false;     // inside parse_messages()
};

class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(loop::EventBase& loop, ServerOptions opt, Handler& handler)
      : loop_(loop), opt_(std::move(opt)), handler_(handler),
        resume_timer_(loop, [this] { on_resume_accept(); }) {}
  ~Core();

  Status open();
  std::vector<SocketAddress> addresses() const;
  void stop_accepting();
  std::vector<std::string> unread_requests();
  size_t outstanding() const { return outstanding_; }
  ServerStats stats() const {
    ServerStats s = stats_;
    s.tcp_open = conns_.size();
    s.outstanding = outstanding_;
    return s;
  }

  // From Responder.
  void release(Transport t, size_t socket_index, uint64_t conn_id, const SocketAddress& client,
               const SocketAddress& local, const std::vector<uint8_t>* wire);

  // From TcpConn.
  void dispatch_tcp(TcpConn& c, std::vector<uint8_t> wire, const SocketAddress& client, const SocketAddress& local);
  void conn_closed(TcpConn& c);
  // Runs c.parse_messages() after the current callback, if the connection still exists.
  void schedule_parse(uint64_t conn_id);
  void garbage(Transport t, const SocketAddress& client, const char* why);
  loop::EventBase& loop() { return loop_; }
  const ServerOptions& options() const { return opt_; }
  ServerStats& counters() { return stats_; }

 private:
  struct Socket {
    int fd = -1;
    SocketAddress addr;
    std::unique_ptr<loop::IoEvent> io;
    bool pktinfo = false;  // UDP on a wildcard address: destination read and source set per datagram
  };

  Status bind_one(const SocketAddress& want, Socket& udp, Socket& tcp);
  void on_udp_readable(size_t index);
  // Sends one UDP reply from socket s (from `local` when s is a wildcard socket). Returns sendto's result.
  ssize_t send_udp(const Socket& s, const SocketAddress& client, const SocketAddress& local,
                   const std::vector<uint8_t>& wire);
  void on_accept(size_t index);
  void on_resume_accept();
  void update_accepting();

  loop::EventBase& loop_;
  ServerOptions opt_;
  Handler& handler_;
  std::vector<Socket> udp_, tcp_;
  std::unordered_map<uint64_t, std::unique_ptr<TcpConn>> conns_;
  uint64_t next_conn_id_ = 1;
  bool accepting_ = true;        // false after stop_accepting()
  bool accept_suspended_ = false;  // fd exhaustion: waiting for resume_timer_
  bool listeners_enabled_ = false;
  loop::Timer resume_timer_;
  size_t outstanding_ = 0;
  size_t udp_outstanding_ = 0;
  ServerStats stats_;
  RateLimitedLog drop_log_, garbage_log_, accept_log_;
  std::vector<uint8_t> udp_buf_ = std::vector<uint8_t>(65536);
};

}  // namespace r53d::net::detail
