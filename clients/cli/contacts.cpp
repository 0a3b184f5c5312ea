// chatterctl [--as USER] contacts [list] | contacts request USER [MESSAGE] |
// accept USER | decline USER | add USER | remove USER | block USER |
// unblock USER | blocked: Account.ListContacts, RequestContact,
// AcceptContact, DeclineContact, AddContact, RemoveContact, BlockUser,
// UnblockUser, ListBlocked.
#include <functional>
#include <iomanip>
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"
#include "printable.hpp"

namespace chatter::cli {

namespace {

void list_contacts(context& ctx) {
  client::account_client account(ctx.bus(), ctx.account_path());
  auto contacts = account.ListContacts();
  auto json = nlohmann::json::array();
  for (auto& c : contacts)
    json.push_back({{"username", c.get<0>()},
                    {"display_name", c.get<1>()},
                    {"presence", c.get<2>()},
                    {"trust", c.get<3>()},
                    {"fingerprint", c.get<4>()},
                    {"state", c.get<5>()}});
  ctx.print(json, [&] {
    using display::printable;  // display names are chosen by their owners
    for (auto& c : contacts)
      std::cout << std::left << std::setw(20) << printable(c.get<0>()) << ' ' << std::setw(24)
                << printable(c.get<1>()) << ' ' << std::setw(8) << printable(c.get<2>()) << ' '
                << std::setw(9) << printable(c.get<3>()) << ' ' << printable(c.get<5>()) << '\n';
  });
}

void list_blocked(context& ctx) {
  client::account_client account(ctx.bus(), ctx.account_path());
  auto users = account.ListBlocked();
  ctx.print(users, [&] {
    for (auto& u : users)
      std::cout << display::printable(u) << '\n';
  });
}

using account_call = std::function<void(client::account_client&, const std::string& user)>;

// A subcommand that takes a user, calls `call`, and says `done` (the JSON
// key and the word printed: "requested alice").
void user_command(CLI::App* cmd, context& ctx, const char* name, const char* help, const char* done,
                  const account_call& call) {
  auto user = std::make_shared<std::string>();
  auto* sub = cmd->add_subcommand(name, help);
  sub->add_option("user", *user, "their user name")->required();
  sub->callback([user, &ctx, done, call] {
    client::account_client account(ctx.bus(), ctx.account_path());
    call(account, *user);
    ctx.print({{"username", *user}, {done, true}},
              [&] { std::cout << done << ' ' << *user << '\n'; });
  });
}

}  // namespace

void setup_contacts(CLI::App* cmd, context& ctx) {
  cmd->require_subcommand(0, 1);
  auto* list = cmd->add_subcommand(
    "list",
    "contacts with presence, trust and state (pending-out, pending-in, accepted, "
    "declined, blocked; the default)");
  list->callback([&ctx] { list_contacts(ctx); });

  auto target = std::make_shared<std::string>();
  auto words = std::make_shared<std::string>();
  auto* request = cmd->add_subcommand(
    "request", "ask a user of the hub to be your contact; presence flows once they accept");
  request->add_option("user", *target, "their user name")->required();
  request->add_option("message", *words, "a few words for them (end-to-end encrypted)");
  request->callback([target, words, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.RequestContact(*target, *words);
    ctx.print({{"username", *target}, {"requested", true}},
              [&] { std::cout << "requested " << *target << '\n'; });
  });
  user_command(cmd, ctx, "accept", "accept a user's contact request", "accepted",
               [](auto& a, auto& u) { a.AcceptContact(u); });
  user_command(cmd, ctx, "decline", "decline a user's contact request", "declined",
               [](auto& a, auto& u) { a.DeclineContact(u); });
  user_command(cmd, ctx, "add", "the same as request, without a message", "requested",
               [](auto& a, auto& u) { a.AddContact(u); });
  user_command(cmd, ctx, "remove", "take a user off your contacts, or withdraw a request",
               "removed", [](auto& a, auto& u) { a.RemoveContact(u); });
  user_command(cmd, ctx, "block",
               "refuse everything a user sends you, at the hub (they are not told)", "blocked",
               [](auto& a, auto& u) { a.BlockUser(u); });
  user_command(cmd, ctx, "unblock", "end a block", "unblocked",
               [](auto& a, auto& u) { a.UnblockUser(u); });
  auto* blocked = cmd->add_subcommand("blocked", "the users you blocked");
  blocked->callback([&ctx] { list_blocked(ctx); });
  cmd->callback([cmd, &ctx] {
    if (cmd->get_subcommands().empty())
      list_contacts(ctx);
  });
}

}  // namespace chatter::cli
