// Tests for the static credential sources, their order and errors, and the shared parsers.
#include "r53/credential_sources.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace r53d::r53 {
namespace {

// Dummy secret only; the tests check it never leaks into messages.
constexpr char kSecret[] = "dummy-secret-do-not-log";

// A temporary HOME with helpers to write ~/.aws files.
class TempHome {
 public:
  TempHome() {
    const char* base = getenv("TEST_TMP");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/r53d-cred-XXXXXX";
    char* d = mkdtemp(tmpl.data());
    EXPECT_NE(d, nullptr);
    dir_ = tmpl;
    mkdir((dir_ + "/.aws").c_str(), 0700);
  }
  ~TempHome() {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (system(cmd.c_str()) != 0) ADD_FAILURE() << "cleanup failed";
  }
  const std::string& dir() const { return dir_; }
  std::string write(const std::string& rel, const std::string& text) const {
    std::string path = dir_ + "/" + rel;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::string dir_;
};

// ---- pure parts ----

TEST(Iso8601, Parses) {
  EXPECT_EQ(*parse_iso8601_ms("2015-08-30T12:36:00Z"), 1'440'938'160'000);
  EXPECT_EQ(*parse_iso8601_ms("2015-08-30T12:36:00.250Z"), 1'440'938'160'250);
  EXPECT_EQ(*parse_iso8601_ms("2015-08-30T14:36:00+02:00"), 1'440'938'160'000);
  EXPECT_EQ(*parse_iso8601_ms("2015-08-30T10:36:00-02:00"), 1'440'938'160'000);
  for (const char* bad : {"", "2015-08-30", "2015-08-30T12:36:00", "2015-13-30T12:36:00Z",
                          "2015-08-30T12:36:00.Z", "2015-08-30T12:36:00 UTC", "x"}) {
    EXPECT_FALSE(parse_iso8601_ms(bad).ok()) << bad;
  }
}

TEST(CredentialsJson, ParsesContainerAndImdsShapes) {
  auto c = parse_credentials_json(
      R"({"Code":"Success","LastUpdated":"2015-08-30T12:00:00Z","Type":"AWS-HMAC",
          "AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"dummy-secret-do-not-log",
          "Token":"tok","Expiration":"2015-08-30T18:36:00Z"})",
      "imds");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c->secret_access_key, kSecret);
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->expiration_ms, 1'440'938'160'000 + 6 * 3600 * 1000LL);
  auto e = parse_credentials_json(R"({"AccessKeyId":"A","SecretAccessKey":"S"})", "container");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->expiration_ms, 0);
}

TEST(CredentialsJson, ErrorsNeverQuoteTheBody) {
  const char* bad[] = {
      "not json dummy-secret-do-not-log",
      R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"dummy-secret-do-not-log"})",
      R"({"SecretAccessKey":"dummy-secret-do-not-log"})",
      R"({"AccessKeyId":"A"})",
      R"({"AccessKeyId":"A","SecretAccessKey":"dummy-secret-do-not-log","Expiration":"soon"})",
      R"([1,2])",
  };
  for (const char* b : bad) {
    auto c = parse_credentials_json(b, "src");
    ASSERT_FALSE(c.ok()) << b;
    EXPECT_EQ(c.status().code(), Code::kUnavailable);
    EXPECT_EQ(c.status().message().find(kSecret), std::string::npos) << c.status().message();
    EXPECT_EQ(c.status().message().rfind("src: ", 0), 0u);
  }
}

// ---- static sources and their order ----

TEST(StaticCredentials, EnvironmentBeforeSharedFiles) {
  TempHome home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  Env env = {{"HOME", home.dir()},
             {"AWS_ACCESS_KEY_ID", "ENVKEY"},
             {"AWS_SECRET_ACCESS_KEY", kSecret},
             {"AWS_SESSION_TOKEN", "envtoken"}};
  auto r = lookup_static_credentials(env, {});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->credentials);
  EXPECT_EQ(r->credentials->access_key_id, "ENVKEY");
  EXPECT_EQ(r->credentials->secret_access_key, kSecret);
  EXPECT_EQ(r->credentials->session_token, "envtoken");
  EXPECT_EQ(r->credentials->source, "environment");
  // Legacy token name.
  env.erase("AWS_SESSION_TOKEN");
  env["AWS_SECURITY_TOKEN"] = "legacy";
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->session_token, "legacy");
}

