// route53-sim: entry point of the local Route 53 API simulator (options, state, zones, loop).
#include <event2/event.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "sim/options.h"
#include "sim/server.h"
#include "sim/state_file.h"
#include "sim/store.h"
#include "util/c_ptr.h"
#include "util/clock.h"
#include "util/log.h"

namespace {

using r53d::sim::Options;
using BasePtr = r53d::CPtr<event_base, &event_base_free>;
using SignalPtr = r53d::CPtr<event, &event_free>;

void on_signal_cb(evutil_socket_t sig, short, void* arg) noexcept {
  r53d::log::notice("signal %d: shutting down", static_cast<int>(sig));
  event_base_loopexit(static_cast<event_base*>(arg), nullptr);
}

int run(const Options& opts) {
  r53d::SystemClock& clock = r53d::SystemClock::instance();
  r53d::sim::StoreOptions so;
  so.insync_after_ms = static_cast<int64_t>(opts.insync_after_s * 1000);
  so.apply_time_ms = opts.apply_time_ms;
  so.max_rrsets_per_zone = opts.max_rrsets_per_zone;
  so.seed = opts.seed;
  r53d::sim::Store store(so);

  if (!opts.state_file.empty()) {
    auto text = r53d::sim::read_state_file(opts.state_file);
    if (text.ok()) {
      r53d::Status s = store.load_json(*text);
      if (!s.ok()) {
        std::fprintf(stderr, "route53-sim: %s: %s\n", opts.state_file.c_str(), s.message().c_str());
        return 1;
      }
      store.set_options(so);  // the command line wins over what the file says
      r53d::log::info("state loaded from %s: %lld zones, %lld record sets", opts.state_file.c_str(),
                      static_cast<long long>(store.stats().zones),
                      static_cast<long long>(store.stats().rrsets));
    } else if (text.status().code() == r53d::Code::kNotFound) {
      r53d::log::info("state file %s does not exist: starting empty", opts.state_file.c_str());
    } else {
      std::fprintf(stderr, "route53-sim: %s\n", text.status().message().c_str());
      return 1;
    }
  }
  for (const auto& z : opts.zones) {
    if (store.has_zone(z.id)) continue;
    r53d::sim::CreateZoneRequest cz;
    cz.name = z.name;
    cz.caller_reference = "route53-sim-" + z.id;
    cz.id = z.id;
    auto created = store.create_hosted_zone(cz, clock.wall_ms());
    if (!created.ok()) {
      std::fprintf(stderr, "route53-sim: --zone %s=%s: %s: %s\n", z.name.c_str(), z.id.c_str(),
                   created.error().code.c_str(), created.error().message.c_str());
      return 2;
    }
    r53d::log::info("created hosted zone %s %s", created->view.zone.name.c_str(), z.id.c_str());
  }

  BasePtr base(event_base_new());
  if (!base) {
    std::fprintf(stderr, "route53-sim: event_base_new failed\n");
    return 1;
  }
  r53d::sim::Server server(base.get(), opts, store, clock);
  if (r53d::Status s = server.start(); !s.ok()) {
    std::fprintf(stderr, "route53-sim: %s\n", s.message().c_str());
    return 1;
  }
  if (r53d::Status s = server.save_state(); !s.ok()) {
    std::fprintf(stderr, "route53-sim: cannot write state: %s\n", s.message().c_str());
    return 1;
  }
  SignalPtr sigterm(evsignal_new(base.get(), SIGTERM, on_signal_cb, base.get()));
  SignalPtr sigint(evsignal_new(base.get(), SIGINT, on_signal_cb, base.get()));
  evsignal_add(sigterm.get(), nullptr);
  evsignal_add(sigint.get(), nullptr);

  if (opts.credentials.empty()) {
    r53d::log::warning("no --credentials: request signatures are NOT checked");
  } else {
    r53d::log::info("checking SigV4 signatures for %zu access key(s)", opts.credentials.size());
  }
  if (opts.rate > 0) {
    r53d::log::info("rate limit %g requests/s per access key (burst %g)", opts.rate, opts.burst);
  } else {
    r53d::log::info("rate limiting off");
  }
  if (opts.faults.any()) {
    r53d::log::info("fault injection: throttle=%g error500=%g error503=%g reset=%g lost=%g latency=%lldms",
                    opts.faults.throttle_p, opts.faults.error500_p, opts.faults.error503_p,
                    opts.faults.reset_p, opts.faults.lost_p, static_cast<long long>(opts.faults.latency_ms));
  }
  std::printf("listening on %s\n", server.address().c_str());
  std::fflush(stdout);
  r53d::log::info("listening on %s", server.address().c_str());

  event_base_dispatch(base.get());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  r53d::log::set_ident("route53-sim");
  auto opts = r53d::sim::parse_options(argc, argv);
  if (!opts.ok()) {
    std::fprintf(stderr, "route53-sim: %s\n", opts.status().message().c_str());
    std::fprintf(stderr, "usage: route53-sim --listen ADDR:PORT [--credentials AKID:SECRET]... "
                         "[--rate N] [--insync-after SECONDS] [--max-rrsets-per-zone N] "
                         "[--zone NAME=ID]... [--state FILE] "
                         "[--fault throttle=P,error=P,reset=P,lost=P,latency=MS]  (--help for more)\n");
    return 2;
  }
  if (opts->help) {
    std::fputs(r53d::sim::usage_text(), stdout);
    return 0;
  }
  return run(*opts);
}
