// Tests for parse_ini_text: inih semantics kept, long lines intact, line numbers, errors.
#include "util/ini_text.h"

#include <gtest/gtest.h>

#include <vector>

namespace r53d {
namespace {

std::vector<IniEntry> parse_all(std::string_view text, Status* status) {
  std::vector<IniEntry> out;
  *status = parse_ini_text(text, [&](const IniEntry& e) {
    out.push_back(e);
    return Status();
  });
  return out;
}

TEST(IniText, SectionsNamesValuesAndLines) {
  Status s;
  auto v = parse_all("# comment\n[default]\nregion = us-east-1 ; inline\n\n[profile x]\nk: v\n", &s);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].section, "default");
  EXPECT_EQ(v[0].name, "region");
  EXPECT_EQ(v[0].value, "us-east-1");
  EXPECT_EQ(v[0].line, 3);
  EXPECT_EQ(v[1].section, "profile x");
  EXPECT_EQ(v[1].name, "k");
  EXPECT_EQ(v[1].value, "v");
  EXPECT_EQ(v[1].line, 6);
}

TEST(IniText, LongValuesArriveIntact) {
  std::string token(3000, 'T');
  token[100] = '/';
  token[200] = '+';
  token[300] = '=';
  std::string text = "[default]\naws_session_token = " + token + "  ; trailing comment\r\n" +
                     "x = " + std::string(250, 'y') + "\n" + "after = 1\n";
  Status s;
  auto v = parse_all(text, &s);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].name, "aws_session_token");
  EXPECT_EQ(v[0].value, token);
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[1].value, std::string(250, 'y'));
  EXPECT_EQ(v[2].name, "after");
  EXPECT_EQ(v[2].line, 4);
}

TEST(IniText, LongCommentIsIgnoredAndLongSectionIsAnError) {
  Status s;
  auto v = parse_all("# " + std::string(500, 'c') + "\n[a]\nk=v\n", &s);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
  parse_all("[a]\n[" + std::string(500, 's') + "]\nk=v\n", &s);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "2: syntax error");
}

TEST(IniText, SyntaxErrorGivesFirstBadLine) {
  Status s;
  parse_all("[a]\nk=v\nno separator here\nalso bad\n", &s);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "3: syntax error");
}

TEST(IniText, HandlerErrorCarriesItsLine) {
  Status s = parse_ini_text("[a]\nk=v\nbad=1\nworse=2\n", [](const IniEntry& e) {
    if (e.name == "bad" || e.name == "worse") return Status::invalid_argument("no " + e.name);
    return Status();
  });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "3: no bad");
}

TEST(IniText, MultiLineContinuationKeepsInihBehaviour) {
  Status s;
  auto v = parse_all("[services local]\nroute_53 =\n  endpoint_url = http://127.0.0.1:8053\n", &s);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].value, "");
  EXPECT_EQ(v[1].name, "route_53");
  EXPECT_EQ(v[1].value, "endpoint_url = http://127.0.0.1:8053");
  EXPECT_EQ(v[1].line, 3);
}

}  // namespace
}  // namespace r53d
