// The process environment as an injectable value, so endpoint and credential resolution can be
// tested without touching the real environment.
//
//   Env env = process_environment();        // production
//   Env env = {{"AWS_PROFILE", "ci"}};      // tests
//   std::string p = env_get(env, "AWS_PROFILE");  // "" when unset
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace r53d::r53 {

using Env = std::map<std::string, std::string, std::less<>>;

// A copy of environ at the time of the call.
Env process_environment();

// Value of `name`, or "" when unset. A variable set to "" counts as unset (as in the AWS SDKs).
std::string env_get(const Env& env, std::string_view name);

// True for "true" in any case (the AWS convention for boolean variables).
bool env_true(const Env& env, std::string_view name);

}  // namespace r53d::r53
