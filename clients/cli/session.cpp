// chatterctl [--as USER] session reset PEER.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_session(CLI::App* cmd, context& ctx) {
  cmd->require_subcommand(1);
  auto peer = std::make_shared<std::string>();
  auto* reset = cmd->add_subcommand(
    "reset", "close the sessions with a peer; the next message sets up a new one");
  reset->add_option("peer", *peer, "the contact")->required();
  reset->callback([peer, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.ResetSession(*peer);
    ctx.print({{"peer", *peer}, {"reset", true}},
              [&] { std::cout << "closed the sessions with " << *peer << '\n'; });
  });
}

}  // namespace chatter::cli
