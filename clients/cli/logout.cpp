// chatterctl logout [USER]: Account.Logout (USER, --as, or the only account).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_logout_command(CLI::App& app, context& ctx) {
  auto user = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("logout", "end an account's session");
  cmd->add_option("user", *user, "user name (default: --as, or the only account)");
  cmd->callback([user, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path(*user));
    *user = ctx.acting_for;
    account.Logout();
    ctx.print({{"account", *user}, {"authenticated", false}},
              [&] { std::cout << "logged out " << *user << '\n'; });
  });
}

} // namespace chatter::cli
