// One setup function per sub-command, each in its own file, named by the
// command table; the sub-command calls the daemon through the generated
// proxies when chosen.
#pragma once

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace chatter::cli {

// One row of the command table (command_table.hpp): `setup` gets the
// sub-command, made with the row's name and --help line, and adds its
// options and its callback.
struct command {
  const char* name;
  const char* summary;
  void (*setup)(CLI::App* cmd, context& ctx);
};

#define CHATTER_COMMAND(setup, name, summary) void setup(CLI::App* cmd, context& ctx);
#include "command_table.hpp"
#undef CHATTER_COMMAND

// A message as JSON and as one line of text.
nlohmann::json message_json(
  const sdbus::Struct<std::string, std::string, std::string, std::string, int64_t, std::string>& m);
std::string message_line(
  const sdbus::Struct<std::string, std::string, std::string, std::string, int64_t, std::string>& m);

}  // namespace chatter::cli
