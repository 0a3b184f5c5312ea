// What every chatterctl sub-command shares: the bus connection, the global
// flags, output in text or JSON, password input, and the exit status that
// names the error.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <sdbus-c++/sdbus-c++.h>

namespace chatter::cli {

struct context {
  std::string bus_address;  // empty: the session bus
  bool json = false;
  std::string as;  // --as: the account a command acts for

  sdbus::IConnection& bus();

  // The account path for --as; without --as, the only account the daemon
  // knows, else an error asking for --as.
  std::string account_path();

  // Prints `value` as one JSON document with --json, else runs `as_text`.
  void print(const nlohmann::json& value, const std::function<void()>& as_text) const;

private:
  std::unique_ptr<sdbus::IConnection> connection_;
};

// Reads the password: the first line of stdin with --password-stdin, else a
// prompt without echo on a terminal. Throws std::runtime_error otherwise.
std::string read_password(bool from_stdin, const std::string& prompt);

// Exit statuses, one per error name, so scripts can branch on them.
int exit_status_for(const std::string& dbus_error_name);

} // namespace chatter::cli
