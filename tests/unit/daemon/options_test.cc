// Tests for route53d's command line.
#include "daemon/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace r53d::daemon {
namespace {

Result<Options> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "route53d");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, Modes) {
  EXPECT_EQ(parse({})->mode, Mode::kDaemon);
  EXPECT_EQ(parse({})->config_path, kDefaultConfig);
  auto c = parse({"-c", "/tmp/x.ini", "--check"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mode, Mode::kCheck);
  EXPECT_EQ(c->config_path, "/tmp/x.ini");
  EXPECT_EQ(parse({"-c/tmp/y.ini"})->config_path, "/tmp/y.ini");
  EXPECT_EQ(parse({"--config=/tmp/z.ini"})->config_path, "/tmp/z.ini");
  EXPECT_EQ(parse({"--list-zones", "-c", "f"})->mode, Mode::kListZones);
  auto e = parse({"--export", "example.com", "-c", "f"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->mode, Mode::kExport);
  EXPECT_EQ(e->export_zone, "example.com");
  EXPECT_EQ(parse({"--export=ZEXAMPLE"})->export_zone, "ZEXAMPLE");
  EXPECT_EQ(parse({"--version"})->mode, Mode::kVersion);
  EXPECT_EQ(parse({"-h"})->mode, Mode::kHelp);
}

TEST(Options, Errors) {
  EXPECT_EQ(parse({"--export"}).status().message(), "--export needs a ZONE (name or hosted zone ID)");
  EXPECT_EQ(parse({"-c"}).status().message(), "-c needs a FILE");
  EXPECT_EQ(parse({"--frobnicate"}).status().message(), "unknown argument \"--frobnicate\"");
  EXPECT_EQ(parse({"--check", "--list-zones"}).status().message(),
            "--list-zones cannot be combined with another mode");
  EXPECT_EQ(parse({"--check=yes"}).status().message(), "--check takes no value");
}

}  // namespace
}  // namespace r53d::daemon
