// chatterctl [--as USER] pending / ack ID...: received messages not yet
// acknowledged, and acknowledging them.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_pending_command(CLI::App& app, context& ctx) {
  auto* cmd = app.add_subcommand("pending", "received messages no client has acknowledged");
  cmd->callback([&ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto messages = account.ListPendingMessages();
    auto list = nlohmann::json::array();
    for (auto& m : messages)
      list.push_back(message_json(m));
    ctx.print(list, [&] {
      for (auto& m : messages)
        std::cout << message_line(m) << '\n';
    });
  });
}

void add_ack_command(CLI::App& app, context& ctx) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("ack", "acknowledge received messages by id");
  cmd->add_option("ids", *ids, "message ids")->required();
  cmd->callback([ids, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.AcknowledgeMessages(*ids);
    ctx.print({{"acknowledged", *ids}}, [&] {
      std::cout << "acknowledged " << ids->size() << (ids->size() == 1 ? " message" : " messages")
                << '\n';
    });
  });
}

} // namespace chatter::cli