// Bug: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN beat the keys written in the INI.
// An explicit setting of route53d's configuration wins over the ambient one, as for region.
TEST(StaticCredentials, IniKeysWinOverEnvironment) {
  TempHome home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  Env env = {{"HOME", home.dir()},
             {"AWS_ACCESS_KEY_ID", "ENVKEY"},
             {"AWS_SECRET_ACCESS_KEY", "envsecret"},
             {"AWS_SESSION_TOKEN", "envtoken"}};
  auto r = lookup_static_credentials(
      env, {.access_key_id = "INIKEY", .secret_access_key = kSecret, .session_token = "initok"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->credentials);
  EXPECT_EQ(r->credentials->access_key_id, "INIKEY");
  EXPECT_EQ(r->credentials->secret_access_key, kSecret);
  EXPECT_EQ(r->credentials->session_token, "initok");  // not the environment's token
  EXPECT_EQ(r->credentials->source, "configuration file [aws]");
  EXPECT_TRUE(r->tried.empty());

  // Without a token in the INI, the environment's token is not mixed in either.
  r = lookup_static_credentials(env, {.access_key_id = "INIKEY", .secret_access_key = kSecret});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials->session_token, "");

  // A half-set environment does not matter when the INI has keys.
  r = lookup_static_credentials({{"HOME", home.dir()}, {"AWS_ACCESS_KEY_ID", "ENVKEY"}},
                                {.access_key_id = "INIKEY", .secret_access_key = kSecret});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials->access_key_id, "INIKEY");
}

// A profile named in the INI (passed as AWS_PROFILE) is explicit too: the environment's keys are
// skipped, as botocore skips them for a profile passed in code; AWS_PROFILE alone does not.
TEST(StaticCredentials, IniProfileWinsOverEnvironmentKeys) {
  TempHome home;
  home.write(".aws/credentials", "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = c\n");
  Env env = {{"HOME", home.dir()},
             {"AWS_PROFILE", "ci"},
             {"AWS_ACCESS_KEY_ID", "ENVKEY"},
             {"AWS_SECRET_ACCESS_KEY", kSecret}};
  auto r = lookup_static_credentials(env, {.profile_set = true});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials->access_key_id, "CIKEY");
  EXPECT_EQ(r->tried, (std::vector<std::string>{"configuration file [aws] (no access-key-id)",
                                                "environment (skipped: [aws] profile is set)"}));
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "ENVKEY");

  env["AWS_PROFILE"] = "missing";
  auto bad = lookup_static_credentials(env, {.profile_set = true});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("profile missing (from [aws] profile) not found"),
            std::string::npos)
      << bad.status().message();
}

