// chatterctl register [USER]: Manager.Register (USER or --as).
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_register(CLI::App* cmd, context& ctx) {
  struct args {
    std::string user;
    std::string display_name;
    std::string suite;
    bool password_stdin = false;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("user", a->user, "user name: a-z, 0-9, '.', '_', '-' (default: --as)");
  cmd->add_option("--display-name", a->display_name, "name shown in the directory");
  cmd->add_option("--suite", a->suite,
                  "ratchet-x25519-chacha20poly1305 (default), x25519-chacha20poly1305-ed25519, "
                  "rsa-oaep-pss-3072 or elgamal-2048");
  cmd->add_flag("--password-stdin", a->password_stdin,
                "read the password from the first line of stdin");
  cmd->callback([a, &ctx] {
    if (a->user.empty() && ctx.as.empty())
      throw usage_error("register: name the account (USER or --as USER)");
    a->user = ctx.account_name(a->user);
    auto password = read_password(a->password_stdin, "New password for " + a->user + ": ");
    // Typed blind, a new password is asked twice; a script's comes once.
    if (!a->password_stdin && read_password(false, "The same again: ") != password)
      throw std::runtime_error("the two passwords differ; nothing was registered");
    std::map<std::string, sdbus::Variant> options;
    if (!a->display_name.empty())
      options["display_name"] = sdbus::Variant(a->display_name);
    if (!a->suite.empty())
      options["suite"] = sdbus::Variant(a->suite);
    client::manager_client manager(ctx.bus());
    auto path = manager.Register(a->user, password, options);
    ctx.print({{"account", std::string(path)}},
              [&] { std::cout << "registered " << a->user << " (" << path << ")\n"; });
  });
}

}  // namespace chatter::cli
