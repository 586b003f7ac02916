// Classification of failed ChangeResourceRecordSets calls for the group commit.
#include "commit/backend.h"

#include <string_view>

namespace r53d::commit {
namespace {

// route53-api.md §3.2: the three texts that mean "the stored RRset is not what the batch assumed";
// §3.5: the two CNAME conflicts, which mean the same when another writer put a CNAME (or other
// data) at a name where the mirror has none; §3.2: a plain set where a routing-policy set of the
// same name and type was made behind route53d's back (the console, the AWS CLI), or the reverse.
// If the re-read finds nothing changed, the committer handles the refusal as a bad batch
// (zone_committer.h).
bool is_cas_text(std::string_view m) {
  return m.find("but it was not found") != std::string_view::npos ||
         m.find("values provided do not match") != std::string_view::npos ||
         m.find("but it already exists") != std::string_view::npos ||
         m.find("RRSet with the same name and type already exists") != std::string_view::npos ||
         m.find("conflicts with other records with the same DNS name") != std::string_view::npos ||
         m.find("because a conflicting RRSet of type") != std::string_view::npos;
}

}  // namespace

// The callback is taken by value: that is the virtual's signature, whose overrides keep it.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void ZoneBackend::read_page_background(const std::string&, const PageStart&, PageCallback cb) {
  // No loop here to defer on, so this one answers before returning: the committer only asks for
  // background pages when refresh_interval_ms is set, which the daemon does with Route53Backend.
  cb(Status::failed_precondition("this backend has no background reads"));
}

Rejection classify_rejection(const ChangeOutcome& outcome) {
  if (outcome.error_code == "InvalidChangeBatch")
    return is_cas_text(outcome.error_message) ? Rejection::kCasLost : Rejection::kBadBatch;
  if (outcome.error_code == "InvalidInput") return Rejection::kBadBatch;
  return Rejection::kFailed;
}

}  // namespace r53d::commit
