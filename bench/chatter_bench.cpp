// chatter_bench: how fast Chatter is, each figure beside a reference measured
// in the same run, as one Markdown table and a JSON file. Not a test: nothing
// here passes or fails (a --quick run is a test only so it cannot rot).
#include <filesystem>
#include <iostream>
#include <set>

#include <CLI/CLI.hpp>

#include "harness.hpp"

int main(int argc, char** argv) {
  CLI::App app{"chatter_bench: Chatter's speed beside references measured in the same run.\n"
               "Each figure is the median of --runs runs (min-max beside it)."};
  chatter::bench::settings s;
  bool quick = false;
  std::vector<std::string> only{"crypto", "auth", "dbus", "messages", "cluster", "store", "syncs"};
  std::string out = CHATTER_BENCH_RESULTS;
  app.add_option("--runs", s.runs, "runs per figure")
    ->check(CLI::Range(1, 100))
    ->capture_default_str();
  app.add_flag("--quick", quick, "a few iterations only: checks the bench still runs");
  app
    .add_option("--only", only,
                "groups to run: crypto, auth, dbus, messages, cluster, store, syncs")
    ->check(CLI::IsMember({"crypto", "auth", "dbus", "messages", "cluster", "store", "syncs"}))
    ->capture_default_str();
  app.add_option("--out", out, "where the JSON goes")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (quick)
    s.scale = 0.02;
  std::set<std::string> groups(only.begin(), only.end());
  std::vector<chatter::bench::row> rows;
  std::vector<std::string> row_groups;
  auto add = [&](const std::string& group,
                 std::vector<chatter::bench::row> (*measure)(const chatter::bench::settings&)) {
    if (!groups.count(group))
      return;
    auto more = measure(s);
    rows.insert(rows.end(), more.begin(), more.end());
    row_groups.resize(rows.size(), group);
  };
  try {
    add("crypto", chatter::bench::crypto_rows);
    add("auth", chatter::bench::auth_rows);
    add("dbus", chatter::bench::dbus_rows);
    add("messages", chatter::bench::message_rows);
    add("cluster", chatter::bench::cluster_rows);
    add("store", chatter::bench::store_rows);
    add("syncs", chatter::bench::sync_rows);
  } catch (const std::exception& e) {
    std::cerr << "chatter_bench: " << e.what() << '\n';
    return 1;
  }
  chatter::bench::print_markdown(rows);
  std::filesystem::create_directories(std::filesystem::path(out).parent_path());
  chatter::bench::write_json(rows, row_groups, groups, out);
  std::cout << "\n(" << s.runs << " run(s) per figure; JSON in " << out << ")\n";
  return 0;
}
