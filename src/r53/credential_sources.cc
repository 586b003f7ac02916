// Credential sources that need no network: environment, INI keys, AWS shared files; and the
// parsers shared with the remote sources (credentials JSON, ISO 8601 times).
#include "r53/credential_sources.h"

#include <pwd.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "util/c_ptr.h"
#include "util/ini_text.h"
#include "util/text.h"

namespace r53d::r53 {
namespace {

constexpr size_t kMaxFileBytes = 1u << 20;
constexpr std::string_view kIniSource = "configuration file [aws]";

std::string home_dir(const Env& env) {
  std::string home = env_get(env, "HOME");
  if (!home.empty()) return home;
  struct passwd pw {};
  struct passwd* res = nullptr;
  char buf[4096];
  if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res && res->pw_dir) {
    return res->pw_dir;
  }
  return "";
}

std::string expand_user(const std::string& path, const Env& env) {
  if (path == "~" || path.rfind("~/", 0) == 0) return home_dir(env) + path.substr(1);
  return path;
}
using Sections = std::map<std::string, std::map<std::string, std::string>>;

// Parses an AWS shared file (keys lower-cased; later duplicates win, as in botocore).
Result<Sections> parse_shared_file(const std::string& path, const std::string& text) {
  Sections out;
  Status s = parse_ini_text(text, [&](const IniEntry& e) {
    std::string& v = out[trim(e.section)][ascii_lower(trim(e.name))];
    v = e.value;  // a continuation line replaces (sub-sections are not used here)
    return Status();
  });
  if (!s.ok()) return Status::invalid_argument(path + ":" + s.message());
  return out;
}

std::string profile_name(const Env& env, bool* explicit_profile) {
  std::string p = env_get(env, "AWS_PROFILE");
  if (p.empty()) p = env_get(env, "AWS_DEFAULT_PROFILE");
  *explicit_profile = !p.empty();
  return p.empty() ? "default" : p;
}

std::string credentials_file(const Env& env) {
  std::string f = env_get(env, "AWS_SHARED_CREDENTIALS_FILE");
  return f.empty() ? home_dir(env) + "/.aws/credentials" : expand_user(f, env);
}

std::string config_file(const Env& env) {
  std::string f = env_get(env, "AWS_CONFIG_FILE");
  return f.empty() ? home_dir(env) + "/.aws/config" : expand_user(f, env);
}

const std::map<std::string, std::string>* config_profile(const Sections& s,
                                                         const std::string& profile) {
  auto it = s.find("profile " + profile);
  if (it != s.end()) return &it->second;
  if (profile == "default") {
    it = s.find("default");
    if (it != s.end()) return &it->second;
  }
  return nullptr;
}

// Keys from one profile section: nullopt if it has neither key; an error if only one.
Result<std::optional<Credentials>> keys_from_section(const std::map<std::string, std::string>& sec,
                                                     const std::string& where) {
  auto get = [&](const char* k) {
    auto it = sec.find(k);
    return it == sec.end() ? std::string() : it->second;
  };
  Credentials c;
  c.access_key_id = get("aws_access_key_id");
  c.secret_access_key = get("aws_secret_access_key");
  c.session_token = get("aws_session_token");
  if (c.session_token.empty()) c.session_token = get("aws_security_token");
  if (c.access_key_id.empty() && c.secret_access_key.empty()) return std::optional<Credentials>();
  if (c.access_key_id.empty()) {
    return Status::invalid_argument(where + " has aws_secret_access_key but no aws_access_key_id");
  }
  if (c.secret_access_key.empty()) {
    return Status::invalid_argument(where + " has aws_access_key_id but no aws_secret_access_key");
  }
  c.source = where;
  return std::optional<Credentials>(std::move(c));
}
}  // namespace

// Whole file, nullopt if it does not exist; an error naming the path for anything else.
Result<std::optional<std::string>> read_small_file(const std::string& path) {
  FilePtr f(fopen(path.c_str(), "rb"));
  if (!f) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return Status::permission_denied(path + ": " + strerror(errno));
  }
  std::string data;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f.get())) > 0) {
    data.append(buf, n);
    if (data.size() > kMaxFileBytes) return Status::invalid_argument(path + ": file too large");
  }
  if (ferror(f.get())) return Status::permission_denied(path + ": read error");
  return std::optional<std::string>(std::move(data));
}

Result<int64_t> parse_iso8601_ms(std::string_view s) {
  std::string str(trim(s));
  struct tm tm {};
  int consumed = 0;
  if (sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
             &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return Status::invalid_argument("bad ISO 8601 time");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return Status::invalid_argument("bad ISO 8601 time");
  }
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  std::string_view rest = std::string_view(str).substr(19);
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    int64_t scale = 100;
    size_t digits = 0;
    while (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
      ms += (rest[0] - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return Status::invalid_argument("bad ISO 8601 time");
  }
  if (rest == "Z" || rest == "z") return ms;
  int oh = 0, om = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
      sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
    int64_t off = (oh * 60 + om) * 60'000LL;
    return rest[0] == '+' ? ms - off : ms + off;
  }
  return Status::invalid_argument("bad ISO 8601 time zone");
}

Result<Credentials> parse_credentials_json(std::string_view body, std::string_view source) {
  std::string src(source);
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::unavailable(src + ": response is not a JSON object");
  }
  auto str = [&](const char* k) -> std::string {
    auto it = doc.FindMember(k);
    return it != doc.MemberEnd() && it->value.IsString()
               ? std::string(it->value.GetString(), it->value.GetStringLength())
               : std::string();
  };
  std::string code = str("Code");
  if (doc.HasMember("Code") && code != "Success") {
    return Status::unavailable(src + ": Code is " + (code.empty() ? "not a string" : code.substr(0, 64)));
  }
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  c.source = src;
  if (c.access_key_id.empty()) return Status::unavailable(src + ": no AccessKeyId in response");
  if (c.secret_access_key.empty()) {
    return Status::unavailable(src + ": no SecretAccessKey in response");
  }
  std::string exp = str("Expiration");
  if (!exp.empty()) {
    auto ms = parse_iso8601_ms(exp);
    if (!ms.ok()) return Status::unavailable(src + ": bad Expiration in response");
    c.expiration_ms = *ms;
  }
  return c;
}

