// route53d --sync ZONE [--dry-run] [--force]: one full transfer and comparison of a secondary
// zone, printed as a plan and applied through the daemon's commit pipeline (see oneshot.h).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "commit/route53_backend.h"
#include "commit/sync_edit.h"
#include "commit/zone_committer.h"
#include "daemon/await.h"
#include "daemon/key_ring.h"
#include "daemon/oneshot.h"
#include "daemon/route53_stack.h"
#include "daemon/xfr_transfer_source.h"
#include "r53/names.h"
#include "zone/codec.h"
#include "zone/soa.h"

namespace r53d::daemon {
namespace {

std::string values_of(const zone::RRset& s) {
  std::vector<std::string> v;
  for (const auto& rs : s.stored())
    for (const auto& x : rs.values) v.push_back(x);
  std::sort(v.begin(), v.end());
  std::string out;
  for (const auto& x : v) out += " " + x;
  return out;
}

std::string type_of(const zone::RRset& s) { return zone::type_to_r53(s.type()); }

// One zone: 0 in sync or applied, 1 failure, 3 refused.
int sync_zone(loop::EventBase& loop, Route53Stack& stack, TransferSource& source, const config::ZoneConfig& zc,
              const Options& options, FILE* out, FILE* err) {
  r53::Route53Client& client = stack.client();
  auto fail = [&](const std::string& what, const std::string& why) {
    std::fprintf(err, "route53d: zone %s: %s: %s\n", zc.name.c_str(), what.c_str(), why.c_str());
    return kExitFailure;
  };
  auto apex = zone::Name::from_text(zc.name);
  if (!apex.ok()) return fail("name", apex.status().message());
  std::string zone_id = zc.hosted_zone_id;
  if (zone_id.empty()) {
    auto found = await<r53::ApiResult<std::vector<r53::HostedZone>>>(
        loop, [&](auto cb) { client.find_hosted_zones_by_name(zc.name, std::move(cb)); });
    if (!found || !found->ok()) return fail("ListHostedZonesByName", found ? found->status().message() : "no answer");
    if (found->value().size() != 1)
      return fail("hosted zone", std::to_string(found->value().size()) + " hosted zones have this name; set hosted-zone-id");
    zone_id = r53::bare_id(found->value().front().id);
  }
  auto sets = await<r53::ApiResult<std::vector<r53::RecordSet>>>(
      loop, [&](auto cb) { client.list_rrsets(zone_id, std::move(cb)); });
  if (!sets || !sets->ok()) return fail("ListResourceRecordSets " + zone_id, sets ? sets->status().message() : "no answer");
  int list_calls = sets->requests;
  auto mirror = zone::Mirror::load(*apex, std::move(sets->value()));
  if (!mirror.ok()) return fail("hosted zone " + zone_id, mirror.status().message());

  RefreshRequest req;
  req.apex = *apex;
  req.primaries = zc.secondary.primaries;
  req.transfer_source = zc.secondary.transfer_source;
  req.serial = mirror->serial();
  req.force_axfr = true;
  std::unique_ptr<TransferSource::Handle> running;
  auto got = await<RefreshResult>(loop, [&](auto cb) { running = source.refresh(std::move(req), std::move(cb)); });
  if (!got) return fail("transfer", "no answer");
  if (!got->status.ok()) return fail("transfer", got->status.message());
  if (got->kind != RefreshResult::Kind::kFull) return fail("transfer", "the primary did not send the whole zone");
  auto primary = zone::PrimaryZone::from_full(*apex, got->soa.get(), got->records.get());
  if (!primary.ok()) return fail("transfer", primary.status().message());
  auto pz = std::make_shared<const zone::PrimaryZone>(std::move(*primary));

  commit::SyncOptions so;
  so.policy.apex_ns_from_primary = zc.secondary.apex_ns == config::ApexNsPolicy::kPrimary;
  so.policy.soa_timers_from_primary = zc.secondary.soa_timers == config::SoaTimersPolicy::kPrimary;
  so.max_change_percent = zc.secondary.max_change_percent;
  so.force = options.force;
  so.record_set_quota = zc.record_set_quota;
  so.want_plan = true;
  auto report = std::make_shared<commit::SyncReport>();
  std::string what = "AXFR serial " + std::to_string(pz->serial());
  commit::SyncEdit edit(pz, std::nullopt, so, what, report);
  zone::WriteRules rules{.apex_ns = so.policy.apex_ns_from_primary};
  zone::WorkingCopy wc(*mirror, rules);
  commit::EditResult planned = edit.apply(wc);

  // The plan.
  std::fprintf(out, "; zone %s (hosted zone %s): primary serial %u, Route 53 serial %u\n", zc.name.c_str(),
               zone_id.c_str(), pz->serial(), mirror->serial());
  for (const auto& s : report->skipped)
    std::fprintf(out, "! %s %s: %s\n", s.owner.to_text().c_str(), zone::type_to_r53(s.type).c_str(), s.text.c_str());
  for (const auto& p : report->plan) {
    switch (p.kind) {
      case commit::PlanItem::Kind::kCreate:
        std::fprintf(out, "+ %s %u %s%s\n", p.after->owner().to_text().c_str(), p.after->ttl_s(), type_of(*p.after).c_str(),
                     values_of(*p.after).c_str());
        break;
      case commit::PlanItem::Kind::kDelete:
        std::fprintf(out, "- %s %u %s%s\n", p.before->owner().to_text().c_str(), p.before->ttl_s(),
                     type_of(*p.before).c_str(), values_of(*p.before).c_str());
        break;
      case commit::PlanItem::Kind::kChange:
        std::fprintf(out, "~ %s %s %u%s -> %u%s\n", p.after->owner().to_text().c_str(), type_of(*p.after).c_str(),
                     p.before->ttl_s(), values_of(*p.before).c_str(), p.after->ttl_s(), values_of(*p.after).c_str());
        break;
    }
  }
  for (const auto& t : report->ttl_lowered_text) std::fprintf(out, "; lowest TTL taken: %s\n", t.c_str());
  if (!planned.ok()) {
    std::fprintf(out, "; %s\n", planned.reason.c_str());
    std::fprintf(err, "route53d: zone %s: not pushed: %s\n", zc.name.c_str(), planned.reason.c_str());
    return report->refused ? kExitRefused : kExitFailure;
  }
  bool changes = wc.changed();
  size_t requests = commit::requests_needed(wc);
  if (report->soa_changes && changes)
    std::fprintf(out, "~ %s SOA serial %u -> %u\n", apex->to_text().c_str(), mirror->serial(),
                 zone::final_soa(wc)->soa_serial());
  std::fprintf(out,
               "; %zu to create, %zu to change, %zu to delete, %zu skipped (%s); %zu ChangeResourceRecordSets "
               "request(s) (and %d ListResourceRecordSets read)\n",
               report->creates, report->changes, report->deletes, report->skipped.size(),
               report->skips.total_rrsets() ? report->skips.to_string().c_str() : "none", requests, list_calls);
  if (!changes) {
    std::fprintf(out, "; in sync\n");
    return kExitOk;
  }
  if (options.dry_run) {
    std::fprintf(out, "; dry run: nothing changed\n");
    return kExitOk;
  }
  // Apply through the daemon's pipeline: compare-and-swap batches, the push lock, retries.
  commit::Route53Backend backend(client, loop);
  commit::CommitterOptions co;
  co.write_rules = rules;
  co.lock_lease_ms = zc.lock_lease_ms;
  commit::ZoneCommitter committer(loop, std::move(*mirror), zone_id, backend, co);
  auto report2 = std::make_shared<commit::SyncReport>();
  auto answer = await<commit::EditAnswer>(loop, [&](auto cb) {
    committer.submit(std::make_unique<commit::SyncEdit>(pz, std::nullopt, so, what, report2), std::move(cb));
  });
  if (!answer) return fail("push", "no answer");
  if (answer->rcode != LDNS_RCODE_NOERROR) {
    std::fprintf(err, "route53d: zone %s: not pushed: %s\n", zc.name.c_str(), answer->reason.c_str());
    return report2->refused ? kExitRefused : kExitFailure;
  }
  std::fprintf(out, "; applied: %zu request(s), change %s, serial %u\n", answer->requests,
               answer->change_id.empty() ? "-" : r53::bare_id(answer->change_id).c_str(), answer->serial);
  return kExitOk;
}

}  // namespace

int run_sync(const config::Config& cfg, const r53::Env& env, const Options& options, FILE* out, FILE* err) {
  for (const std::string& w : cfg.warnings) std::fprintf(err, "route53d: warning: %s\n", w.c_str());
  dns::TsigKeyRing ring;
  Status s = build_key_ring(cfg, ring);
  if (!s.ok()) {
    std::fprintf(err, "route53d: %s\n", s.message().c_str());
    return kExitConfig;
  }
  loop::EventBase loop;
  auto stack = Route53Stack::create(loop, cfg.aws, env);
  if (!stack.ok()) {
    std::fprintf(err, "route53d: endpoint: %s\n", stack.status().message().c_str());
    return kExitConfig;
  }
  // Which zones: "all" secondary zones, one by name, or one by hosted zone ID (the configured
  // hosted-zone-id, else the ID its name has in Route 53).
  std::vector<config::ZoneConfig> zones;
  const std::string& want = options.sync_zone;
  bool all = want == "all";
  std::string want_id = looks_like_zone_id(want) ? r53::bare_id(want) : "";
  auto want_name = config::normalize_dns_name(want);
  for (const auto& z : cfg.zones) {
    bool match = all ? z.mode == config::ZoneMode::kSecondary
                     : (want_id.empty() && want_name.ok() && z.name == *want_name) ||
                           (!want_id.empty() && z.hosted_zone_id == want_id);
    if (match) zones.push_back(z);
  }
  if (zones.empty() && !want_id.empty()) {
    for (const auto& z : cfg.zones) {
      if (!z.hosted_zone_id.empty()) continue;
      auto found = await<r53::ApiResult<std::vector<r53::HostedZone>>>(
          loop, [&](auto cb) { (*stack)->client().find_hosted_zones_by_name(z.name, std::move(cb)); });
      if (!found || !found->ok()) continue;
      for (const auto& hz : found->value())
        if (r53::bare_id(hz.id) == want_id) {
          zones.push_back(z);
          zones.back().hosted_zone_id = want_id;
        }
    }
  }
  if (zones.empty()) {
    std::fprintf(err, "route53d: %s: %s\n", cfg.path.c_str(),
                 all ? "no secondary zone is configured"
                     : ("no zone " + want + " in the configuration (a name, its hosted zone ID, or all)").c_str());
    return kExitConfig;
  }
  for (const auto& z : zones) {
    if (z.mode == config::ZoneMode::kSecondary) continue;
    std::fprintf(err, "route53d: %s: zone %s is not a secondary zone: --sync copies a primary's zone\n",
                 z.where.str().c_str(), z.name.c_str());
    return kExitConfig;
  }
  XfrTransferSource source(loop, ring);
  int worst = kExitOk;
  for (const config::ZoneConfig& z : zones) {
    int rc = sync_zone(loop, **stack, source, z, options, out, err);
    if (rc == kExitFailure || (rc == kExitRefused && worst == kExitOk)) worst = rc;
  }
  std::fflush(out);
  return worst;
}

}  // namespace r53d::daemon
