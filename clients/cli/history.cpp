// chatterctl [--as USER] history PEER: Account.GetHistory, oldest first.
#include <ctime>
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"
#include "printable.hpp"

namespace chatter::cli {

nlohmann::json message_json(const sdbus::Struct<std::string, std::string, std::string, std::string,
                                                int64_t, std::string>& m) {
  return {{"id", m.get<0>()},   {"from", m.get<1>()},      {"to", m.get<2>()},
          {"text", m.get<3>()}, {"timestamp", m.get<4>()}, {"state", m.get<5>()}};
}

std::string message_line(const sdbus::Struct<std::string, std::string, std::string, std::string,
                                             int64_t, std::string>& m) {
  // Local time for people; --json keeps the milliseconds for scripts. Names
  // and text came from other users: one line, control characters escaped.
  auto seconds = static_cast<std::time_t>(m.get<4>() / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &local);
  using display::printable;
  return std::string(when) + " " + printable(m.get<1>()) + " -> " + printable(m.get<2>()) + " ["
    + printable(m.get<5>()) + "] " + printable(m.get<3>());
}

void setup_history(CLI::App* cmd, context& ctx) {
  struct args {
    std::string peer;
    int64_t before = 0;
    uint32_t limit = 50;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("peer", a->peer, "the other side")->required();
  cmd->add_option("--before", a->before, "only messages older than this (ms since epoch)");
  cmd->add_option("--limit", a->limit, "at most this many (1-1000)")->capture_default_str();
  cmd->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto messages = account.GetHistory(a->peer, a->before, a->limit);
    auto list = nlohmann::json::array();
    for (auto& m : messages)
      list.push_back(message_json(m));
    ctx.print(list, [&] {
      for (auto& m : messages)
        std::cout << message_line(m) << '\n';
    });
  });
}

}  // namespace chatter::cli
