// Tests for the batch builder: counting rules, grouping, order, the request-count bound (property
// tests over random inputs), and the refusal of names that can never fit.
#include "r53/batch_builder.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace r53d::r53 {
namespace {

Change make_change(Action a, const std::string& name, const std::string& type,
                   std::vector<std::string> values) {
  Change c;
  c.action = a;
  c.rrset.name = name;
  c.rrset.type = type;
  c.rrset.ttl_s = 300;
  c.rrset.values = std::move(values);
  return c;
}

TEST(BatchBuilder, CostCountsValuesAndDoublesUpsert) {
  auto c = make_change(Action::kCreate, "a.example.com.", "TXT", {"\"abc\"", "\"de\""});
  EXPECT_EQ(change_cost(c).elements, 2u);
  EXPECT_EQ(change_cost(c).chars, 9u);
  c.action = Action::kUpsert;
  EXPECT_EQ(change_cost(c).elements, 4u);
  EXPECT_EQ(change_cost(c).chars, 18u);
  Change alias;
  alias.rrset.name = "b.example.com.";
  alias.rrset.type = "A";
  alias.rrset.alias_target = AliasTarget{"Z2FDTNDATAQYW2", "d1.cloudfront.net.", false};
  EXPECT_EQ(change_cost(alias).elements, 1u);
  EXPECT_EQ(change_cost(alias).chars, 0u);
}

TEST(BatchBuilder, LowerBoundIsTheLargerDimension) {
  BatchLimits l;
  EXPECT_EQ(lower_bound_requests({0, 0}, l), 0u);
  EXPECT_EQ(lower_bound_requests({1000, 32000}, l), 1u);
  EXPECT_EQ(lower_bound_requests({1001, 10}, l), 2u);
  EXPECT_EQ(lower_bound_requests({10, 96001}, l), 4u);
}

TEST(BatchBuilder, SmallInputIsOneRequestWithDeletesFirstPerName) {
  std::vector<Change> in = {
      make_change(Action::kCreate, "www.example.com.", "A", {"192.0.2.2"}),
      make_change(Action::kCreate, "mail.example.com.", "A", {"192.0.2.9"}),
      make_change(Action::kDelete, "WWW.example.com", "A", {"192.0.2.1"}),  // same name
  };
  auto r = build_batches(in);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 1u);
  const auto& req = (*r)[0];
  ASSERT_EQ(req.size(), 3u);
  EXPECT_EQ(req[0].action, Action::kDelete);
  EXPECT_EQ(req[0].rrset.values[0], "192.0.2.1");
  EXPECT_EQ(req[1].rrset.values[0], "192.0.2.2");
  EXPECT_EQ(req[2].rrset.name, "mail.example.com.");
}

