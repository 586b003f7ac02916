// The long-running daemon: start-up (keys, Route 53, zones, listeners), serving, reload, shutdown.
#include "daemon/server.h"

#include <arpa/inet.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commit/route53_backend.h"
#include "daemon/control_socket.h"
#include "daemon/handler.h"
#include "daemon/key_ring.h"
#include "daemon/managed_zone.h"
#include "daemon/metrics_snapshot.h"
#include "daemon/privileges.h"
#include "daemon/reload.h"
#include "daemon/route53_stack.h"
#include "daemon/systemd_notify.h"
#include "daemon/xfr_transfer_source.h"
#include "dns/tsig.h"
#include "loop/event_base.h"
#include "loop/signal_event.h"
#include "loop/timer.h"
#include "net/server.h"
#include "r53/change_poller.h"
#include "status/http_endpoint.h"
#include "status/render.h"
#include "util/log.h"
#include "zone/mirror.h"

namespace r53d::daemon {
namespace {

constexpr unsigned kOpcodeUpdate = 5;

// The address of sa in network order (IPv4-mapped IPv6 as IPv4) into addr; false for a family
// other than AF_INET/AF_INET6.
bool address_bytes(const sockaddr* sa, std::array<uint8_t, 16>& addr, bool& ipv6) {
  ipv6 = false;
  if (sa->sa_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      std::memcpy(addr.data(), s6->sin6_addr.s6_addr + 12, 4);
    } else {
      ipv6 = true;
      std::memcpy(addr.data(), s6->sin6_addr.s6_addr, 16);
    }
    return true;
  }
  if (sa->sa_family != AF_INET) return false;
  std::memcpy(addr.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
  return true;
}

// net::Handler -> daemon::Handler: the client's address for grants and logs, the Responder
// (move-only) behind a copyable callback, and the reply counted for /metrics.
class Gateway final : public net::Handler {
 public:
  Gateway(daemon::Handler& handler, DnsCounters& counters, std::function<bool(const std::string&)> serves)
      : handler_(handler), counters_(counters), serves_(std::move(serves)) {}
  void handle(net::Request req, net::Responder responder) override {
    Client c;
    c.tcp = req.transport == net::Transport::kTcp;
    c.text = req.client.client_string();
    address_bytes(req.client.sa(), c.addr, c.ipv6);
    if (c.tcp) c.text += " (tcp " + std::to_string(req.connection_id) + ")";
    unsigned opcode = (req.wire[2] >> 3) & 0x0f;
    std::string zone;
    if (opcode == kOpcodeUpdate) {
      zone = DnsCounters::question_name(req.wire);
      if (!serves_(zone)) zone.clear();
    }
    auto r = std::make_shared<net::Responder>(std::move(responder));
    DnsCounters* counters = &counters_;
    handler_.handle(req.wire, c, [r, counters, opcode, zone](const std::vector<uint8_t>& reply) {
      counters->count_reply(opcode, reply, zone);
      r->respond(reply);
    });
  }

 private:
  daemon::Handler& handler_;
  DnsCounters& counters_;
  std::function<bool(const std::string&)> serves_;
};

bool allowed_by(const std::vector<config::Cidr>& nets, const sockaddr* sa) {
  std::array<uint8_t, 16> a{};
  bool v6 = false;
  if (!address_bytes(sa, a, v6)) return false;
  for (const auto& n : nets)
    if (n.contains(a.data(), v6 ? 16 : 4)) return true;
  return false;
}

void apply_logging(const config::Config& cfg) {
  log::set_level(cfg.server.log_level);
  if (cfg.server.log_syslog) log::use_syslog(cfg.server.syslog_facility);
  else log::use_stderr();
}

// Route 53 for a set of zones: the client stack, the commit backend on it and the change poller.
// Shared by the zones built on it; a reload that changes the endpoint or the credentials makes a
// new one, and the old one goes when its last zone has.
struct Aws {
  std::unique_ptr<Route53Stack> stack;
  std::unique_ptr<commit::Route53Backend> backend;
  std::unique_ptr<r53::ChangePoller> poller;
  ~Aws() {  // dependants first
    poller.reset();
    backend.reset();
    stack.reset();
  }
};

struct Zone {
  std::shared_ptr<Aws> aws;           // declared first: outlives the zone
  std::unique_ptr<ManagedZone> zone;
};

class Server {
 public:
  Server(config::Config cfg, r53::Env env, ServerOptions options)
      : cfg_(std::make_unique<config::Config>(std::move(cfg))), env_(std::move(env)), options_(options) {}

