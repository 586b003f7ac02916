// The documentation keeps up with the key table: every key is in route53d.ini.sample (at its
// default) and in man/route53d.ini.5, and both samples are valid configurations.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "config/config.h"
#include "config/key_table.h"

namespace r53d::config {
namespace {

std::string top() {
  const char* t = std::getenv("R53D_TOP");
  return t ? t : ".";
}

std::string read(const std::string& rel) {
  std::ifstream in(top() + "/" + rel);
  EXPECT_TRUE(in.good()) << "cannot read " << rel << " (run from the top of the tree)";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Samples, EveryKeyIsInTheFullSampleAtItsDefault) {
  std::string sample = read("route53d.ini.sample");
  for (const KeyDef& d : key_table()) {
    std::string want = std::string(";") + d.name + " = ";
    size_t at = sample.find("\n" + want);
    ASSERT_NE(at, std::string::npos) << d.name << " missing from route53d.ini.sample";
    if (d.default_value) {
      EXPECT_NE(sample.find("\n" + want + d.default_value + "\n"), std::string::npos)
          << d.name << " not shown at its default " << d.default_value;
    }
  }
}

TEST(Samples, EveryKeyIsInTheManPage) {
  std::string man = read("man/route53d.ini.5");
  for (const KeyDef& d : key_table()) {
    std::string n = d.name;
    n = std::regex_replace(n, std::regex("-"), "\\-");
    EXPECT_NE(man.find(".BI " + n + " \""), std::string::npos) << d.name << " not in route53d.ini.5";
  }
}

TEST(Samples, FullSampleUncommentedIsValid) {
  std::string sample = read("route53d.ini.sample");
  // Uncomment "key = value" lines and section headers; leave prose comments alone. "user"
  // and "key-file" name an account and a file that need not exist here.
  std::string text = std::regex_replace(sample, std::regex("\n;(\\[|[a-z-]+ = )"), "\n$1");
  text = std::regex_replace(text, std::regex("\n(user|key-file) = [^\n]*"), "\n");
  auto c = parse(text, "route53d.ini.sample");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->zones.size(), 2u);
  EXPECT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->zones[0].allow_update.size(), 2u);
  EXPECT_EQ(c->zones[1].mode, ZoneMode::kSecondary);
  EXPECT_EQ(c->zones[1].secondary.primaries.size(), 1u);
}

TEST(Samples, MinimalSampleOnlyNeedsItsKeyFile) {
  std::string text = read("route53d-minimal.ini.sample");
  auto c = parse(text, "route53d-minimal.ini.sample");
  ASSERT_FALSE(c.ok());  // /etc/route53d/keys.conf does not exist in the test environment
  EXPECT_NE(c.status().message().find("route53d-minimal.ini.sample:6: key-file: cannot open"),
            std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace r53d::config
