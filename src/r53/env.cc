// Injectable environment: a snapshot of environ and lookups on it.
#include "r53/env.h"

#include <strings.h>

extern char** environ;

namespace r53d::r53 {

Env process_environment() {
  Env env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::string env_get(const Env& env, std::string_view name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

bool env_true(const Env& env, std::string_view name) {
  return strcasecmp(env_get(env, name).c_str(), "true") == 0;
}

}  // namespace r53d::r53
