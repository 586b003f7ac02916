// The HTTP endpoint of a running route53d (`[server] http-listen`, off by default): evhttp on
// the daemon's one event loop, GET /metrics (Prometheus text format) and GET /status (JSON),
// each rendered from a fresh Snapshot; every other path is 404, every other method 405, a client
// outside the allowed networks 403. Small and read-only: nothing can be changed over HTTP.
//
//   auto ep = status::HttpEndpoint::create(loop, "127.0.0.1", 9153,
//                                          [](const sockaddr* peer) { return is_loopback(peer); },
//                                          [&] { return daemon.snapshot(); });
//   if (!ep.ok()) log::error("%s", ep.status().message().c_str());
//   (*ep)->port();   // the port bound (port 0: any free one)
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "loop/event_base.h"
#include "status/snapshot.h"
#include "util/status.h"

struct evhttp;
struct evhttp_request;

namespace r53d::status {

class HttpEndpoint {
 public:
  using Allowed = std::function<bool(const sockaddr* peer)>;
  using SnapshotFn = std::function<Snapshot()>;

  // Binds host:port (a literal address) on the loop. Errors: kUnavailable naming the address
  // ("http-listen 127.0.0.1:9153: cannot bind: Address already in use").
  static Result<std::unique_ptr<HttpEndpoint>> create(loop::EventBase& loop, const std::string& host, uint16_t port,
                                                      Allowed allowed, SnapshotFn snapshot);
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  uint16_t port() const { return port_; }
  // A new access list (reload of `http-allow`), for the next request on.
  void set_allowed(Allowed allowed) { allowed_ = std::move(allowed); }

  struct Stats {
    uint64_t requests = 0, forbidden = 0, not_found = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  HttpEndpoint(Allowed allowed, SnapshotFn snapshot) : allowed_(std::move(allowed)), snapshot_(std::move(snapshot)) {}
  static void on_request_cb(evhttp_request* req, void* arg) noexcept;
  void on_request(evhttp_request* req);

  struct EvhttpFree {
    void operator()(evhttp* h) const noexcept;
  };
  std::unique_ptr<evhttp, EvhttpFree> http_;
  Allowed allowed_;
  SnapshotFn snapshot_;
  uint16_t port_ = 0;
  Stats stats_;
};

}  // namespace r53d::status
