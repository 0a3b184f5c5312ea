#include "harness.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <sys/resource.h>
#include <unistd.h>

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

long voluntary_switches(pid_t pid) {
  long total = 0;
  std::error_code ec;
  auto tasks = std::filesystem::path("/proc") / std::to_string(pid) / "task";
  for (auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(task.path() / "status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
        total += std::stol(line.substr(line.find(':') + 1));
  }
  return total;
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto close = text.rfind(')');  // the name may hold spaces and parentheses
  if (close == std::string::npos)
    return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14)
      utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;  // kB
  return 0;
}

pid_t pid_with_cmdline(const std::string& needle) {
  for (auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return 0;
}

namespace {

double rusage_seconds(int who) {
  rusage r{};
  getrusage(who, &r);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(r.ru_utime) + secs(r.ru_stime);
}

}  // namespace

double thread_cpu_seconds() {
  return rusage_seconds(RUSAGE_THREAD);
}

double process_cpu_seconds() {
  return rusage_seconds(RUSAGE_SELF);
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

}  // namespace

void print_markdown(const std::vector<row>& rows) {
  std::printf("| metric | Chatter | reference | ratio |\n|---|---|---|---|\n");
  for (auto& r : rows) {
    auto ref = median(r.reference_runs);
    std::printf("| %s (ref: %s) | %s | %s | %.3f |\n", r.metric.c_str(), r.reference.c_str(),
                figure(r.chatter_runs).c_str(), figure(r.reference_runs).c_str(),
                ref != 0 ? median(r.chatter_runs) / ref : 0.0);
  }
}

void write_json(const std::vector<row>& rows, const std::vector<std::string>& groups,
                const std::set<std::string>& ran, const std::string& path) {
  // Rows of groups that did not run this time stay as they were, so one
  // group can be measured again (--only) without losing the others; a
  // group that ran replaces all its rows, renamed or dropped ones too.
  std::set<std::string> fresh;
  for (auto& r : rows)
    fresh.insert(r.metric);
  auto out = nlohmann::json::array();
  if (std::ifstream in{path}) {
    auto old = nlohmann::json::parse(in, nullptr, false);
    if (old.is_array())
      for (auto& r : old)
        if (r.is_object() && r.contains("metric") && r["metric"].is_string()
            && fresh.count(r["metric"].get<std::string>()) == 0
            && !(r.contains("group") && r["group"].is_string()
                 && ran.count(r["group"].get<std::string>())))
          out.push_back(r);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    auto ref = median(r.reference_runs);
    out.push_back({{"group", i < groups.size() ? groups[i] : ""},
                   {"metric", r.metric},
                   {"reference", r.reference},
                   {"chatter", median(r.chatter_runs)},
                   {"chatter_runs", r.chatter_runs},
                   {"reference_value", ref},
                   {"reference_runs", r.reference_runs},
                   {"ratio", ref != 0 ? median(r.chatter_runs) / ref : 0.0}});
  }
  std::ofstream(path) << out.dump(2) << '\n';
}

}  // namespace chatter::bench
