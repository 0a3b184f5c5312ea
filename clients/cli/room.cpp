// chatterctl [--as USER] room create NAME MEMBER... | invite ROOM USER |
// leave ROOM | list: Account.CreateRoom, InviteToRoom, LeaveRoom, ListRooms.
// Write to a room with `send '#NAME' TEXT`.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"
#include "printable.hpp"

namespace chatter::cli {

void setup_room(CLI::App* cmd, context& ctx) {
  struct args {
    std::string room;
    std::string user;
    std::vector<std::string> members;
  };
  auto a = std::make_shared<args>();
  cmd->require_subcommand(1);

  auto* create = cmd->add_subcommand("create", "a new room with you and MEMBERS in it");
  create->add_option("name", a->room, "the room's name (a-z 0-9 . _ -)")->required();
  create->add_option("members", a->members, "user names");
  create->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.CreateRoom(a->room, a->members);
    ctx.print({{"room", a->room}, {"members", a->members}},
              [&] { std::cout << "created #" << a->room << '\n'; });
  });

  auto* invite = cmd->add_subcommand("invite", "add USER to a room you are in");
  invite->add_option("room", a->room, "the room")->required();
  invite->add_option("user", a->user, "who joins")->required();
  invite->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.InviteToRoom(a->room, a->user);
    ctx.print({{"room", a->room}, {"invited", a->user}},
              [&] { std::cout << "invited " << a->user << '\n'; });
  });

  auto* leave = cmd->add_subcommand("leave", "leave a room");
  leave->add_option("room", a->room, "the room")->required();
  leave->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.LeaveRoom(a->room);
    ctx.print({{"room", a->room}, {"left", true}},
              [&] { std::cout << "left " << a->room << '\n'; });
  });

  auto* list = cmd->add_subcommand("list", "the rooms you are in");
  list->callback([&ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto rooms = account.ListRooms();
    auto json = nlohmann::json::array();
    for (auto& r : rooms)
      json.push_back({{"room", r.get<0>()}, {"owner", r.get<1>()}, {"members", r.get<2>()}});
    ctx.print(json, [&] {
      for (auto& r : rooms) {
        std::cout << '#' << display::printable(r.get<0>()) << ':';
        for (auto& m : r.get<2>())
          std::cout << ' ' << display::printable(m);
        std::cout << '\n';
      }
    });
  });
}

void setup_read(CLI::App* cmd, context& ctx) {
  auto peer = std::make_shared<std::string>();
  cmd->add_option("peer", *peer, "a user name or #room")->required();
  cmd->callback([peer, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.MarkRead(*peer);
    ctx.print({{"peer", *peer}, {"read", true}}, [&] { std::cout << "read " << *peer << '\n'; });
  });
}

}  // namespace chatter::cli
