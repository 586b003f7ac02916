// Renderings of a Snapshot (snapshot.h): Prometheus text format for GET /metrics, JSON for
// GET /status, a table for `route53d --status`. Pure functions of the snapshot.
//
//   std::string body = status::render_prometheus(snap);  // text/plain; version=0.0.4
//
// Metric names are route53d_*; per-zone families carry a zone="example.com." label. Every
// family is written with its HELP and TYPE lines even while it has no sample, so that dashboards
// and alert rules can be checked against the list (tests/system/ops/metrics.test).
#pragma once

#include <string>

#include "status/snapshot.h"

namespace r53d::status {

std::string render_prometheus(const Snapshot& s);
// JSON object: version, now, ready, process, dns, route53, zones[], config{} (no secrets).
// pretty: indented for people.
std::string render_json(const Snapshot& s, bool pretty = true);
// A few lines of summary, then one line per zone: what `route53d --status` prints.
std::string render_table(const Snapshot& s);

// A label value escaped for the text format (backslash, double quote, newline).
std::string escape_label(const std::string& v);

}  // namespace r53d::status
