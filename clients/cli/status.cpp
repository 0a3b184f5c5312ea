// chatterctl status: the daemon's version and hub, and every account's
// session state (Manager and Account properties).
#include <ctime>
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

namespace {

// Milliseconds since the epoch as local time, or "never" for 0 (the
// property's value for an account the hub has not re-challenged yet).
std::string local_time(int64_t ms) {
  if (ms <= 0)
    return "never";
  auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char when[40];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &local);
  return when;
}

nlohmann::json account_status(sdbus::IConnection& bus, const sdbus::ObjectPath& path) {
  client::account_client account(bus, path);
  return {{"username", account.Username()},
          {"authenticated", account.Authenticated()},
          {"last_reauthentication", account.LastReauthentication()},
          {"display_name", account.DisplayName()},
          {"presence", account.Presence()},
          {"state", account.State()}};
}

void print_text(const nlohmann::json& out) {
  std::cout << "chatterd " << out["version"].get<std::string>() << ", hub "
            << out["hub"]["address"].get<std::string>()
            << (out["hub"]["connected"].get<bool>() ? " (connected)" : " (unreachable)") << '\n';
  for (auto& a : out["accounts"]) {
    std::cout << "  " << a["username"].get<std::string>() << ": "
              << (a["authenticated"].get<bool>() ? "logged in" : "logged out") << ", "
              << a["presence"].get<std::string>() << ", last re-authentication "
              << local_time(a["last_reauthentication"].get<int64_t>()) << '\n';
    // In full, on a line of its own: the sentence says what to do.
    if (a["state"].get<std::string>() != "ok")
      std::cout << "    " << a["state"].get<std::string>() << '\n';
  }
}

}  // namespace

void setup_status(CLI::App* cmd, context& ctx) {
  cmd->callback([&ctx] {
    client::manager_client manager(ctx.bus());
    nlohmann::json out;
    out["version"] = manager.Version();
    out["hub"] = {{"address", manager.HubAddress()}, {"connected", manager.HubConnected()}};
    out["accounts"] = nlohmann::json::array();
    if (!ctx.as.empty())  // --as: that account only
      out["accounts"].push_back(account_status(ctx.bus(), ctx.known_account_path()));
    else
      for (auto& path : manager.ListAccounts())
        out["accounts"].push_back(account_status(ctx.bus(), path));
    ctx.print(out, [&] { print_text(out); });
  });
}

}  // namespace chatter::cli
