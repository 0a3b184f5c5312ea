// chatterctl [--as USER] pending / ack ID...: received messages not yet
// acknowledged, and acknowledging them.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void setup_pending(CLI::App* cmd, context& ctx) {
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

void setup_ack(CLI::App* cmd, context& ctx) {
  auto ids = std::make_shared<std::vector<std::string>>();
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

}  // namespace chatter::cli
