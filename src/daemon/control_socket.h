// The local control channel of a running route53d (`[server] control-socket`, on by default at
// /run/route53d/route53d.sock), as rndc, knotc and nsd-control have: a Unix stream socket whose
// file permissions say who may use it. One command line per connection, one reply, then the
// daemon closes the connection.
//
//   Commands: "status" (the table of route53d --status), "status json" (what GET /status
//   serves), "reload" (re-read the configuration; the first reply line is "reload: taken" or
//   "reload: refused", the reasons follow).
//
//   auto cs = daemon::ControlSocket::open(loop, "/run/route53d/route53d.sock",
//                                         [&](const std::string& cmd) { return answer(cmd); });
//   // client side (route53d --status / --reload), blocking with a time limit:
//   auto reply = daemon::control_request("/run/route53d/route53d.sock", "status", 10000);
//
// The socket file is made mode 0660 (owner and group); a missing parent directory is made 0750.
// A socket file left by a route53d that died is replaced; one a live process answers on is not
// (open() fails with kAlreadyExists). The daemon removes the file when it stops.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "loop/event_base.h"
#include "loop/io_event.h"
#include "util/status.h"

namespace r53d::daemon {

class ControlSocket {
 public:
  using Handler = std::function<std::string(const std::string& command)>;

  // Errors: kAlreadyExists (another process answers on path), kUnavailable (socket, bind).
  static Result<std::unique_ptr<ControlSocket>> open(loop::EventBase& loop, const std::string& path, Handler handler);
  ~ControlSocket();  // closes every connection and removes the socket file
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  const std::string& path() const { return path_; }

 private:
  struct Conn {
    int fd = -1;
    std::string in, out;
    size_t sent = 0;
    std::unique_ptr<loop::IoEvent> io;
  };
  ControlSocket(loop::EventBase& loop, std::string path, Handler handler)
      : loop_(loop), path_(std::move(path)), handler_(std::move(handler)) {}
  void on_accept();
  void on_conn(int fd, short what);
  void close_conn(int fd);

  loop::EventBase& loop_;
  std::string path_;
  Handler handler_;
  int fd_ = -1;
  std::unique_ptr<loop::IoEvent> listen_io_;
  std::map<int, std::unique_ptr<Conn>> conns_;
};

// Sends `command` to the daemon at `path` and returns its whole reply. Errors: kUnavailable
// ("cannot connect to PATH: No such file or directory (is route53d running? control-socket?)"),
// kDeadlineExceeded after timeout_ms.
Result<std::string> control_request(const std::string& path, const std::string& command, int64_t timeout_ms);

}  // namespace r53d::daemon
