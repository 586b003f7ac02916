// Small helpers for the Route 53 data model.
#include "r53/model.h"

namespace r53d::r53 {

const char* action_name(Action a) {
  switch (a) {
    case Action::kCreate: return "CREATE";
    case Action::kDelete: return "DELETE";
    case Action::kUpsert: return "UPSERT";
  }
  return "?";
}

std::string bare_id(const std::string& id) {
  auto pos = id.rfind('/');
  return pos == std::string::npos ? id : id.substr(pos + 1);
}

}  // namespace r53d::r53
