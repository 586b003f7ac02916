// `route53d --export`: a hosted zone's record sets -> an RFC 1035 zone file (pure formatting).
//
// The output loads unchanged in named-checkzone and kzonecheck: a header comment, $ORIGIN, the
// SOA first, then every simple record set in ListResourceRecordSets order, one RR per line, all
// names absolute (zone/r53_convert.h zone_file_line). Alias and routing-policy sets (and sets
// made by traffic policies) are written as comments that say what they are and why a zone file
// cannot express them. The text depends only on the input (no time stamps), so two exports of
// the same zone are byte-identical.
//
//   auto text = format_zone_file(zone, rrsets);   // Result<std::string>
//   if (!text.ok()) ...;   // kInvalidArgument: a value that does not parse (names the set)
#pragma once

#include <string>
#include <vector>

#include "r53/model.h"
#include "util/status.h"

namespace r53d::daemon {

struct ExportStats {
  size_t record_sets = 0;  // all sets listed
  size_t records = 0;      // RRs written as zone-file lines
  size_t comments = 0;     // sets written as comments (alias, routing policy, traffic policy)
};

// zone: the hosted zone (name in stored form, id); rrsets: every set of the zone, API order.
Result<std::string> format_zone_file(const r53::HostedZone& zone,
                                     const std::vector<r53::RecordSet>& rrsets,
                                     ExportStats* stats = nullptr);

// The comment block for one read-only set (each line starts with "; "), ending in '\n'.
std::string describe_read_only_set(const r53::RecordSet& set);

}  // namespace r53d::daemon