Result<StaticLookup> lookup_static_credentials(const Env& env, const IniKeys& ini) {
  StaticLookup out;

  // 1. INI [aws] keys: an explicit setting of route53d's own configuration wins over the
  // ambient environment, as [aws] endpoint and region do.
  if (!ini.access_key_id.empty() && !ini.secret_access_key.empty()) {
    out.credentials = Credentials{ini.access_key_id, ini.secret_access_key, ini.session_token, 0,
                                  std::string(kIniSource)};
    return out;
  }
  if (!ini.access_key_id.empty()) {
    return Status::invalid_argument(std::string(kIniSource) +
                                    ": access-key-id is set but secret-access-key is not");
  }
  if (!ini.secret_access_key.empty()) {
    return Status::invalid_argument(std::string(kIniSource) +
                                    ": secret-access-key is set but access-key-id is not");
  }
  out.tried.push_back(std::string(kIniSource) + " (no access-key-id)");

  // 2. Environment, unless the INI names a profile: as in botocore, a profile given explicitly
  // (not through AWS_PROFILE) negates the environment's keys (route53-api.md §1.6).
  if (ini.profile_set) {
    out.tried.emplace_back("environment (skipped: [aws] profile is set)");
  } else {
    std::string akid = env_get(env, "AWS_ACCESS_KEY_ID");
    std::string secret = env_get(env, "AWS_SECRET_ACCESS_KEY");
    if (!akid.empty() && !secret.empty()) {
      std::string token = env_get(env, "AWS_SESSION_TOKEN");
      if (token.empty()) token = env_get(env, "AWS_SECURITY_TOKEN");
      out.credentials = Credentials{akid, secret, token, 0, "environment"};
      return out;
    }
    if (!akid.empty()) {
      return Status::invalid_argument("environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    if (!secret.empty()) {
      return Status::invalid_argument("environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    }
    out.tried.emplace_back("environment (AWS_ACCESS_KEY_ID not set)");
  }

  // 3 and 4. Shared credentials and config files.
  bool explicit_profile = false;
  std::string profile = profile_name(env, &explicit_profile);
  bool profile_seen = false;
  std::string cred_path = credentials_file(env);
  std::string conf_path = config_file(env);
  {
    auto text = read_small_file(cred_path);
    if (!text.ok()) {
      out.tried.push_back("shared credentials file " + text.status().message());
    } else if (!text->has_value()) {
      out.tried.push_back("shared credentials file " + cred_path + " (not found)");
    } else {
      auto sections = parse_shared_file(cred_path, **text);
      if (!sections.ok()) return sections.status();
      auto it = sections->find(profile);
      if (it == sections->end()) {
        out.tried.push_back("shared credentials file " + cred_path + " (no profile " + profile + ")");
      } else {
        profile_seen = true;
        std::string where = "shared credentials file " + cred_path + " profile " + profile;
        auto keys = keys_from_section(it->second, where);
        if (!keys.ok()) return keys.status();
        if (keys->has_value()) {
          out.credentials = std::move(**keys);
          return out;
        }
        out.tried.push_back(where + " (no aws_access_key_id)");
      }
    }
  }
  {
    auto text = read_small_file(conf_path);
    if (!text.ok()) {
      out.tried.push_back("shared config file " + text.status().message());
    } else if (!text->has_value()) {
      out.tried.push_back("shared config file " + conf_path + " (not found)");
    } else {
      auto sections = parse_shared_file(conf_path, **text);
      if (!sections.ok()) return sections.status();
      const auto* sec = config_profile(*sections, profile);
      if (!sec) {
        out.tried.push_back("shared config file " + conf_path + " (no profile " + profile + ")");
      } else {
        profile_seen = true;
        std::string where = "shared config file " + conf_path + " profile " + profile;
        auto keys = keys_from_section(*sec, where);
        if (!keys.ok()) return keys.status();
        if (keys->has_value()) {
          out.credentials = std::move(**keys);
          return out;
        }
        std::string why = "no aws_access_key_id";
        for (const char* k : {"role_arn", "credential_process", "sso_session", "sso_start_url",
                              "web_identity_token_file"}) {
          if (sec->count(k)) {
            why = std::string("uses ") + k + ", which route53d does not support";
            break;
          }
        }
        out.tried.push_back(where + " (" + why + ")");
      }
    }
  }
  if (explicit_profile && !profile_seen) {
    const char* from = ini.profile_set ? " (from [aws] profile)" : " (from AWS_PROFILE)";
    return Status::invalid_argument("profile " + profile + from + " not found in " +
                                    cred_path + " or " + conf_path);
  }
  return out;
}

std::string shared_config_region(const Env& env) {
  bool explicit_profile = false;
  std::string profile = profile_name(env, &explicit_profile);
  std::string path = config_file(env);
  auto text = read_small_file(path);
  if (!text.ok() || !text->has_value()) return "";
  auto sections = parse_shared_file(path, **text);
  if (!sections.ok()) return "";
  const auto* sec = config_profile(*sections, profile);
  if (!sec) return "";
  auto it = sec->find("region");
  return it == sec->end() ? "" : it->second;
}

}  // namespace r53d::r53
