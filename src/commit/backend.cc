// Classification of failed ChangeResourceRecordSets calls for the group commit.
#include "commit/backend.h"

#include <string_view>

namespace r53d::commit {
namespace {

// route53-api.md §3.2: the three texts that mean "the stored RRset is not what the batch assumed";
// and §3.2, §3.5: a set that conflicts with one the batch did not expect at that name (a routing-
// policy or plain set of the same name and type, a CNAME beside other data). The working copy
// never builds such a conflict against what the mirror holds, so the mirror is stale there: a set
// made behind route53d's back (the console, the AWS CLI) that only a re-read shows.
bool is_cas_text(std::string_view m) {
  return m.find("but it was not found") != std::string_view::npos ||
         m.find("values provided do not match") != std::string_view::npos ||
         m.find("but it already exists") != std::string_view::npos ||
         m.find("RRSet with the same name and type already exists") != std::string_view::npos ||
         m.find("conflicts with other records with the same DNS name") != std::string_view::npos ||
         m.find("because a conflicting RRSet of type") != std::string_view::npos;
}

}  // namespace

Rejection classify_rejection(const ChangeOutcome& outcome) {
  if (outcome.error_code == "InvalidChangeBatch")
    return is_cas_text(outcome.error_message) ? Rejection::kCasLost : Rejection::kBadBatch;
  if (outcome.error_code == "InvalidInput") return Rejection::kBadBatch;
  return Rejection::kFailed;
}

}  // namespace r53d::commit
