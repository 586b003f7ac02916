// route53d's one-shot modes: --check, --list-zones, --export ZONE, --sync ZONE.
//
// Each returns the process exit code (daemon/options.h: 0 success, 1 Route 53 or network
// failure, 2 bad configuration) and writes its result to `out`, problems to `err`. Each first
// prints the configuration's warnings to `err` ("route53d: warning: FILE:LINE: reason"), as
// --check and the daemon's start-up do. --list-zones
// and --export run on an event loop with the same Route 53 client stack as the daemon.
#pragma once

#include <cstdio>
#include <string>

#include "config/config.h"
#include "daemon/options.h"
#include "r53/env.h"

namespace r53d::daemon {

// Prints warnings (to err) and "route53d: FILE: configuration OK" (to out).
int run_check(const config::Config& cfg, FILE* out, FILE* err);

// One line per hosted zone: "ID<TAB>NAME<TAB>public|private<TAB>RECORD-SETS".
int run_list_zones(const config::Config& cfg, const r53::Env& env, FILE* out, FILE* err);

// The zone (a name, any spelling, or a hosted zone ID with or without "/hostedzone/") as an
// RFC 1035 zone file (daemon/zone_export.h). A name that matches no zone or several says so on
// err and lists what it found.
int run_export(const config::Config& cfg, const r53::Env& env, const std::string& zone, FILE* out,
               FILE* err);

// --sync ZONE [--dry-run] [--force] (options.sync_zone: a secondary zone's name, its hosted zone
// ID, or "all"): for each zone, read the hosted zone, transfer the whole zone from its primary
// (AXFR, next primary on failure), and print the plan one line per record set — "+ NAME TTL TYPE
// VALUE...", "- NAME TTL TYPE VALUE...", "~ NAME TYPE TTL VALUE... -> TTL VALUE...", "! NAME TYPE:
// reason" for what is skipped — then the counts and the ChangeResourceRecordSets calls it takes;
// then apply it through the same commit pipeline as the daemon (unless dry_run). Exit 0 in sync or
// applied, 1 failure, 2 configuration, 3 refused by a safety rule (max-change-percent unless
// force; a primary zone with only SOA and NS; the record-set quota).
int run_sync(const config::Config& cfg, const r53::Env& env, const Options& options, FILE* out, FILE* err);

// True if text looks like a hosted zone ID rather than a name ("Z0123ABC", "/hostedzone/Z1").
bool looks_like_zone_id(const std::string& text);

}  // namespace r53d::daemon
