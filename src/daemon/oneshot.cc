// The one-shot modes of route53d: --check, --list-zones and --export, on the daemon's client stack.
#include "daemon/oneshot.h"

#include <optional>

#include "daemon/await.h"
#include "daemon/options.h"
#include "daemon/route53_stack.h"
#include "daemon/zone_export.h"
#include "loop/event_base.h"
#include "r53/names.h"

namespace r53d::daemon {
namespace {

// One API call, waited for; a loop that runs dry gives an internal error.
template <class T, class Start>
r53::ApiResult<T> await_api(loop::EventBase& loop, Start start) {
  auto r = daemon::await<r53::ApiResult<T>>(loop, std::move(start));
  if (r) return std::move(*r);
  r53::ApiResult<T> fail;
  fail.result = Status::internal("event loop ran dry before the call finished");
  return fail;
}

// The configuration's warnings, as --check and the daemon's start-up report them.
void print_warnings(const config::Config& cfg, FILE* err) {
  for (const std::string& w : cfg.warnings) std::fprintf(err, "route53d: warning: %s\n", w.c_str());
}

void print_error(FILE* err, const std::string& what, const Status& s) {
  std::fprintf(err, "route53d: %s: %s\n", what.c_str(), s.message().c_str());
}

std::string zone_line(const r53::HostedZone& z) {
  return r53::bare_id(z.id) + "\t" + z.name + "\t" + (z.private_zone ? "private" : "public") +
         "\t" + std::to_string(z.record_set_count);
}

}  // namespace

bool looks_like_zone_id(const std::string& text) {
  const std::string& t = text;
  if (t.rfind("/hostedzone/", 0) == 0) return true;
  if (t.empty() || t.size() > 32) return false;
  return t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
}

int run_check(const config::Config& cfg, FILE* out, FILE* err) {
  print_warnings(cfg, err);
  std::fprintf(out, "route53d: %s: configuration OK (%zu zone%s, %zu key%s)\n", cfg.path.c_str(),
               cfg.zones.size(), cfg.zones.size() == 1 ? "" : "s", cfg.keys.size(),
               cfg.keys.size() == 1 ? "" : "s");
  return kExitOk;
}

int run_list_zones(const config::Config& cfg, const r53::Env& env, FILE* out, FILE* err) {
  print_warnings(cfg, err);
  loop::EventBase loop;
  auto stack = Route53Stack::create(loop, cfg.aws, env);
  if (!stack.ok()) {
    print_error(err, "endpoint", stack.status());
    return kExitConfig;
  }
  r53::Route53Client& client = (*stack)->client();
  auto zones = await_api<std::vector<r53::HostedZone>>(
      loop, [&](auto cb) { client.list_hosted_zones(std::move(cb)); });
  if (!zones.ok()) {
    print_error(err, "ListHostedZones", zones.status());
    return kExitFailure;
  }
  for (const r53::HostedZone& z : zones.value()) std::fprintf(out, "%s\n", zone_line(z).c_str());
  return std::fflush(out) == 0 ? kExitOk : kExitFailure;
}

int run_export(const config::Config& cfg, const r53::Env& env, const std::string& zone_arg,
               FILE* out, FILE* err) {
  print_warnings(cfg, err);
  loop::EventBase loop;
  auto stack = Route53Stack::create(loop, cfg.aws, env);
  if (!stack.ok()) {
    print_error(err, "endpoint", stack.status());
    return kExitConfig;
  }
  r53::Route53Client& client = (*stack)->client();

  r53::HostedZone zone;
  if (looks_like_zone_id(zone_arg)) {
    auto z = await_api<r53::HostedZoneDetails>(
        loop, [&](auto cb) { client.get_hosted_zone(zone_arg, std::move(cb)); });
    if (!z.ok()) {
      print_error(err, "GetHostedZone " + r53::bare_id(zone_arg), z.status());
      return kExitFailure;
    }
    zone = z.value().zone;
  } else {
    auto name = r53::normalize_name(zone_arg);
    if (!name.ok()) {
      std::fprintf(err, "route53d: \"%s\" is neither a zone name nor a hosted zone ID: %s\n",
                   zone_arg.c_str(), name.status().message().c_str());
      return kExitConfig;
    }
    auto found = await_api<std::vector<r53::HostedZone>>(
        loop, [&](auto cb) { client.find_hosted_zones_by_name(*name, std::move(cb)); });
    if (!found.ok()) {
      print_error(err, "ListHostedZonesByName", found.status());
      return kExitFailure;
    }
    if (found.value().size() != 1) {
      if (found.value().empty()) {
        // Say what there is, so a typo is easy to see.
        auto all = await_api<std::vector<r53::HostedZone>>(
            loop, [&](auto cb) { client.list_hosted_zones(std::move(cb)); });
        std::fprintf(err, "route53d: no hosted zone named %s", name->c_str());
        if (all.ok()) {
          std::fprintf(err, "; the account has %zu:\n", all.value().size());
          size_t shown = 0;
          for (const auto& z : all.value()) {
            if (++shown > 50) {
              std::fprintf(err, "  ... and %zu more\n", all.value().size() - 50);
              break;
            }
            std::fprintf(err, "  %s\n", zone_line(z).c_str());
          }
        } else {
          std::fprintf(err, "\n");
        }
      } else {
        std::fprintf(err,
                     "route53d: %zu hosted zones are named %s; export one by its ID:\n",
                     found.value().size(), name->c_str());
        for (const auto& z : found.value()) std::fprintf(err, "  %s\n", zone_line(z).c_str());
      }
      return kExitFailure;
    }
    zone = found.value().front();
  }

  auto rrsets = await_api<std::vector<r53::RecordSet>>(
      loop, [&](auto cb) { client.list_rrsets(zone.id, std::move(cb)); });
  if (!rrsets.ok()) {
    print_error(err, "ListResourceRecordSets " + r53::bare_id(zone.id), rrsets.status());
    return kExitFailure;
  }
  ExportStats stats;
  auto text = format_zone_file(zone, rrsets.value(), &stats);
  if (!text.ok()) {
    print_error(err, "export of " + zone.name, text.status());
    return kExitFailure;
  }
  if (std::fwrite(text->data(), 1, text->size(), out) != text->size() || std::fflush(out) != 0) {
    std::fprintf(err, "route53d: cannot write the zone file\n");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace r53d::daemon
