// chatterd's command line: what it parses and the defaults a user gets.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace chatter {

// HOST:PORT as given on the command line.
struct endpoint {
  std::string host;
  uint16_t port = 0;
  bool empty() const {
    return host.empty();
  }
  std::string str() const {
    return host + ":" + std::to_string(port);
  }
};

struct daemon_options {
  std::string data_dir;   // holds hub/ and accounts/
  endpoint listen;        // publish the embedded hub here
  endpoint hub;           // join this remote hub instead of hosting one
  bool insecure = false;  // allow --listen off loopback without TLS
  // A node of a hub cluster: no accounts, no D-Bus; hub only.
  bool hub_node = false;
  std::vector<endpoint> cluster;  // the cluster's nodes (this one included)
  bool cluster_join = false;      // being added to a running cluster
  std::string cluster_secret_file;
  std::string tls_cert;  // PEM files of the group's private CA
  std::string tls_key;
  std::string tls_ca;
  int rechallenge_interval = 60;  // seconds
  // What the hub allows one address, user or recipient (hub.hpp).
  unsigned signups_per_hour = 20;
  unsigned sessions_per_user = 16;
  unsigned queue_max_messages = 10000;
  unsigned queue_max_mib = 256;
  unsigned connections_per_address = 32;
  unsigned handshake_timeout = 5;  // seconds from accept to hello
  unsigned login_timeout = 30;     // seconds a connection may hold no session
  std::string bus_address;         // empty: the session bus
  std::string log_level = "info";
  std::string scheduler = "sharing";  // CAF's worker policy (startup.hpp)
  // Off by default: the process is made non-dumpable, so no core file and
  // no other process of the same user (ptrace, /proc/PID/mem) reads the
  // keys and passwords it holds.
  bool allow_core_dumps = false;
  std::set<std::string> corrupt_rechallenge_for;  // test hook
  // The Tux Droid robot.
  std::string tux_backend = "auto";  // auto, tuxhttp, espeak, log
  endpoint tux_server{"127.0.0.1", 270};
  std::string tux_language = "en";
  std::string tux_greeting;  // "{name}" template; empty: the language's
  std::string tux_voice;
  std::string tux_wav_dir;
  bool tux_react_on_arrival = true;
  bool tux_react_on_message = false;
};

// Parses argv; exits the process for --help, --version and bad options.
daemon_options parse_options(int argc, char** argv);
// The same for callers that must live on (the config fuzzer): those cases
// throw CLI::ParseError instead (CLI::Success for --help and --version).
daemon_options parse_options_or_throw(int argc, const char* const* argv);

// $XDG_DATA_HOME/chatter, else ~/.local/share/chatter.
std::string default_data_dir();

// $XDG_CONFIG_HOME/chatter/chatterd.conf, else ~/.config/chatter/chatterd.conf.
std::string default_config_file();

// Whether listening on `host` stays on this machine.
bool is_loopback(const std::string& host);

}  // namespace chatter
