// Classification of failed ChangeResourceRecordSets calls for the group commit.
#include "commit/backend.h"

#include <string_view>

namespace r53d::commit {
namespace {

// route53-api.md §3.2: the three texts that mean "the stored RRset is not what the batch assumed".
bool is_cas_text(std::string_view m) {
  return m.find("but it was not found") != std::string_view::npos ||
         m.find("values provided do not match") != std::string_view::npos ||
         m.find("but it already exists") != std::string_view::npos;
}

}  // namespace

Rejection classify_rejection(const ChangeOutcome& outcome) {
  if (outcome.error_code == "InvalidChangeBatch")
    return is_cas_text(outcome.error_message) ? Rejection::kCasLost : Rejection::kBadBatch;
  if (outcome.error_code == "InvalidInput") return Rejection::kBadBatch;
  return Rejection::kFailed;
}

}  // namespace r53d::commit
