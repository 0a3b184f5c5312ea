// chatterctl: Chatter from scripts and shells. A thin D-Bus client: every
// sub-command is one call (or a few reads) on org.chatter.Chatter1. Behaves
// like a Unix tool: usage errors exit 2, every error has its own status
// (the table in --help), errors go to stderr (JSON with --json).
#include <algorithm>
#include <cstring>
#include <iostream>
#include <vector>

#include "commands.hpp"
#include "version.hpp"

namespace {

constexpr const char* exit_table =
  "Exit status:\n"
  "  0   success\n"
  "  1   any other failure\n"
  "  2   usage error: unknown command or option, missing or extra argument\n"
  "  3   InvalidArgument\n"
  "  4   NotFound, or no such account on this daemon\n"
  "  5   AlreadyExists\n"
  "  6   AuthenticationFailed\n"
  "  7   RateLimited\n"
  "  8   NotLoggedIn\n"
  "  9   UntrustedKey\n"
  "  10  HubUnreachable\n"
  "  11  Timeout\n"
  "  12  Internal\n"
  "  13  chatterd is not running (or there is no session bus)\n"
  "Errors go to stderr as \"chatterctl: NAME: sentence\", or with --json as\n"
  "{\"error\": NAME, \"message\": sentence}. See chatterctl(1).";

constexpr int usage_status = 2;

const chatter::cli::command command_table[] = {
#define CHATTER_COMMAND(setup, name, summary) {name, summary, chatter::cli::setup},
#include "command_table.hpp"
#undef CHATTER_COMMAND
};

void add_commands(CLI::App& app, chatter::cli::context& ctx) {
  for (auto& row : command_table)
    row.setup(app.add_subcommand(row.name, row.summary), ctx);
}

// Edit distance, for "did you mean".
size_t distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The sub-command chosen deepest on the command line (the app itself when
// none was).
CLI::App* deepest_chosen(CLI::App* app) {
  while (true) {
    auto chosen = app->get_subcommands();
    if (chosen.empty())
      return app;
    app = chosen.front();
  }
}

// For a word where `parent` expects one of its sub-commands: the sentence
// naming it and the nearest sub-command, if one is near enough to be meant.
std::string unknown_command(const CLI::App& parent, const std::string& word) {
  std::string best;
  size_t best_distance = 3;  // further than 2 edits is another word
  for (const auto* sub : parent.get_subcommands(nullptr)) {
    auto d = distance(word, sub->get_name());
    if (d < best_distance) {
      best = sub->get_name();
      best_distance = d;
    }
  }
  auto prefix = parent.get_parent() ? parent.get_name() + " " : std::string();
  return "unknown command '" + prefix + word + "'"
    + (best.empty() ? "" : "; did you mean '" + prefix + best + "'?");
}

// A parse error as a sentence, "did you mean" included for a mistyped
// sub-command.
std::string usage_message(CLI::App& app, const CLI::ParseError& e) {
  auto* chosen = deepest_chosen(&app);
  auto extras = app.remaining();
  const CLI::App& expecting = *chosen;
  if (!expecting.get_subcommands(nullptr).empty() && !extras.empty() && extras[0][0] != '-')
    return unknown_command(*chosen, extras[0]);
  std::string help =
    chosen == &app ? "chatterctl --help" : "chatterctl " + chosen->get_name() + " --help";
  return std::string(e.what()) + " (see `" + help + "`)";
}

bool wants_json(int argc, char** argv) {
  return std::any_of(argv + 1, argv + argc,
                     [](const char* a) { return std::strcmp(a, "--json") == 0; });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chatter::cli;
  context ctx;
  CLI::App app{"chatterctl: talk to chatterd over D-Bus."};
  app.footer(exit_table);
  app.set_version_flag("--version", std::string("chatterctl ") + chatter::version);
  app.add_option("--bus-address", ctx.bus_address,
                 "D-Bus address of the daemon's bus (default: the session bus)");
  app.add_flag("--json", ctx.json, "print JSON instead of text");
  app.add_option("--as", ctx.as, "the account to act for (default: the only one)");
  app.require_subcommand(1);
  app.fallthrough();  // --json, --as and --bus-address also after the sub-command
  add_commands(app, ctx);
  failure failed;
  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0)
      return app.exit(e);  // --help, --version
    failed = {usage_error_name, usage_message(app, e), usage_status, false};
  } catch (const usage_error& e) {
    failed = {usage_error_name, e.what(), usage_status, false};
  } catch (const sdbus::Error& e) {
    failed = failure_from(e, ctx);
  } catch (const no_bus_error& e) {
    failed = failure_from(e);
  } catch (const std::exception& e) {
    failed = {failed_error_name, e.what(), 1, false};
  }
  std::cout.flush();
  print_failure(failed, ctx.json || wants_json(argc, argv));
  return failed.exit_status;
}
