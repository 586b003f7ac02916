// The long-running daemon: start-up (keys, Route 53, zones, listeners), serving, shutdown.
#include "daemon/server.h"

#include <arpa/inet.h>

#include <csignal>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "commit/route53_backend.h"
#include "daemon/handler.h"
#include "daemon/key_ring.h"
#include "daemon/managed_zone.h"
#include "daemon/xfr_transfer_source.h"
#include "daemon/privileges.h"
#include "daemon/route53_stack.h"
#include "dns/tsig.h"
#include "loop/event_base.h"
#include "loop/signal_event.h"
#include "net/server.h"
#include "loop/timer.h"
#include "r53/change_poller.h"
#include "util/log.h"
#include "zone/mirror.h"

namespace r53d::daemon {
namespace {

// net::Handler -> daemon::Handler: the client's address for grants and logs, and the Responder
// (move-only) behind a copyable callback.
class Gateway final : public net::Handler {
 public:
  explicit Gateway(daemon::Handler& handler) : handler_(handler) {}
  void handle(net::Request req, net::Responder responder) override {
    Client c;
    c.tcp = req.transport == net::Transport::kTcp;
    c.text = req.client.client_string();
    if (req.client.family() == AF_INET6) {
      const auto* s6 = reinterpret_cast<const sockaddr_in6*>(req.client.sa());
      if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
        std::memcpy(c.addr.data(), s6->sin6_addr.s6_addr + 12, 4);
      } else {
        c.ipv6 = true;
        std::memcpy(c.addr.data(), s6->sin6_addr.s6_addr, 16);
      }
    } else {
      std::memcpy(c.addr.data(), &reinterpret_cast<const sockaddr_in*>(req.client.sa())->sin_addr, 4);
    }
    if (c.tcp) c.text += " (tcp " + std::to_string(req.connection_id) + ")";
    auto r = std::make_shared<net::Responder>(std::move(responder));
    handler_.handle(req.wire, c, [r](const std::vector<uint8_t>& reply) { r->respond(reply); });
  }

 private:
  daemon::Handler& handler_;
};

class Server {
 public:
  Server(const config::Config& cfg, r53::Env env, ServerOptions options)
      : cfg_(cfg), env_(std::move(env)), options_(options) {}

  int run();

 private:
  void zone_ready();
  void open_listeners();
  void fail(const std::string& why);
  void begin_shutdown();
  void check_shutdown();

