#include "options.hpp"

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "version.hpp"

namespace chatter {

std::string default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/chatter";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.local/share/chatter";
  return "./chatter-data";
}

daemon_options parse_options(int argc, char** argv) {
  daemon_options opts;
  opts.data_dir = default_data_dir();
  CLI::App app{"chatterd: the Chatter messaging daemon.\n"
               "Serves org.chatter.Chatter1 on the session bus and hosts an "
               "embedded hub (registry, authentication) over SQLite files in "
               "the data directory; nothing listens on the network."};
  app.set_version_flag("--version", std::string("chatterd ") + version);
  app.add_option("--data-dir", opts.data_dir,
                 "where the hub database and the accounts live")
    ->capture_default_str();
  app.add_option("--rechallenge-interval", opts.rechallenge_interval,
                 "seconds between the hub's re-challenges of each session")
    ->check(CLI::Range(1, 86400))
    ->capture_default_str();
  app.add_option("--bus-address", opts.bus_address,
                 "D-Bus address to serve on (default: the session bus)");
  app.add_option("--log-level", opts.log_level, "trace, debug, info, warn or error")
    ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
    ->capture_default_str();
  // Tests only: answer every re-challenge of USER wrongly.
  app.add_option("--test-corrupt-rechallenge", opts.corrupt_rechallenge_for)
    ->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  return opts;
}

} // namespace chatter
