// What every chatterctl sub-command shares: the bus connection, the global
// flags, output in text or JSON, password input, and the failures with the
// exit status that names each.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <sdbus-c++/sdbus-c++.h>

namespace chatter::cli {

struct context {
  std::string bus_address;  // empty: the session bus
  bool json = false;
  std::string as;  // --as: the account a command acts for
  // The account the running command acts for, once chosen: names it when
  // the daemon has no such object.
  std::string acting_for;

  sdbus::IConnection& bus();

  // The object path of the account to act for: `user` when given, else
  // --as, else the only account the daemon knows (else a usage error
  // asking for one). Records it in acting_for.
  std::string account_path(const std::string& user = {});
  // The user name the same way (login, for an account not yet on this
  // daemon, needs the name, not a path).
  std::string account_name(const std::string& user = {});
  // account_path(), checked against the daemon's list, for commands that
  // only read signals or properties (which would otherwise just find
  // nothing for a mistyped name): "no account" when it is not there.
  std::string known_account_path();

  // Prints `value` as one JSON document with --json, else runs `as_text`.
  void print(const nlohmann::json& value, const std::function<void()>& as_text) const;

private:
  std::unique_ptr<sdbus::IConnection> connection_;
};

// A mistake on the command line that parsing alone cannot see (two
// different accounts named, none when several exist): exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// No session bus to connect to: exit status 13, as for no daemon.
struct no_bus_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failure as chatterctl reports it: an error name (the D-Bus error's, or
// chatterctl.Error.* for its own), a sentence for a person, the exit status,
// and whether the text form shows the name (a sentence that says it all
// does without).
struct failure {
  std::string name;
  std::string message;
  int exit_status = 1;
  bool name_in_text = true;
};

inline constexpr const char* usage_error_name = "chatterctl.Error.Usage";
inline constexpr const char* failed_error_name = "chatterctl.Error.Failed";
inline constexpr const char* no_bus_error_name = "chatterctl.Error.NoBus";

// What a D-Bus error means for the user: "no account 'x' on this daemon"
// for a missing account object, "chatterd is not running; ..." when no one
// owns the name, otherwise the error's own name and sentence.
failure failure_from(const sdbus::Error& error, const context& ctx);
failure failure_from(const no_bus_error& error);

// Writes the failure to stderr: "chatterctl: NAME: sentence", or one JSON
// line {"error": NAME, "message": sentence} with --json.
void print_failure(const failure& f, bool json);

// Reads the password: the first line of stdin with --password-stdin, else a
// prompt without echo on a terminal. Throws usage_error otherwise.
std::string read_password(bool from_stdin, const std::string& prompt);

// The user name in an account's object path ("" when it is not one).
std::string user_of_path(const std::string& path);

// Exit statuses, one per error name, so scripts can branch on them.
int exit_status_for(const std::string& dbus_error_name);

}  // namespace chatter::cli
