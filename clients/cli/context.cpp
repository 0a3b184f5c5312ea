#include "context.hpp"

#include <cstdlib>
#include <iostream>
#include <map>

#include <systemd/sd-bus.h>

#include "client_proxies.hpp"

#include <termios.h>
#include <unistd.h>

namespace chatter::cli {

namespace {

// Nothing answers for org.chatter.Chatter1 (no daemon, or no bus at all).
constexpr int no_daemon_status = 13;

bool is_no_daemon(const std::string& name) {
  return name == "org.freedesktop.DBus.Error.ServiceUnknown"
    || name == "org.freedesktop.DBus.Error.NameHasNoOwner";
}

}  // namespace

sdbus::IConnection& context::bus() {
  if (!connection_) {
    try {
      connection_ = bus_address.empty() ? sdbus::createSessionBusConnection()
                                        : sdbus::createSessionBusConnectionWithAddress(bus_address);
    } catch (const sdbus::Error& e) {
      throw no_bus_error("cannot connect to the session bus (" + e.getMessage()
                         + "); is this a desktop session, and --bus-address right?");
    }
  }
  return *connection_;
}

std::string context::account_name(const std::string& user) {
  if (!user.empty() && !as.empty() && user != as)
    throw usage_error("'" + user + "' and --as " + as + " name two accounts; give one");
  if (!user.empty() || !as.empty())
    return acting_for = user.empty() ? as : user;
  client::manager_client manager(bus());
  auto accounts = manager.ListAccounts();
  if (accounts.size() == 1)
    return acting_for = user_of_path(accounts[0]);
  throw usage_error(accounts.empty() ? "the daemon knows no account yet: register one"
                                     : "several accounts: say which with --as USER");
}

std::string context::account_path(const std::string& user) {
  return client::account_path(account_name(user));
}

std::string context::known_account_path() {
  auto path = account_path();
  client::manager_client manager(bus());
  for (auto& known : manager.ListAccounts())
    if (known == path)
      return path;
  throw sdbus::Error("org.freedesktop.DBus.Error.UnknownObject", "no account " + acting_for);
}

void context::print(const nlohmann::json& value, const std::function<void()>& as_text) const {
  if (json)
    std::cout << value.dump() << '\n';
  else
    as_text();
}

failure failure_from(const sdbus::Error& error, const context& ctx) {
  const auto& name = error.getName();
  if (name == "org.freedesktop.DBus.Error.UnknownObject" && !ctx.acting_for.empty())
    return {"org.chatter.Chatter1.Error.NotFound",
            "no account '" + ctx.acting_for + "' on this daemon",
            exit_status_for("org.chatter.Chatter1.Error.NotFound"), false};
  if (is_no_daemon(name))
    return {name, "chatterd is not running; start it with `systemctl --user start chatterd`",
            no_daemon_status, false};
  return {name, error.getMessage(), exit_status_for(name)};
}

failure failure_from(const no_bus_error& error) {
  return {no_bus_error_name, error.what(), no_daemon_status, false};
}

void print_failure(const failure& f, bool json) {
  if (json)
    std::cerr << nlohmann::json{{"error", f.name}, {"message", f.message}}.dump() << '\n';
  else
    std::cerr << "chatterctl: " << (f.name_in_text ? f.name + ": " : "") << f.message << '\n';
}

std::string read_password(bool from_stdin, const std::string& prompt) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password))
      throw usage_error("--password-stdin: nothing to read on stdin");
    if (!password.empty() && password.back() == '\r')
      password.pop_back();
    return password;
  }
  if (!isatty(STDIN_FILENO))
    throw usage_error("no password: run in a terminal to be asked, or pass --password-stdin");
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  auto quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::cerr << prompt << std::flush;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << '\n';
  return password;
}

std::string user_of_path(const std::string& path) {
  char* user = nullptr;
  if (sd_bus_path_decode(path.c_str(), dbus_paths::accounts_path, &user) <= 0 || !user)
    return {};
  std::string out(user);
  std::free(user);
  return out;
}

int exit_status_for(const std::string& name) {
  static const std::map<std::string, int> statuses = {
    {"org.chatter.Chatter1.Error.InvalidArgument", 3},
    {"org.chatter.Chatter1.Error.NotFound", 4},
    {"org.chatter.Chatter1.Error.AlreadyExists", 5},
    {"org.chatter.Chatter1.Error.AuthenticationFailed", 6},
    {"org.chatter.Chatter1.Error.RateLimited", 7},
    {"org.chatter.Chatter1.Error.NotLoggedIn", 8},
    {"org.chatter.Chatter1.Error.UntrustedKey", 9},
    {"org.chatter.Chatter1.Error.HubUnreachable", 10},
    {"org.chatter.Chatter1.Error.Timeout", 11},
    {"org.freedesktop.DBus.Error.NoReply", 11},
    {"org.chatter.Chatter1.Error.Internal", 12},
    {"org.freedesktop.DBus.Error.ServiceUnknown", no_daemon_status},
    {"org.freedesktop.DBus.Error.NameHasNoOwner", no_daemon_status},
  };
  auto i = statuses.find(name);
  return i == statuses.end() ? 1 : i->second;
}

}  // namespace chatter::cli