  const config::Config& cfg_;
  r53::Env env_;
  ServerOptions options_;
  // Owners before dependants: destroyed in reverse order.
  loop::EventBase loop_;
  std::unique_ptr<Route53Stack> stack_;
  std::unique_ptr<commit::Route53Backend> backend_;
  std::unique_ptr<r53::ChangePoller> poller_;
  dns::TsigKeyRing ring_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<TransferSource> transfers_;
  std::vector<std::unique_ptr<ManagedZone>> zones_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<net::Server> listeners_;
  std::unique_ptr<loop::SignalEvent> sigterm_, sigint_;
  std::unique_ptr<loop::Timer> shutdown_timer_;
  size_t zones_left_ = 0;
  int exit_code_ = 0;
  bool shutting_down_ = false;
  int64_t shutdown_deadline_ms_ = 0;
};

void Server::fail(const std::string& why) {
  log::error("%s", why.c_str());
  exit_code_ = 1;
  loop_.stop();
}

void Server::zone_ready() {
  if (--zones_left_ == 0) open_listeners();
}

void Server::open_listeners() {
  net::ServerOptions opt;
  for (const auto& addr : cfg_.server.listen) opt.listen.push_back(addr.str());
  opt.tcp_idle_timeout_ms = cfg_.server.tcp_timeout_ms;
  opt.max_tcp_connections = static_cast<size_t>(cfg_.server.max_tcp_clients);
  gateway_ = std::make_unique<Gateway>(*handler_);
  auto l = net::Server::create(loop_, opt, *gateway_);
  if (!l.ok()) return fail("cannot listen: " + l.status().message());
  listeners_ = std::move(*l);
  // Every listener is bound, the key files were read at load and the AWS credentials when the
  // zones were loaded: root is no longer needed (DESIGN.md, security defaults).
  Status dropped = drop_privileges(cfg_.server.user);
  if (!dropped.ok()) return fail("cannot drop privileges: " + dropped.message());
  log::notice("route53d ready: %zu zone(s), %zu listen address(es)", zones_.size(), cfg_.server.listen.size());
}

void Server::begin_shutdown() {
  if (shutting_down_) {
    log::notice("second signal: not waiting for change requests in flight");
    shutdown_deadline_ms_ = 0;
    check_shutdown();
    return;
  }
  shutting_down_ = true;
  log::notice("shutting down: no new requests; waiting up to %lld ms for change requests in flight",
              static_cast<long long>(options_.shutdown_wait_ms));
  if (listeners_) listeners_->stop_accepting();
  if (handler_) handler_->stop_updates();
  for (auto& z : zones_) z->stop();
  shutdown_deadline_ms_ = loop_.now_ms() + options_.shutdown_wait_ms;
  shutdown_timer_ = std::make_unique<loop::Timer>(loop_, [this] { check_shutdown(); });
  check_shutdown();
}

void Server::check_shutdown() {
  bool idle = true;
  for (auto& z : zones_)
    if (!z->idle()) idle = false;
  if (!idle && loop_.now_ms() < shutdown_deadline_ms_) {
    shutdown_timer_->start_once(50);
    return;
  }
  if (!idle) {
    log::warning("shutdown: change requests still in flight after the wait; answering their clients SERVFAIL");
    for (auto& z : zones_)
      if (z->committer()) z->committer()->abandon_in_flight();
  }
  // One more short turn so TCP replies just queued are written.
  shutdown_timer_ = std::make_unique<loop::Timer>(loop_, [this] {
    log::notice("route53d stopped");
    loop_.stop();
  });
  shutdown_timer_->start_once(100);
}

int Server::run() {
  for (const std::string& w : cfg_.warnings) log::warning("%s", w.c_str());
  Status s = build_key_ring(cfg_, ring_);
  if (!s.ok()) {
    log::error("%s", s.message().c_str());
    return 1;
  }
  auto stack = Route53Stack::create(loop_, cfg_.aws, env_);
  if (!stack.ok()) {
    log::error("AWS: %s", stack.status().message().c_str());
    return 1;
  }
  stack_ = std::move(*stack);
  backend_ = std::make_unique<commit::Route53Backend>(stack_->client(), loop_);
  poller_ = std::make_unique<r53::ChangePoller>(
      loop_, stack_->client(),
      r53::ChangePollerOptions{.first_poll_ms = cfg_.aws.poll_interval_min_ms,
                               .max_interval_ms = cfg_.aws.poll_interval_max_ms});
  handler_ = std::make_unique<Handler>(ring_, loop_.clock());
  sigterm_ = std::make_unique<loop::SignalEvent>(loop_, SIGTERM, [this] { begin_shutdown(); });
  sigint_ = std::make_unique<loop::SignalEvent>(loop_, SIGINT, [this] { begin_shutdown(); });
  std::signal(SIGPIPE, SIG_IGN);

  transfers_ = std::make_unique<XfrTransferSource>(loop_, ring_);
  ZoneServices services{loop_, &stack_->client(), *backend_, poller_.get(), transfers_.get()};
  for (const auto& zc : cfg_.zones) {
    auto apex = zone::Name::from_text(zc.name);
    if (!apex.ok()) {
      log::error("%s: zone %s: %s", zc.where.str().c_str(), zc.name.c_str(), apex.status().message().c_str());
      return 1;
    }
    auto z = std::make_unique<ManagedZone>(services, zc, *apex);
    Status added = handler_->add_zone(z.get());
    if (!added.ok()) {
      log::error("%s", added.message().c_str());
      return 1;
    }
    zones_.push_back(std::move(z));
  }
  zones_left_ = zones_.size();
  log::info("route53d starting: %zu zone(s), %zu key(s), Route 53 at %s", zones_.size(), ring_.size(),
            stack_->client().endpoint().host.c_str());
  if (zones_.empty()) {
    open_listeners();
    if (exit_code_ != 0) return exit_code_;  // fail() before the loop runs: run() would not see stop()
  }
  // Every zone reports once: loaded (or failing to load and retrying on its own: the others are
  // served meanwhile), or a configuration error that stops start-up.
  for (auto& z : zones_)
    z->start([this](const Status& s) {
      if (!s.ok()) return fail(s.message());
      zone_ready();
    });
  loop_.run();
  if (exit_code_ != 0) return exit_code_;
  if (!shutting_down_) {
    log::error("event loop ended unexpectedly");
    return 1;
  }
  return 0;
}

}  // namespace

int run_server(const config::Config& cfg, r53::Env env, ServerOptions options) {
  Server server(cfg, std::move(env), options);
  return server.run();
}

}  // namespace r53d::daemon
