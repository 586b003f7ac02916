// route53-sim's HTTP front end on libevent's evhttp: per request it runs fault injection, the
// SigV4 check, the per-key rate limit, the API, the state save and one log line; answers are
// delayed by a timer when latency is injected (the loop never blocks).
//
//   Server server(base, opts, store, SystemClock::instance());
//   Status s = server.start();               // binds; server.port() is the real port
//   event_base_dispatch(base);
//
// Single-threaded: everything runs on `base`. Borrowed: base, store, clock (must outlive it).
#pragma once

#include <event2/event.h>
#include <event2/http.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "sim/api.h"
#include "sim/auth.h"
#include "sim/faults.h"
#include "sim/limits.h"
#include "sim/options.h"
#include "sim/stats.h"
#include "sim/store.h"
#include "util/c_ptr.h"
#include "util/clock.h"

namespace r53d::sim {

using EvHttpPtr = CPtr<evhttp, &evhttp_free>;
using EventPtr = CPtr<event, &event_free>;

class Server {
 public:
  Server(event_base* base, const Options& options, Store& store, const Clock& clock);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds options.listen_host:listen_port. Errors: kUnavailable "cannot listen on ...".
  Status start();
  int port() const { return port_; }
  // "127.0.0.1:8053" or "[::1]:8053" with the real port.
  std::string address() const;

  const Stats& stats() const { return stats_; }

  // Saves the store to --state now (also done after every change). No-op without --state.
  Status save_state();

 private:
  struct Pending;  // a delayed answer or a connection to reset, keyed by connection

  static void on_request_cb(evhttp_request* req, void* arg) noexcept;
  static void on_timer_cb(evutil_socket_t, short, void* arg) noexcept;
  static void on_close_cb(evhttp_connection* conn, void* arg) noexcept;
  void on_request(evhttp_request* req);
  void on_timer(Pending* p);
  void serve_stats(evhttp_request* req);
  void reply(evhttp_request* req, int status, const std::string& body, const std::string& location,
             const std::string& request_id, int64_t delay_ms);
  // Resets the connection (SO_LINGER 0) after delay_ms, on a later loop turn.
  void reset_connection(evhttp_request* req, int64_t delay_ms);
  void schedule(std::unique_ptr<Pending> p, int64_t delay_ms);
  std::string new_request_id();

  event_base* base_;
  const Options& options_;
  Store& store_;
  const Clock& clock_;
  Api api_;
  Authenticator auth_;
  RateLimiter rate_;
  FaultInjector faults_;
  Stats stats_;
  uint64_t rid_state_;
  int port_ = -1;
  EvHttpPtr http_;
  std::unordered_map<evhttp_connection*, std::unique_ptr<Pending>> pending_;
};

}  // namespace r53d::sim
