// chatterctl [--as USER] search QUERY / presence STATUS [MESSAGE]:
// Account.SearchDirectory and Account.SetPresence.
#include <iomanip>
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"
#include "printable.hpp"

namespace chatter::cli {

void setup_search(CLI::App* cmd, context& ctx) {
  struct args {
    std::string query;
    uint32_t limit = 20;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("query", a->query, "part of a user name or display name")->required();
  cmd->add_option("--limit", a->limit, "at most this many (1-100, default 20)");
  cmd->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto users = account.SearchDirectory(a->query, a->limit);
    auto json = nlohmann::json::array();
    for (auto& u : users)
      json.push_back({{"username", u.get<0>()},
                      {"display_name", u.get<1>()},
                      {"presence", u.get<2>()},
                      {"message", u.get<3>()}});
    ctx.print(json, [&] {
      using display::printable;  // names and notes are other users' words
      for (auto& u : users)
        std::cout << std::left << std::setw(20) << printable(u.get<0>()) << ' ' << std::setw(24)
                  << printable(u.get<1>()) << ' ' << printable(u.get<2>())
                  << (u.get<3>().empty() ? "" : " (" + printable(u.get<3>()) + ")") << '\n';
    });
  });
}

void setup_presence(CLI::App* cmd, context& ctx) {
  struct args {
    std::string status;
    std::string message;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("status", a->status, "online, away or busy")->required();
  cmd->add_option("message", a->message, "a short note for your contacts");
  cmd->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.SetPresence(a->status, a->message);
    ctx.print({{"presence", a->status}, {"message", a->message}},
              [&] { std::cout << "presence " << a->status << '\n'; });
  });
}

}  // namespace chatter::cli
