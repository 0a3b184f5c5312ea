#include "context.hpp"

#include <iostream>
#include <map>
#include <stdexcept>

#include "client_proxies.hpp"

#include <termios.h>
#include <unistd.h>

namespace chatter::cli {

sdbus::IConnection& context::bus() {
  if (!connection_)
    connection_ = bus_address.empty()
                    ? sdbus::createSessionBusConnection()
                    : sdbus::createSessionBusConnectionWithAddress(bus_address);
  return *connection_;
}

std::string context::account_path() {
  if (!as.empty())
    return client::account_path(as);
  client::manager_client manager(bus());
  auto accounts = manager.ListAccounts();
  if (accounts.size() == 1)
    return accounts[0];
  throw std::runtime_error(accounts.empty() ? "the daemon knows no account yet: register one"
                                            : "several accounts: say which with --as USER");
}

void context::print(const nlohmann::json& value,
                    const std::function<void()>& as_text) const {
  if (json)
    std::cout << value.dump() << '\n';
  else
    as_text();
}

std::string read_password(bool from_stdin, const std::string& prompt) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password))
      throw std::runtime_error("--password-stdin: nothing to read on stdin");
    if (!password.empty() && password.back() == '\r')
      password.pop_back();
    return password;
  }
  if (!isatty(STDIN_FILENO))
    throw std::runtime_error(
      "no password: pass --password-stdin, or run in a terminal to be asked");
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
    {"org.chatter.Chatter1.Error.Internal", 12},
    {"org.freedesktop.DBus.Error.ServiceUnknown", 13},
    {"org.freedesktop.DBus.Error.NameHasNoOwner", 13},
  };
  auto i = statuses.find(name);
  return i == statuses.end() ? 1 : i->second;
}

} // namespace chatter::cli
