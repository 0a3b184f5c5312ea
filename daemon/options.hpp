// chatterd's command line: what it parses and the defaults a user gets.
#pragma once

#include <set>
#include <string>

namespace chatter {

struct daemon_options {
  std::string data_dir;         // holds hub/ and accounts/
  int rechallenge_interval = 60;  // seconds
  std::string bus_address;      // empty: the session bus
  std::string log_level = "info";
  std::set<std::string> corrupt_rechallenge_for;  // test hook
};

// Parses argv; exits the process for --help, --version and bad options.
daemon_options parse_options(int argc, char** argv);

// $XDG_DATA_HOME/chatter, else ~/.local/share/chatter.
std::string default_data_dir();

} // namespace chatter
