// chatterctl [--as USER] send TO TEXT: Account.SendMessage; prints the id.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_send_command(CLI::App& app, context& ctx) {
  struct args {
    std::string to;
    std::string text;
  };
  auto a = std::make_shared<args>();
  auto* cmd = app.add_subcommand("send", "send an end-to-end encrypted message");
  cmd->add_option("to", a->to, "recipient's user name")->required();
  cmd->add_option("text", a->text, "the message (UTF-8, up to 64 KiB)")->required();
  cmd->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto id = account.SendMessage(a->to, a->text);
    ctx.print({{"id", id}, {"to", a->to}}, [&] { std::cout << id << '\n'; });
  });
}

} // namespace chatter::cli
