// chatterctl logout [USER]: Account.Logout (USER, --as, or the only account).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_logout(CLI::App* cmd, context& ctx) {
  auto user = std::make_shared<std::string>();
  cmd->add_option("user", *user, "user name (default: --as, or the only account)");
  cmd->callback([user, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path(*user));
    *user = ctx.acting_for;
    account.Logout();
    ctx.print({{"account", *user}, {"authenticated", false}},
              [&] { std::cout << "logged out " << *user << '\n'; });
  });
}

}  // namespace chatter::cli
