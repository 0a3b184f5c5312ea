// What the command lines of the desktop programs (chatter-gtk,
// chatter-notify) share: --help from a description, --version, and
// --bus-address; and how they end on a D-Bus error. chatterctl has its own
// (exit statuses per error, JSON errors).
#pragma once

#include <functional>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <sdbus-c++/Error.h>

#include "version.hpp"

namespace chatter::client {

struct desktop_app {
  desktop_app(const std::string& program, const std::string& description)
    : program(program), cli(program + ": " + description) {
    cli.set_version_flag("--version", program + " " + chatter::version);
    cli.add_option("--bus-address", bus_address,
                   "D-Bus address of the session bus (default: the session bus)");
  }

  // Runs the program once the command line is parsed: a D-Bus error (no
  // chatterd, no session bus) ends it with the error on stderr and status 1.
  int run(const std::function<int()>& body) const {
    try {
      return body();
    } catch (const sdbus::Error& e) {
      std::cerr << program << ": " << e.getName() << ": " << e.getMessage() << '\n';
      return 1;
    }
  }

  std::string program;
  CLI::App cli;
  std::string bus_address;  // empty: the session bus
};

}  // namespace chatter::client
