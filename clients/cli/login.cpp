// chatterctl login [USER]: Manager.Login (USER, --as, or the only account).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_login(CLI::App* cmd, context& ctx) {
  struct args {
    std::string user;
    bool password_stdin = false;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("user", a->user, "user name (default: --as, or the only account)");
  cmd->add_flag("--password-stdin", a->password_stdin,
                "read the password from the first line of stdin");
  cmd->callback([a, &ctx] {
    a->user = ctx.account_name(a->user);
    auto password = read_password(a->password_stdin, "Password for " + a->user + ": ");
    client::manager_client manager(ctx.bus());
    auto path = manager.Login(a->user, password);
    ctx.print({{"account", std::string(path)}},
              [&] { std::cout << "logged in " << a->user << '\n'; });
  });
}

}  // namespace chatter::cli