  int run();

 private:
  Result<std::shared_ptr<Aws>> make_aws(const config::AwsConfig& aws);
  Result<Zone> make_zone(const config::ZoneConfig& zc, std::shared_ptr<Aws> aws);
  void start_zone(ManagedZone* z, bool at_start);
  Zone* find(const std::string& name);
  void retire(const std::string& name);
  void reap_retired();
  void zone_ready();
  void open_listeners();
  void open_http(const config::Config& cfg);
  void open_control();
  void fail(const std::string& why);
  void begin_shutdown();
  void check_shutdown();
  std::string reload(const char* how);
  std::string control(const std::string& command);
  status::Snapshot snapshot();
  std::string status_line();

  std::unique_ptr<config::Config> cfg_;
  r53::Env env_;
  ServerOptions options_;
  // Owners before dependants: destroyed in reverse order.
  loop::EventBase loop_;
  dns::TsigKeyRing ring_;
  DnsCounters counters_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<TransferSource> transfers_;
  std::shared_ptr<Aws> aws_;
  std::vector<Zone> zones_;
  std::vector<Zone> retired_;  // removed by a reload: stopped, dropped once idle
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<net::Server> listeners_;
  std::unique_ptr<status::HttpEndpoint> http_;
  std::unique_ptr<ControlSocket> control_;
  std::unique_ptr<loop::SignalEvent> sigterm_, sigint_, sighup_;
  std::unique_ptr<loop::Timer> shutdown_timer_;
  std::unique_ptr<loop::Timer> reap_timer_, watchdog_timer_, status_timer_;
  size_t zones_left_ = 0;
  int exit_code_ = 0;
  bool ready_ = false;
  bool dropped_privileges_ = false;
  bool shutting_down_ = false;
  int64_t shutdown_deadline_ms_ = 0;
  int64_t start_wall_ms_ = 0, config_wall_ms_ = 0;
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
  std::string last_reload_error_;
  std::vector<std::string> needs_restart_;
};

void Server::fail(const std::string& why) {
  log::error("%s", why.c_str());
  exit_code_ = 1;
  loop_.stop();
}

Result<std::shared_ptr<Aws>> Server::make_aws(const config::AwsConfig& aws) {
  auto stack = Route53Stack::create(loop_, aws, env_);
  if (!stack.ok()) return Status(stack.status().code(), "AWS: " + stack.status().message());
  auto a = std::make_shared<Aws>();
  a->stack = std::move(*stack);
  a->backend = std::make_unique<commit::Route53Backend>(a->stack->client(), loop_);
  a->poller = std::make_unique<r53::ChangePoller>(
      loop_, a->stack->client(),
      r53::ChangePollerOptions{.first_poll_ms = aws.poll_interval_min_ms, .max_interval_ms = aws.poll_interval_max_ms});
  return a;
}

Result<Zone> Server::make_zone(const config::ZoneConfig& zc, std::shared_ptr<Aws> aws) {
  auto apex = zone::Name::from_text(zc.name);
  if (!apex.ok()) return Status::invalid_argument(zc.where.str() + ": zone " + zc.name + ": " + apex.status().message());
  ZoneServices services{loop_, &aws->stack->client(), *aws->backend, aws->poller.get(), transfers_.get()};
  Zone z;
  z.aws = std::move(aws);
  z.zone = std::make_unique<ManagedZone>(services, zc, *apex);
  return z;
}

Zone* Server::find(const std::string& name) {
  for (auto& z : zones_)
    if (z.zone->name() == name) return &z;
  return nullptr;
}

// Every zone reports once: loaded (or failing to load and retrying on its own: the others are
// served meanwhile), or a configuration error: at start it stops start-up; after a reload the
// zone is dropped and the error logged.
void Server::start_zone(ManagedZone* z, bool at_start) {
  std::string name = z->name();
  z->start([this, at_start, name](const Status& s) {
    if (at_start) {
      if (!s.ok()) return fail(s.message());
      return zone_ready();
    }
    if (s.ok()) return;
    log::error("reload: %s; zone %s not served", s.message().c_str(), name.c_str());
    retire(name);
    // Not in force: a later reload adds it again.
    auto& zs = cfg_->zones;
    zs.erase(std::remove_if(zs.begin(), zs.end(), [&](const config::ZoneConfig& z) { return z.name == name; }), zs.end());
  });
}

void Server::retire(const std::string& name) {
  auto it = std::find_if(zones_.begin(), zones_.end(), [&](const Zone& z) { return z.zone->name() == name; });
  if (it == zones_.end()) return;
  handler_->remove_zone(it->zone->apex());
  it->zone->stop();
  retired_.push_back(std::move(*it));
  zones_.erase(it);
  if (!reap_timer_) {
    reap_timer_ = std::make_unique<loop::Timer>(loop_, [this] { reap_retired(); });
    reap_timer_->start_every(200);
  }
}

void Server::reap_retired() {
  for (auto it = retired_.begin(); it != retired_.end();) {
    if (it->zone->idle()) {
      log::info("zone %s: removed (its last change request is done)", it->zone->name().c_str());
      loop_.defer_delete(std::move(it->zone));
      // The Aws of the zone goes with its last user, after the deferred delete: keep it alive
      // until then through the loop too.
      loop_.defer_delete(std::make_unique<std::shared_ptr<Aws>>(std::move(it->aws)));
      it = retired_.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::zone_ready() {
  if (--zones_left_ == 0) open_listeners();
}

void Server::open_http(const config::Config& cfg) {
  http_.reset();
  if (!cfg.server.http_listen) return;
  const config::ListenAddr& a = *cfg.server.http_listen;
  std::vector<config::Cidr> allow = cfg.server.http_allow;
  auto ep = status::HttpEndpoint::create(
      loop_, a.host, a.port, [allow](const sockaddr* peer) { return allowed_by(allow, peer); },
      [this] { return snapshot(); });
  if (!ep.ok()) {
    log::error("%s: /metrics and /status not served", ep.status().message().c_str());
    return;
  }
  http_ = std::move(*ep);
  log::info("HTTP endpoint on %s (/metrics, /status)", a.str().c_str());
}

void Server::open_control() {
  if (cfg_->server.control_socket.empty()) return;
  auto cs = ControlSocket::open(loop_, cfg_->server.control_socket, [this](const std::string& c) { return control(c); });
  if (!cs.ok()) {
    // Not fatal: the daemon serves DNS without it (route53d --status / --reload then fail).
    log::warning("%s; route53d --status and --reload will not reach this daemon", cs.status().message().c_str());
    return;
  }
  control_ = std::move(*cs);
}

void Server::open_listeners() {
  net::ServerOptions opt;
  for (const auto& addr : cfg_->server.listen) opt.listen.push_back(addr.str());
  opt.tcp_idle_timeout_ms = cfg_->server.tcp_timeout_ms;
  opt.max_tcp_connections = static_cast<size_t>(cfg_->server.max_tcp_clients);
  gateway_ = std::make_unique<Gateway>(*handler_, counters_, [this](const std::string& zone) { return find(zone) != nullptr; });
  auto l = net::Server::create(loop_, opt, *gateway_);
  if (!l.ok()) return fail("cannot listen: " + l.status().message());
  listeners_ = std::move(*l);
  open_http(*cfg_);
  // Every listener is bound, the key files were read at load and the AWS credentials when the
  // zones were loaded: root is no longer needed (DESIGN.md, security defaults).
  Status dropped = drop_privileges(cfg_->server.user);
  if (!dropped.ok()) return fail("cannot drop privileges: " + dropped.message());
  dropped_privileges_ = !cfg_->server.user.empty();
  ready_ = true;
  log::notice("route53d ready: %zu zone(s), %zu listen address(es)", zones_.size(), cfg_->server.listen.size());
  systemd_notify::ready(status_line());
  if (int64_t wd = systemd_notify::watchdog_interval_ms(); wd > 0) {
    watchdog_timer_ = std::make_unique<loop::Timer>(loop_, [] { systemd_notify::watchdog(); });
    watchdog_timer_->start_every(std::max<int64_t>(wd / 2, 100));
  }
  status_timer_ = std::make_unique<loop::Timer>(loop_, [this] { systemd_notify::status(status_line()); });
  status_timer_->start_every(10000);
}

std::string Server::status_line() {
  size_t serving = 0;
  uint64_t queued = 0;
  for (const auto& z : zones_) {
    if (z.zone->serving()) ++serving;
    if (z.zone->committer()) queued += z.zone->committer()->queued();
  }
  std::string s = std::to_string(serving) + "/" + std::to_string(zones_.size()) + " zone(s) served, " +
                  std::to_string(queued) + " UPDATE(s) queued";
  if (aws_) {
    int64_t last = aws_->stack->client().metrics().last_success_ms;
    s += last ? ", Route 53 last answered " + std::to_string((loop_.clock().mono_ms() - last) / 1000) + " s ago"
              : ", no answer from Route 53 yet";
  }
  if (!needs_restart_.empty()) s += "; needs a restart";
  return s;
}

status::Snapshot Server::snapshot() {
  SnapshotSources src;
  src.config = cfg_.get();
  for (const auto& z : zones_) src.zones.push_back(z.zone.get());
  if (aws_) {
    src.client = &aws_->stack->client();
    src.poller = aws_->poller.get();
  }
  src.dns = &counters_;
  src.dns_dropped = handler_ ? handler_->stats().dropped : 0;
  src.listeners = listeners_.get();
  src.loop = &loop_;
  src.start_wall_ms = start_wall_ms_;
  src.config_wall_ms = config_wall_ms_;
  src.ready = ready_;
  src.shutting_down = shutting_down_;
  src.reloads_ok = reloads_ok_;
  src.reloads_failed = reloads_failed_;
  src.last_reload_error = last_reload_error_;
  src.needs_restart = needs_restart_;
  return take_snapshot(src);
}

std::string Server::control(const std::string& command) {
  if (command == "status") return status::render_table(snapshot());
  if (command == "status json") return status::render_json(snapshot());
  if (command == "reload") return reload("route53d --reload");
  return "error: unknown command \"" + command + "\" (status, status json, reload)\n";
}

std::string Server::reload(const char* how) {
  if (shutting_down_) return "reload: refused\nshutting down\n";
  if (!ready_) return "reload: refused\nstill starting (zones loading): try again once it is ready\n";
  log::notice("reload (%s): reading %s", how, cfg_->path.c_str());
  systemd_notify::reloading("reloading " + cfg_->path);
  auto refuse = [&](const std::string& why) {
    ++reloads_failed_;
    last_reload_error_ = why.substr(0, why.find('\n'));
    // One log line per problem, each FILE:LINE: reason.
    size_t start = 0;
    while (start <= why.size()) {
      size_t nl = why.find('\n', start);
      std::string line = why.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!line.empty()) log::error("reload: %s", line.c_str());
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    log::error("reload: configuration not taken; the one in force stays");
    systemd_notify::ready(status_line());
    return "reload: refused\n" + why + "\n";
  };
  auto next = config::load(cfg_->path);
  if (!next.ok()) return refuse(next.status().message());
  dns::TsigKeyRing ring;
  if (Status s = build_key_ring(*next, ring); !s.ok()) return refuse(s.message());
  for (const auto& z : next->zones)
    if (!zone::Name::from_text(z.name).ok()) return refuse(z.where.str() + ": zone " + z.name + ": not a DNS name");
  ConfigDiff d = diff_configs(*cfg_, *next);
  std::shared_ptr<Aws> aws = aws_;
  if (d.aws == ConfigDiff::Aws::kRebuild) {
    auto a = make_aws(next->aws);
    if (!a.ok()) return refuse(a.status().message());
    aws = std::move(*a);
  }
  // Valid: from here on it is applied.
  for (const std::string& w : next->warnings) log::warning("%s", w.c_str());
  ring_ = std::move(ring);  // requests in flight keep the keys they were verified with
  if (d.log_changed) apply_logging(*next);
  if (d.aws == ConfigDiff::Aws::kInPlace) {
    r53::Route53Client& c = aws_->stack->client();
    c.limiter().set_rate(next->aws.requests_per_second, next->aws.min_requests_per_second);
    c.set_max_attempts(next->aws.max_attempts);
    aws_->poller->set_options({.first_poll_ms = next->aws.poll_interval_min_ms,
                               .max_interval_ms = next->aws.poll_interval_max_ms});
  }
  std::set<std::string> replace(d.zones_replaced.begin(), d.zones_replaced.end());
  if (d.aws == ConfigDiff::Aws::kRebuild)
    for (const auto& z : zones_)
      if (!std::count(d.zones_removed.begin(), d.zones_removed.end(), z.zone->name())) replace.insert(z.zone->name());
  for (const auto& name : d.zones_removed) retire(name);
  for (const auto& name : replace) retire(name);
  for (const auto& zc : next->zones) {
    bool fresh = std::count(d.zones_added.begin(), d.zones_added.end(), zc.name) > 0;
    if (!fresh && !replace.count(zc.name)) {
      if (std::count(d.zones_updated.begin(), d.zones_updated.end(), zc.name)) {
        Zone* z = find(zc.name);
        if (!z) continue;
        z->zone->reconfigure(zc);
        if (Status s = handler_->add_zone(z->zone.get()); !s.ok()) log::error("reload: %s", s.message().c_str());
      }
      continue;
    }
    auto z = make_zone(zc, aws);
    if (!z.ok()) {
      log::error("reload: %s", z.status().message().c_str());
      continue;
    }
    ManagedZone* mz = z->zone.get();
    if (Status s = handler_->add_zone(mz); !s.ok()) {
      log::error("reload: %s", s.message().c_str());
      continue;
    }
    zones_.push_back(std::move(*z));
    start_zone(mz, false);
  }
  aws_ = aws;
  if (d.http_listen_changed) open_http(*next);
  else if (d.http_allow_changed && http_) {
    std::vector<config::Cidr> allow = next->server.http_allow;
    http_->set_allowed([allow](const sockaddr* peer) { return allowed_by(allow, peer); });
  }
  for (const auto& n : d.needs_restart) {
    if (!std::count(needs_restart_.begin(), needs_restart_.end(), n)) needs_restart_.push_back(n);
    log::warning("reload: %s changed: needs a restart (%s)", n.c_str(),
                 dropped_privileges_ ? "the sockets are bound and root is gone" : "the sockets are bound");
  }
  // The settings of a restart-only key stay in force until the restart: keep them in cfg_.
  config::ServerConfig keep = cfg_->server;
  cfg_ = std::make_unique<config::Config>(std::move(*next));
  for (const auto& n : d.needs_restart) {
    if (n == "listen") cfg_->server.listen = keep.listen;
    if (n == "tcp-timeout") cfg_->server.tcp_timeout_ms = keep.tcp_timeout_ms;
    if (n == "max-tcp-clients") cfg_->server.max_tcp_clients = keep.max_tcp_clients;
    if (n == "user") cfg_->server.user = keep.user;
    if (n == "control-socket") cfg_->server.control_socket = keep.control_socket;
  }
  config_wall_ms_ = loop_.clock().wall_ms();
  ++reloads_ok_;
  last_reload_error_.clear();
  std::string summary = d.summary();
  log::notice("reload: configuration taken: %s", summary.c_str());
  systemd_notify::ready(status_line());
  std::string out = "reload: taken\n" + summary + "\n";
  for (const auto& n : d.needs_restart) out += n + " changed: needs a restart\n";
  return out;
}

void Server::begin_shutdown() {
  if (shutting_down_) {
    log::notice("second signal: not waiting for change requests in flight");
    shutdown_deadline_ms_ = 0;
    check_shutdown();
    return;
  }
  shutting_down_ = true;
  int64_t wait_ms = options_.shutdown_wait_ms >= 0 ? options_.shutdown_wait_ms : cfg_->server.shutdown_grace_ms;
  systemd_notify::stopping("shutting down");
  size_t queued = 0, in_flight = 0;
  for (const auto* list : {&zones_, &retired_})
    for (const auto& z : *list)
      if (const auto* c = z.zone->committer()) {
        queued += c->queued();
        if (!c->idle()) ++in_flight;
      }
  log::notice("shutting down: no new requests; %zu UPDATE(s) queued are answered SERVFAIL; waiting up to %lld ms "
              "for the change requests in flight of %zu zone(s)",
              queued, static_cast<long long>(wait_ms), in_flight);
  if (listeners_) listeners_->stop_accepting();
  if (handler_) handler_->stop_updates();
  for (auto& z : zones_) z.zone->stop();
  shutdown_deadline_ms_ = loop_.now_ms() + wait_ms;
  shutdown_timer_ = std::make_unique<loop::Timer>(loop_, [this] { check_shutdown(); });
  check_shutdown();
}

void Server::check_shutdown() {
  bool idle = true;
  for (const auto* list : {&zones_, &retired_})
    for (const auto& z : *list)
      if (!z.zone->idle()) idle = false;
  if (!idle && loop_.now_ms() < shutdown_deadline_ms_) {
    shutdown_timer_->start_once(50);
    return;
  }
  if (!idle) {
    log::warning("shutdown: change requests still in flight after the wait; answering their clients SERVFAIL");
    for (auto* list : {&zones_, &retired_})
      for (auto& z : *list)
        if (z.zone->committer()) z.zone->committer()->abandon_in_flight();
  }
  // One more short turn so TCP replies just queued are written.
  shutdown_timer_ = std::make_unique<loop::Timer>(loop_, [this] {
    // Requests that arrived after reading stopped never get an answer: say who sent them (the
    // last thing before the sockets close, so that as few as possible go unnamed).
    if (listeners_) {
      std::vector<std::string> unread = listeners_->unread_requests();
      for (const auto& u : unread) log::notice("shutdown: no answer to %s (it arrived after reading stopped)", u.c_str());
      if (!unread.empty()) log::notice("shutdown: %zu request(s) left unanswered", unread.size());
    }
    log::notice("route53d stopped");
    loop_.stop();
  });
  shutdown_timer_->start_once(100);
}

int Server::run() {
  start_wall_ms_ = config_wall_ms_ = loop_.clock().wall_ms();
  apply_logging(*cfg_);
  for (const std::string& w : cfg_->warnings) log::warning("%s", w.c_str());
  Status s = build_key_ring(*cfg_, ring_);
  if (!s.ok()) {
    log::error("%s", s.message().c_str());
    return 1;
  }
  auto aws = make_aws(cfg_->aws);
  if (!aws.ok()) {
    log::error("%s", aws.status().message().c_str());
    return 1;
  }
  aws_ = std::move(*aws);
  handler_ = std::make_unique<Handler>(ring_, loop_.clock());
  sigterm_ = std::make_unique<loop::SignalEvent>(loop_, SIGTERM, [this] { begin_shutdown(); });
  sigint_ = std::make_unique<loop::SignalEvent>(loop_, SIGINT, [this] { begin_shutdown(); });
  sighup_ = std::make_unique<loop::SignalEvent>(loop_, SIGHUP, [this] { reload("SIGHUP"); });
  std::signal(SIGPIPE, SIG_IGN);

  transfers_ = std::make_unique<XfrTransferSource>(loop_, ring_);
  for (const auto& zc : cfg_->zones) {
    auto z = make_zone(zc, aws_);
    if (!z.ok()) {
      log::error("%s", z.status().message().c_str());
      return 1;
    }
    Status added = handler_->add_zone(z->zone.get());
    if (!added.ok()) {
      log::error("%s", added.message().c_str());
      return 1;
    }
    zones_.push_back(std::move(*z));
  }
  zones_left_ = zones_.size();
  log::info("route53d starting: %zu zone(s), %zu key(s), Route 53 at %s", zones_.size(), ring_.size(),
            aws_->stack->client().endpoint().host.c_str());
  open_control();
  systemd_notify::status("loading " + std::to_string(zones_.size()) + " zone(s)");
  if (zones_.empty()) {
    open_listeners();
    if (exit_code_ != 0) return exit_code_;  // fail() before the loop runs: run() would not see stop()
  }
  std::vector<ManagedZone*> starting;
  for (auto& z : zones_) starting.push_back(z.zone.get());
  for (ManagedZone* z : starting) start_zone(z, true);
  loop_.run();
  control_.reset();  // removes the socket file
  if (exit_code_ != 0) return exit_code_;
  if (!shutting_down_) {
    log::error("event loop ended unexpectedly");
    return 1;
  }
  return 0;
}

}  // namespace

int run_server(config::Config cfg, r53::Env env, ServerOptions options) {
  Server server(std::move(cfg), std::move(env), options);
  return server.run();
}

}  // namespace r53d::daemon
