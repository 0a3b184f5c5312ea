// chatterctl accounts: Manager.ListAccounts, one user name a line (the
// object paths with --json).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_accounts(CLI::App* cmd, context& ctx) {
  cmd->callback([&ctx] {
    client::manager_client manager(ctx.bus());
    auto paths = manager.ListAccounts();
    auto list = nlohmann::json::array();
    for (auto& path : paths)
      list.push_back(std::string(path));
    ctx.print(list, [&] {
      for (auto& path : paths)
        std::cout << user_of_path(path) << '\n';
    });
  });
}

}  // namespace chatter::cli
