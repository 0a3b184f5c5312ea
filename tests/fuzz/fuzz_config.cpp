// chatterd's config file (INI, read by CLI11), whatever is in it. The input
// is the file's content; chatterd parses it exactly as at start-up.
// Invariants: a bad file is refused with CLI11's error (never a crash or a
// stray exception), and what is accepted holds the checks the daemon relies
// on: the re-challenge interval, the log level, nonzero robot and hub ports,
// and no hub published off this machine without TLS or --insecure.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "fuzz_target.hpp"
#include "options.hpp"

using namespace chatter;
using fuzz::require;

namespace {

std::string config_path() {
  static std::string path = (std::filesystem::temp_directory_path()
                             / ("chatter-fuzz-config-" + std::to_string(getpid()) + ".conf"))
                              .string();
  return path;
}

std::vector<uint8_t> text(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static const std::string path = config_path();  // outlives the handler
  std::atexit([] { std::filesystem::remove(path); });
  fuzz::write_seeds_if_asked({
    text("data-dir = /tmp/chatter\nrechallenge-interval = 30\nlog-level = debug\n"),
    text("listen = 127.0.0.1:0\n"),
    text("hub = [::1]:4242\ntux-backend = log\ntux-language = fr\n"),
    text("listen = 0.0.0.0:4242\ninsecure = true\n"),
    text("[tux]\ntux-greeting = \"{name} est la\"\ntux-react-on-message = true\n"),
    text("tux-server = localhost:270\nbus-address = unix:path=/tmp/bus\n"),
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(config_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto path = config_path();
  const char* argv[] = {"chatterd", "--config", path.c_str()};
  try {
    auto opts = parse_options_or_throw(3, argv);
    require(opts.rechallenge_interval >= 1 && opts.rechallenge_interval <= 86400,
            "a re-challenge interval outside 1-86400 s was accepted");
    require(opts.log_level == "trace" || opts.log_level == "debug" || opts.log_level == "info"
              || opts.log_level == "warn" || opts.log_level == "error",
            "an unknown log level was accepted");
    require(opts.tux_server.port != 0, "the robot's port 0 was accepted");
    require(opts.hub.empty() || opts.hub.port != 0, "the hub's port 0 was accepted");
    require(opts.listen.empty() || is_loopback(opts.listen.host) || !opts.tls_cert.empty()
              || opts.insecure,
            "a hub published off this machine without TLS was accepted");
    require(opts.tux_greeting.empty() || opts.tux_greeting.find("{name}") != std::string::npos,
            "a greeting without {name} was accepted");
  } catch (const CLI::Error&) {
    // refused with CLI11's message, as chatterd would print it
  }
  return 0;
}