TEST(StaticCredentials, PartialEnvironmentIsAnError) {
  auto r = lookup_static_credentials({{"AWS_ACCESS_KEY_ID", "K"}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
  r = lookup_static_credentials({{"AWS_SECRET_ACCESS_KEY", kSecret}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
}

TEST(StaticCredentials, IniKeysComeFirst) {
  TempHome home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  auto r = lookup_static_credentials(
      {{"HOME", home.dir()}},
      {.access_key_id = "INIKEY", .secret_access_key = kSecret, .session_token = "initok"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials->access_key_id, "INIKEY");
  EXPECT_EQ(r->credentials->session_token, "initok");
  EXPECT_EQ(r->credentials->source, "configuration file [aws]");
  EXPECT_TRUE(r->tried.empty());

  auto bad = lookup_static_credentials({{"HOME", home.dir()}}, {.access_key_id = "INIKEY", .secret_access_key = "", .session_token = ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("secret-access-key is not"), std::string::npos);
}

TEST(StaticCredentials, SharedCredentialsFileDefaultProfile) {
  TempHome home;
  std::string token(1200, 'Q');  // longer than inih's 200-byte lines
  home.write(".aws/credentials", "# keys\n[other]\naws_access_key_id = OTHER\naws_secret_access_key = o\n"
                                 "[default]\nAWS_ACCESS_KEY_ID = FILEKEY\naws_secret_access_key = " +
                                     std::string(kSecret) + "\naws_session_token = " + token + "\n");
  auto r = lookup_static_credentials({{"HOME", home.dir()}}, {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_TRUE(r->credentials);
  EXPECT_EQ(r->credentials->access_key_id, "FILEKEY");
  EXPECT_EQ(r->credentials->secret_access_key, kSecret);
  EXPECT_EQ(r->credentials->session_token, token);
  EXPECT_EQ(r->credentials->source,
            "shared credentials file " + home.dir() + "/.aws/credentials profile default");
}

TEST(StaticCredentials, ProfileAndFileFromEnvironment) {
  TempHome home;
  std::string path = home.write("creds", "[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = c\n"
                                         "[default]\naws_access_key_id = D\naws_secret_access_key = d\n");
  Env env = {{"HOME", home.dir()}, {"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "ci"}};
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "CIKEY");
  env.erase("AWS_PROFILE");
  env["AWS_DEFAULT_PROFILE"] = "ci";
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "CIKEY");
  env.erase("AWS_DEFAULT_PROFILE");
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "D");
  // "~/" in the variable is the home directory.
  env["AWS_SHARED_CREDENTIALS_FILE"] = "~/creds";
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "D");
}

TEST(StaticCredentials, ConfigFileUsesProfilePrefixAndComesAfterCredentialsFile) {
  TempHome home;
  std::string conf = home.write(
      "config",
      "[default]\nregion = eu-west-1\naws_access_key_id = CONFDEFAULT\naws_secret_access_key = x\n"
      "[profile ci]\nregion = cn-north-1\naws_access_key_id = CONFCI\naws_secret_access_key = y\n"
      "[bare]\naws_access_key_id = BARE\naws_secret_access_key = z\n");
  Env env = {{"HOME", home.dir()}, {"AWS_CONFIG_FILE", conf}};
  auto r = lookup_static_credentials(env, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials->access_key_id, "CONFDEFAULT");
  EXPECT_EQ(r->tried.size(), 3u);  // [aws], environment, credentials file (not found)
  EXPECT_NE(r->tried[2].find("(not found)"), std::string::npos);
  EXPECT_EQ(shared_config_region(env), "eu-west-1");

  env["AWS_PROFILE"] = "ci";
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "CONFCI");
  EXPECT_EQ(shared_config_region(env), "cn-north-1");

  // In the config file a non-default profile needs the "profile " prefix.
  env["AWS_PROFILE"] = "bare";
  auto bare = lookup_static_credentials(env, {});
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("profile bare (from AWS_PROFILE) not found"), std::string::npos);

  // The credentials file wins over the config file.
  home.write(".aws/credentials", "[ci]\naws_access_key_id = CREDCI\naws_secret_access_key = w\n");
  env["AWS_PROFILE"] = "ci";
  EXPECT_EQ(lookup_static_credentials(env, {})->credentials->access_key_id, "CREDCI");
}

TEST(StaticCredentials, UnsupportedProfileKindsAreNamed) {
  TempHome home;
  home.write(".aws/config", "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/dns\n");
  auto r = lookup_static_credentials({{"HOME", home.dir()}, {"AWS_PROFILE", "ci"}}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->credentials);
  ASSERT_FALSE(r->tried.empty());
  EXPECT_NE(r->tried.back().find("uses role_arn, which route53d does not support"), std::string::npos);
}

TEST(StaticCredentials, BrokenFilesAreErrorsWithFileAndLine) {
  TempHome home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = K\nthis line is broken\n");
  auto r = lookup_static_credentials({{"HOME", home.dir()}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), home.dir() + "/.aws/credentials:3: syntax error");

  home.write(".aws/credentials", "[default]\naws_access_key_id = K\n");
  r = lookup_static_credentials({{"HOME", home.dir()}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has aws_access_key_id but no aws_secret_access_key"),
            std::string::npos);
}

TEST(StaticCredentials, NothingFoundListsEverySource) {
  TempHome home;
  auto r = lookup_static_credentials({{"HOME", home.dir()}}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->credentials);
  EXPECT_EQ(r->tried,
            (std::vector<std::string>{
                "configuration file [aws] (no access-key-id)", "environment (AWS_ACCESS_KEY_ID not set)",
                "shared credentials file " + home.dir() + "/.aws/credentials (not found)",
                "shared config file " + home.dir() + "/.aws/config (not found)"}));
}

}  // namespace
}  // namespace r53d::r53
