// The long-running daemon: start-up (keys, Route 53, zones, listeners), serving, shutdown.
#include "daemon/server.h"

#include <arpa/inet.h>

#include <csignal>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "commit/route53_backend.h"
#include "commit/confirmed_soa.h"
#include "commit/zone_committer.h"
#include "daemon/handler.h"
#include "daemon/privileges.h"
#include "daemon/route53_stack.h"
#include "dns/tsig.h"
#include "loop/event_base.h"
#include "loop/signal_event.h"
#include "net/server.h"
#include "loop/timer.h"
#include "r53/change_poller.h"
#include "util/base64.h"
#include "util/log.h"
#include "zone/mirror.h"

namespace r53d::daemon {
namespace {

// One dynamic zone: its hosted zone, group commit and change poller.
struct ZoneState {
  config::ZoneConfig config;
  zone::Name apex;
  std::string zone_id;  // bare
  std::unique_ptr<commit::ZoneCommitter> committer;
  std::unique_ptr<commit::ConfirmedSoa> confirmed;
};

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
    handler_.handle(req.wire, c, [r](std::vector<uint8_t> reply) { r->respond(std::move(reply)); });
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
  Status build_key_ring();
  void find_zone(ZoneState& z);
  void load_zone(ZoneState& z);
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
  std::vector<std::unique_ptr<ZoneState>> zones_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<net::Server> listeners_;
  std::unique_ptr<loop::SignalEvent> sigterm_, sigint_;
  std::unique_ptr<loop::Timer> shutdown_timer_;
  size_t zones_left_ = 0;
  int exit_code_ = 0;
  bool shutting_down_ = false;
  int64_t shutdown_deadline_ms_ = 0;
};

Status Server::build_key_ring() {
  for (const auto& k : cfg_.keys) {
    std::string alg = k.algorithm;
    if (k.mac_bits > 0) alg += "-" + std::to_string(k.mac_bits);
    auto key = dns::TsigKey::create(k.name, alg, base64_encode(k.secret));
    if (!key.ok()) return Status::invalid_argument(k.where.str() + ": key " + k.name + ": " + key.status().message());
    Status s = ring_.add(std::move(*key));
    if (!s.ok()) return Status::invalid_argument(k.where.str() + ": key " + k.name + ": " + s.message());
  }
  return Status();
}

void Server::fail(const std::string& why) {
  log::error("%s", why.c_str());
  exit_code_ = 1;
  loop_.stop();
}

void Server::find_zone(ZoneState& z) {
  stack_->client().find_hosted_zones_by_name(z.config.name, [this, &z](r53::ApiResult<std::vector<r53::HostedZone>> r) {
    if (!r.ok()) return fail("zone " + z.config.name + ": cannot look up its hosted zone: " + r.status().message());
    const auto& found = r.value();
    if (found.empty())
      return fail(z.config.where.str() + ": zone " + z.config.name +
                  ": no hosted zone of that name in this AWS account (set hosted-zone-id?)");
    if (found.size() > 1) {
      std::string ids;
      for (const auto& hz : found) ids += (ids.empty() ? "" : ", ") + r53::bare_id(hz.id) + (hz.private_zone ? " (private)" : "");
      return fail(z.config.where.str() + ": zone " + z.config.name + ": several hosted zones have that name: " + ids +
                  "; set hosted-zone-id to choose one");
    }
    z.zone_id = r53::bare_id(found.front().id);
    log::info("zone %s: hosted zone %s", z.config.name.c_str(), z.zone_id.c_str());
    load_zone(z);
  });
}

void Server::load_zone(ZoneState& z) {
  stack_->client().list_rrsets(z.zone_id, [this, &z](r53::ApiResult<std::vector<r53::RecordSet>> r) {
    if (!r.ok())
      return fail("zone " + z.config.name + " (" + z.zone_id + "): cannot read its record sets: " + r.status().message());
    size_t n = r.value().size();
    auto mirror = zone::Mirror::load(z.apex, std::move(r.value()));
    if (!mirror.ok())
      return fail("zone " + z.config.name + " (" + z.zone_id + "): " + mirror.status().message());
    zone::RRset::Ptr soa = mirror->find(z.apex, LDNS_RR_TYPE_SOA);
    log::info("zone %s: %zu record sets loaded from hosted zone %s (%zu API requests), serial %u",
              z.config.name.c_str(), n, z.zone_id.c_str(), static_cast<size_t>(r.requests), mirror->serial());
    commit::CommitterOptions copt;  // writers that do not go through route53d (zone_committer.h)
    copt.verify_foreign = !z.config.trust_mirror;
    copt.refresh_interval_ms = z.config.background_refresh_ms;
    z.committer = std::make_unique<commit::ZoneCommitter>(loop_, std::move(*mirror), z.zone_id, *backend_, copt);
    z.confirmed = std::make_unique<commit::ConfirmedSoa>(soa);
    commit::ConfirmedSoa* confirmed = z.confirmed.get();
    std::string name = z.config.name;
    std::string zone_id = z.zone_id;
    r53::ChangePoller* poller = poller_.get();
    // After each accepted batch: poll GetChange; on INSYNC the batch's SOA becomes the one answered.
    // A batch found applied after its reply was lost comes without an ID: nothing to poll, a
    // later change's INSYNC confirms it.
    z.committer->set_on_accepted([confirmed, poller, name, zone_id](const std::string& id, zone::RRset::Ptr soa) {
      confirmed->accepted(id, std::move(soa));
      if (id.empty()) return;
      poller->watch(zone_id, id, [confirmed, name](const r53::ChangeDone& d) {
        if (!d.status.ok()) {
          log::warning("zone %s: change %s: %s", name.c_str(), r53::bare_id(d.change_id).c_str(),
                       d.status.to_string().c_str());
          return;
        }
        if (confirmed->insync(d.change_id))
          log::info("zone %s: change %s INSYNC after %lld ms; serial %u confirmed", name.c_str(),
                    r53::bare_id(d.change_id).c_str(), static_cast<long long>(d.took_ms), confirmed->serial());
      });
    });
    ZoneEntry e;
    e.apex = z.apex;
    e.config = z.config;
    e.committer = z.committer.get();
    e.soa = z.confirmed.get();
    Status s = handler_->add_zone(std::move(e));
    if (!s.ok()) return fail(s.message());
    zone_ready();
  });
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
  for (auto& z : zones_)
    if (z->committer) z->committer->stop_accepting();
  shutdown_deadline_ms_ = loop_.now_ms() + options_.shutdown_wait_ms;
  shutdown_timer_ = std::make_unique<loop::Timer>(loop_, [this] { check_shutdown(); });
  check_shutdown();
}

void Server::check_shutdown() {
  bool idle = true;
  for (auto& z : zones_)
    if (z->committer && !z->committer->idle()) idle = false;
  if (!idle && loop_.now_ms() < shutdown_deadline_ms_) {
    shutdown_timer_->start_once(50);
    return;
  }
  if (!idle) {
    log::warning("shutdown: change requests still in flight after the wait; answering their clients SERVFAIL");
    for (auto& z : zones_)
      if (z->committer) z->committer->abandon_in_flight();
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
  Status s = build_key_ring();
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
  backend_ = std::make_unique<commit::Route53Backend>(
      stack_->client(), loop_,
      r53::RateLimitOptions{.requests_per_second = cfg_.aws.requests_per_second,
                            .burst = r53::RateLimitOptions{}.burst});  // as Route53Stack's limiter
  poller_ = std::make_unique<r53::ChangePoller>(
      loop_, stack_->client(),
      r53::ChangePollerOptions{.first_poll_ms = cfg_.aws.poll_interval_min_ms,
                               .max_interval_ms = cfg_.aws.poll_interval_max_ms});
  handler_ = std::make_unique<Handler>(ring_, loop_.clock());
  sigterm_ = std::make_unique<loop::SignalEvent>(loop_, SIGTERM, [this] { begin_shutdown(); });
  sigint_ = std::make_unique<loop::SignalEvent>(loop_, SIGINT, [this] { begin_shutdown(); });
  std::signal(SIGPIPE, SIG_IGN);

  for (const auto& zc : cfg_.zones) {
    if (zc.mode != config::ZoneMode::kDynamic) {
      log::warning("%s: zone %s: mode secondary is not implemented yet; zone not served", zc.where.str().c_str(),
                   zc.name.c_str());
      continue;
    }
    auto apex = zone::Name::from_text(zc.name);
    if (!apex.ok()) {
      log::error("%s: zone %s: %s", zc.where.str().c_str(), zc.name.c_str(), apex.status().message().c_str());
      return 1;
    }
    auto z = std::make_unique<ZoneState>();
    z->config = zc;
    z->apex = *apex;
    z->zone_id = zc.hosted_zone_id;
    zones_.push_back(std::move(z));
  }
  zones_left_ = zones_.size();
  log::info("route53d starting: %zu zone(s), %zu key(s), Route 53 at %s", zones_.size(), ring_.size(),
            stack_->client().endpoint().host.c_str());
  if (zones_.empty()) {
    open_listeners();
    if (exit_code_ != 0) return exit_code_;  // fail() before the loop runs: run() would not see stop()
  }
  for (auto& z : zones_) {
    if (z->zone_id.empty())
      find_zone(*z);
    else
      load_zone(*z);
  }
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
