// chatterctl accounts: Manager.ListAccounts.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_accounts_command(CLI::App& app, context& ctx) {
  auto* cmd = app.add_subcommand("accounts", "list the accounts the daemon knows");
  cmd->callback([&ctx] {
    client::manager_client manager(ctx.bus());
    auto paths = manager.ListAccounts();
    auto list = nlohmann::json::array();
    for (auto& path : paths)
      list.push_back(std::string(path));
    ctx.print(list, [&] {
      for (auto& path : paths)
        std::cout << std::string(path) << '\n';
    });
  });
}

} // namespace chatter::cli
