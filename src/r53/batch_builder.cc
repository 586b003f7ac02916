// Batch builder: group changes by name, then pack the groups into as few requests as possible.
#include "r53/batch_builder.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "r53/names.h"

namespace r53d::r53 {
namespace {

struct Group {
  size_t first_index = 0;  // position of the name's first change in the input
  std::string name;
  std::vector<const Change*> changes;
  BatchCost cost;
  double size = 0;  // max of the normalised dimensions, for sorting
};

double norm(size_t v, size_t limit) { return limit ? static_cast<double>(v) / limit : 0.0; }

struct Bin {
  BatchCost load;
  std::vector<size_t> groups;
};

// Places groups (already sorted, largest first) into exactly k bins, each into the bin where
// the larger of its two normalised loads ends up smallest (keeps both dimensions balanced).
// Returns false if some group fits no bin.
bool pack_balanced(const std::vector<Group>& groups, const std::vector<size_t>& order, size_t k,
                   const BatchLimits& limits, std::vector<Bin>& bins) {
  bins.assign(k, Bin{});
  for (size_t gi : order) {
    const Group& g = groups[gi];
    size_t best = k;
    double best_max = 0, best_sum = 0;
    for (size_t b = 0; b < k; b++) {
      BatchCost after = bins[b].load;
      after += g.cost;
      if (!after.fits(limits)) continue;
      double e = norm(after.elements, limits.max_elements);
      double c = norm(after.chars, limits.max_value_chars);
      double mx = std::max(e, c), sum = e + c;
      if (best == k || mx < best_max || (mx == best_max && sum < best_sum)) {
        best = b;
        best_max = mx;
        best_sum = sum;
      }
    }
    if (best == k) return false;
    bins[best].load += g.cost;
    bins[best].groups.push_back(gi);
  }
  return true;
}

// First-fit decreasing with as many bins as needed; always succeeds for groups that fit alone.
std::vector<Bin> pack_first_fit(const std::vector<Group>& groups, const std::vector<size_t>& order,
                                const BatchLimits& limits) {
  std::vector<Bin> bins;
  for (size_t gi : order) {
    const Group& g = groups[gi];
    bool placed = false;
    for (Bin& b : bins) {
      BatchCost after = b.load;
      after += g.cost;
      if (after.fits(limits)) {
        b.load = after;
        b.groups.push_back(gi);
        placed = true;
        break;
      }
    }
    if (!placed) bins.push_back(Bin{g.cost, {gi}});
  }
  return bins;
}

}  // namespace

BatchCost change_cost(const Change& c) {
  BatchCost cost;
  if (c.rrset.is_alias()) {
    cost.elements = 1;  // "including alias records" (route53-api.md §3.8)
  } else {
    cost.elements = c.rrset.values.size();
    for (const auto& v : c.rrset.values) cost.chars += v.size();
  }
  if (c.action == Action::kUpsert) {
    cost.elements *= 2;
    cost.chars *= 2;
  }
  return cost;
}

BatchCost total_cost(const std::vector<Change>& changes) {
  BatchCost t;
  for (const auto& c : changes) t += change_cost(c);
  return t;
}

size_t lower_bound_requests(const BatchCost& total, const BatchLimits& limits) {
  auto ceil_div = [](size_t a, size_t b) { return b ? (a + b - 1) / b : 0; };
  size_t n = std::max(ceil_div(total.elements, limits.max_elements),
                      ceil_div(total.chars, limits.max_value_chars));
  return n;
}

Result<std::vector<std::vector<Change>>> build_batches(const std::vector<Change>& changes,
                                                       const BatchLimits& limits) {
  std::vector<std::vector<Change>> out;
  if (changes.empty()) return out;

  // 1. Group by stored name, in order of first appearance.
  std::vector<Group> groups;
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < changes.size(); i++) {
    const Change& c = changes[i];
    auto n = normalize_name(c.rrset.name);
    std::string key = n.ok() ? *n : c.rrset.name;  // invalid names: Route 53 will say why
    auto [it, inserted] = by_name.emplace(key, groups.size());
    if (inserted) groups.push_back(Group{i, c.rrset.name, {}, {}, 0});
    Group& g = groups[it->second];
    g.changes.push_back(&c);
    g.cost += change_cost(c);
  }
  // 2. Deletes first within a name; refuse a name that can never fit.
  for (Group& g : groups) {
    std::stable_partition(g.changes.begin(), g.changes.end(),
                          [](const Change* c) { return c->action == Action::kDelete; });
    if (!g.cost.fits(limits)) {
      return Status::resource_exhausted(
          "changes for " + g.name + " need " + std::to_string(g.cost.elements) +
          " ResourceRecord elements and " + std::to_string(g.cost.chars) +
          " value characters (UPSERT counted twice); one request holds at most " +
          std::to_string(limits.max_elements) + " and " + std::to_string(limits.max_value_chars));
    }
    g.size = std::max(norm(g.cost.elements, limits.max_elements),
                      norm(g.cost.chars, limits.max_value_chars));
  }
  // 3. Pack: largest groups first. Try the lower bound and one more with balanced placement,
  // else fall back to first-fit decreasing (big groups: the bound may be unreachable).
  std::vector<size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return groups[a].size > groups[b].size; });
  size_t lb = std::max<size_t>(1, lower_bound_requests(total_cost(changes), limits));
  std::vector<Bin> bins;
  bool packed = false;
  for (size_t k = lb; k <= lb + 1 && k <= groups.size() && !packed; k++) {
    packed = pack_balanced(groups, order, k, limits, bins);
  }
  if (!packed) bins = pack_first_fit(groups, order, limits);

  // 4. Emit: inside a request, names in input order; requests by their earliest name.
  for (Bin& b : bins) {
    std::sort(b.groups.begin(), b.groups.end(),
              [&](size_t x, size_t y) { return groups[x].first_index < groups[y].first_index; });
  }
  bins.erase(std::remove_if(bins.begin(), bins.end(), [](const Bin& b) { return b.groups.empty(); }),
             bins.end());
  std::sort(bins.begin(), bins.end(), [&](const Bin& x, const Bin& y) {
    return groups[x.groups.front()].first_index < groups[y.groups.front()].first_index;
  });
  for (const Bin& b : bins) {
    std::vector<Change> req;
    for (size_t gi : b.groups) {
      for (const Change* c : groups[gi].changes) req.push_back(*c);
    }
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace r53d::r53
