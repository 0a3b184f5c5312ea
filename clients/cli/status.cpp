// chatterctl status: the daemon's version and hub, and every account's
// session state (Manager and Account properties).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_status_command(CLI::App& app, context& ctx) {
  auto* cmd = app.add_subcommand("status", "daemon, hub and accounts at a glance");
  cmd->callback([&ctx] {
    client::manager_client manager(ctx.bus());
    nlohmann::json out;
    out["version"] = manager.Version();
    out["hub"] = {{"address", manager.HubAddress()},
                  {"connected", manager.HubConnected()}};
    out["accounts"] = nlohmann::json::array();
    for (auto& path : manager.ListAccounts()) {
      client::account_client account(ctx.bus(), path);
      out["accounts"].push_back({{"username", account.Username()},
                                 {"authenticated", account.Authenticated()},
                                 {"last_reauthentication",
                                  account.LastReauthentication()},
                                 {"display_name", account.DisplayName()},
                                 {"presence", account.Presence()}});
    }
    ctx.print(out, [&] {
      std::cout << "chatterd " << out["version"].get<std::string>() << ", hub "
                << out["hub"]["address"].get<std::string>()
                << (out["hub"]["connected"].get<bool>() ? " (connected)" : " (unreachable)")
                << '\n';
      for (auto& a : out["accounts"])
        std::cout << "  " << a["username"].get<std::string>() << ": "
                  << (a["authenticated"].get<bool>() ? "logged in" : "logged out") << ", "
                  << a["presence"].get<std::string>()
                  << ", last re-authentication "
                  << a["last_reauthentication"].get<int64_t>() << " ms\n";
    });
  });
}

} // namespace chatter::cli