TEST(BatchBuilder, EmptyInputGivesNoRequests) {
  auto r = build_batches({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(BatchBuilder, NameThatCanNeverFitIsRefused) {
  std::vector<std::string> values;
  for (int i = 0; i < 600; i++) values.push_back("192.0.2." + std::to_string(i % 250));
  std::vector<Change> in = {
      make_change(Action::kCreate, "ok.example.com.", "A", {"192.0.2.1"}),
      make_change(Action::kUpsert, "big.example.com.", "A", values),  // 1200 elements
  };
  auto r = build_batches(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  EXPECT_NE(r.status().message().find("big.example.com."), std::string::npos);
  EXPECT_NE(r.status().message().find("1200 ResourceRecord elements"), std::string::npos)
      << r.status().message();

  // The same values as a CREATE (600 elements) fit.
  in[1].action = Action::kCreate;
  EXPECT_TRUE(build_batches(in).ok());
}

TEST(BatchBuilder, DeleteAndCreateOfOneNameNeverSplit) {
  // 2 x 600 elements for one name exceeds the limit as a whole: refused, not split.
  std::vector<std::string> v(600, "192.0.2.1");
  std::vector<Change> in = {make_change(Action::kDelete, "x.example.com.", "A", v),
                            make_change(Action::kCreate, "x.example.com.", "A", v)};
  auto r = build_batches(in);
  EXPECT_FALSE(r.ok());
}

TEST(BatchBuilder, CharacterLimitSplitsRequests) {
  // 40 TXT values of 1000+2 chars: 40,080 chars -> 2 requests.
  std::vector<Change> in;
  for (int i = 0; i < 40; i++) {
    in.push_back(make_change(Action::kCreate, "t" + std::to_string(i) + ".example.com.", "TXT",
                             {"\"" + std::string(1000, 'x') + "\""}));
  }
  auto r = build_batches(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  for (const auto& req : *r) EXPECT_LE(total_cost(req).chars, 32000u);
}

// Checks every invariant of a result against its input; returns the number of requests.
size_t check_invariants(const std::vector<Change>& in, const std::vector<std::vector<Change>>& out,
                        const BatchLimits& limits) {
  std::map<std::string, size_t> request_of_name;
  size_t total = 0;
  for (size_t ri = 0; ri < out.size(); ri++) {
    EXPECT_FALSE(out[ri].empty());
    EXPECT_TRUE(total_cost(out[ri]).fits(limits)) << "request " << ri;
    std::map<std::string, bool> seen_non_delete;
    for (const Change& c : out[ri]) {
      auto [it, ins] = request_of_name.emplace(c.rrset.name, ri);
      EXPECT_EQ(it->second, ri) << "name split across requests: " << c.rrset.name;
      if (c.action == Action::kDelete) {
        EXPECT_FALSE(seen_non_delete[c.rrset.name]) << "delete after create: " << c.rrset.name;
      } else {
        seen_non_delete[c.rrset.name] = true;
      }
      total++;
    }
  }
  EXPECT_EQ(total, in.size());
  // Same multiset of changes, and per name the same relative order among deletes and among
  // non-deletes.
  std::map<std::string, std::vector<const Change*>> want, got;
  for (const auto& c : in) want[c.rrset.name + (c.action == Action::kDelete ? "/d" : "/c")].push_back(&c);
  for (const auto& req : out) {
    for (const auto& c : req) got[c.rrset.name + (c.action == Action::kDelete ? "/d" : "/c")].push_back(&c);
  }
  EXPECT_EQ(want.size(), got.size());
  for (auto& [k, v] : want) {
    auto& g = got[k];
    EXPECT_EQ(v.size(), g.size()) << k;
    for (size_t i = 0; i < std::min(v.size(), g.size()); i++) EXPECT_EQ(*v[i], *g[i]) << k;
  }
  return out.size();
}

std::vector<Change> random_changes(std::mt19937_64& rng, size_t n_names, size_t max_values,
                                   size_t max_value_len) {
  std::vector<Change> in;
  std::uniform_int_distribution<int> action(0, 2);
  std::uniform_int_distribution<size_t> nvals(1, max_values);
  std::uniform_int_distribution<size_t> vlen(1, max_value_len);
  std::uniform_int_distribution<size_t> per_name(1, 3);
  for (size_t i = 0; i < n_names; i++) {
    std::string name = "n" + std::to_string(i) + ".example.com.";
    size_t k = per_name(rng);
    for (size_t j = 0; j < k; j++) {
      std::vector<std::string> vals;
      size_t nv = nvals(rng);
      for (size_t v = 0; v < nv; v++) vals.push_back(std::string(vlen(rng), 'a' + static_cast<char>(v % 26)));
      in.push_back(make_change(static_cast<Action>(action(rng)), name, j % 2 ? "TXT" : "A", vals));
    }
  }
  std::shuffle(in.begin(), in.end(), rng);
  return in;
}

TEST(BatchBuilder, PropertySmallNamesMeetTheBound) {
  // Names small against the limits (mixes of element-heavy and character-heavy ones): the
  // number of requests is the lower bound or one more.
  BatchLimits limits;
  size_t at_bound = 0, runs = 0;
  for (uint64_t seed = 1; seed <= 60; seed++) {
    std::mt19937_64 rng(seed);
    size_t names = 50 + seed * 37 % 1500;
    auto in = random_changes(rng, names, 1 + seed % 8, seed % 2 ? 40 : 300);
    auto r = build_batches(in, limits);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    size_t n = check_invariants(in, *r, limits);
    size_t lb = lower_bound_requests(total_cost(in), limits);
    EXPECT_LE(n, lb + 1) << "seed " << seed << " lb " << lb;
    EXPECT_GE(n, lb);
    at_bound += n == lb;
    runs++;
  }
  EXPECT_GE(at_bound * 2, runs) << "should usually hit the lower bound exactly";
}

TEST(BatchBuilder, PropertyMixedProfilesMeetTheBound) {
  // Half the names are element-heavy (many short values), half character-heavy (few long
  // values): packing must balance both dimensions to stay within one of the bound.
  BatchLimits limits;
  for (uint64_t seed = 1; seed <= 60; seed++) {
    std::mt19937_64 rng(seed * 7919);
    auto a = random_changes(rng, 100 + seed * 13 % 700, 20, 8);
    auto b = random_changes(rng, 100 + seed * 29 % 400, 1, 600);
    for (auto& c : b) c.rrset.name = "c" + c.rrset.name;
    a.insert(a.end(), b.begin(), b.end());
    std::shuffle(a.begin(), a.end(), rng);
    auto r = build_batches(a, limits);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    size_t n = check_invariants(a, *r, limits);
    size_t lb = lower_bound_requests(total_cost(a), limits);
    EXPECT_LE(n, lb + 1) << "seed " << seed << " lb " << lb;
  }
}

TEST(BatchBuilder, PropertyAnyInputIsValid) {
  // Larger names (up to ~1/3 of a limit): the bound cannot always be met, but every result is
  // valid and no worse than one request per name.
  BatchLimits limits;
  for (uint64_t seed = 100; seed < 140; seed++) {
    std::mt19937_64 rng(seed);
    auto in = random_changes(rng, 5 + seed % 60, 100, 100);
    auto r = build_batches(in, limits);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
      continue;
    }
    check_invariants(in, *r, limits);
  }
}

TEST(BatchBuilder, TightLimitsProperty) {
  // Small limits make packing hard; results must still respect them exactly.
  BatchLimits limits{10, 100};
  for (uint64_t seed = 1; seed <= 100; seed++) {
    std::mt19937_64 rng(seed);
    auto in = random_changes(rng, 1 + seed % 30, 2, 12);
    auto r = build_batches(in, limits);
    if (!r.ok()) continue;
    size_t n = check_invariants(in, *r, limits);
    EXPECT_GE(n, lower_bound_requests(total_cost(in), limits));
  }
}

}  // namespace
}  // namespace r53d::r53
