// The credential sources that need no network (environment, INI keys, AWS shared files) and the
// parsers the remote sources share. CredentialProvider (credentials.h) runs the whole chain; this
// part is synchronous and pure apart from reading files.
//
//   auto st = lookup_static_credentials(env, {cfg.akid, cfg.secret, cfg.token, !cfg.profile.empty()});
//   if (!st.ok()) fail(st.status());           // a broken source: kInvalidArgument, names it
//   else if (st->credentials) use(*st->credentials);
//   else go_on_with(st->tried);                // "source (why it had nothing)", in order
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "r53/env.h"
#include "r53/sigv4.h"
#include "util/status.h"

namespace r53d::r53 {

// Explicit keys from the INI [aws] section; "" when not set.
struct IniKeys {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};
  // The INI [aws] profile is set (its name is passed as AWS_PROFILE in the Env): the environment's
  // keys are then skipped, as botocore skips them for a profile given explicitly.
  bool profile_set = false;
};

struct StaticLookup {
  std::optional<Credentials> credentials;  // set when one of the sources had keys
  std::vector<std::string> tried;          // "source (why it had nothing)", in order
};

// Sources 1-4 of credentials.h, in order: INI keys, environment (skipped when ini.profile_set),
// shared credentials file (section [NAME]), shared config file (section [profile NAME], or
// [default]). Profile: AWS_PROFILE,
// else AWS_DEFAULT_PROFILE, else "default". Files: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE
// ("~/" expanded), else $HOME/.aws/credentials and $HOME/.aws/config.
// Errors (kInvalidArgument): only one of the two keys in a source, a shared file that does not
// parse ("PATH:LINE: syntax error"), a profile named in the environment found in neither file.
// A file that does not exist or cannot be read is skipped (and listed in `tried`).
Result<StaticLookup> lookup_static_credentials(const Env& env, const IniKeys& ini);

// Region of the selected profile in the shared config file ("" if none or unreadable): the
// "configured region" to pass to resolve_endpoint when the INI has none.
std::string shared_config_region(const Env& env);

// Parses the JSON of the container endpoint or of IMDS (AccessKeyId, SecretAccessKey, Token,
// Expiration; "Code" must be "Success" when present). Errors are kUnavailable, start with
// "<source>: " and never quote the body (it may hold a secret).
Result<Credentials> parse_credentials_json(std::string_view body, std::string_view source);

// "2026-11-22T05:00:00Z", with optional fraction and "+hh:mm"/"-hh:mm" offset -> Unix ms.
Result<int64_t> parse_iso8601_ms(std::string_view s);

// Whole file (at most 1 MiB), nullopt if it does not exist; kPermissionDenied "PATH: reason"
// if it cannot be read, kInvalidArgument if it is too large.
Result<std::optional<std::string>> read_small_file(const std::string& path);

}  // namespace r53d::r53
