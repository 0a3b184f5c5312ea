#include "harness.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace chatter::bench {

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double micros_per_op(int n, const std::function<void()>& op) {
  for (int i = 0; i < std::max(1, n / 10); ++i)  // warm-up: caches, first-call set-up
    op();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    op();
  std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - t0;
  return spent.count() / n;
}

namespace {

std::string figure(const std::vector<double>& runs) {
  char buf[96];
  auto [lo, hi] = std::minmax_element(runs.begin(), runs.end());
  if (runs.size() > 1)
    std::snprintf(buf, sizeof buf, "%.4g (%.4g-%.4g)", median(runs), *lo, *hi);
  else
    std::snprintf(buf, sizeof buf, "%.4g", median(runs));
  return buf;
}

} // namespace

void print_markdown(const std::vector<row>& rows) {
  std::printf("| metric | Chatter | reference | ratio |\n|---|---|---|---|\n");
  for (auto& r : rows) {
    auto ref = median(r.reference_runs);
    std::printf("| %s (ref: %s) | %s | %s | %.3f |\n", r.metric.c_str(), r.reference.c_str(),
                figure(r.chatter_runs).c_str(), figure(r.reference_runs).c_str(),
                ref != 0 ? median(r.chatter_runs) / ref : 0.0);
  }
}

void write_json(const std::vector<row>& rows, const std::string& path) {
  // Rows of groups that did not run this time stay as they were, so one
  // group can be measured again (--only) without losing the others.
  std::set<std::string> fresh;
  for (auto& r : rows)
    fresh.insert(r.metric);
  auto out = nlohmann::json::array();
  if (std::ifstream in{path}) {
    auto old = nlohmann::json::parse(in, nullptr, false);
    if (old.is_array())
      for (auto& r : old)
        if (r.is_object() && r.contains("metric") && r["metric"].is_string()
            && fresh.count(r["metric"].get<std::string>()) == 0)
          out.push_back(r);
  }
  for (auto& r : rows) {
    auto ref = median(r.reference_runs);
    out.push_back({{"metric", r.metric},
                   {"reference", r.reference},
                   {"chatter", median(r.chatter_runs)},
                   {"chatter_runs", r.chatter_runs},
                   {"reference_value", ref},
                   {"reference_runs", r.reference_runs},
                   {"ratio", ref != 0 ? median(r.chatter_runs) / ref : 0.0}});
  }
  std::ofstream(path) << out.dump(2) << '\n';
}

} // namespace chatter::bench
