// chatterctl [--as USER] contacts [list] | contacts add USER | contacts
// remove USER: Account.ListContacts, AddContact, RemoveContact.
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
                    {"fingerprint", c.get<4>()}});
  ctx.print(json, [&] {
    using display::printable;  // display names are chosen by their owners
    for (auto& c : contacts)
      std::cout << std::left << std::setw(20) << printable(c.get<0>()) << ' ' << std::setw(24)
                << printable(c.get<1>()) << ' ' << std::setw(8) << printable(c.get<2>()) << ' '
                << printable(c.get<3>()) << '\n';
  });
}

}  // namespace

void setup_contacts(CLI::App* cmd, context& ctx) {
  cmd->require_subcommand(0, 1);
  auto user = std::make_shared<std::string>();
  auto* list = cmd->add_subcommand("list", "contacts with presence and trust (the default)");
  list->callback([&ctx] { list_contacts(ctx); });
  auto* add = cmd->add_subcommand("add", "add a user of the hub and watch their presence");
  add->add_option("user", *user, "their user name")->required();
  add->callback([user, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.AddContact(*user);
    ctx.print({{"username", *user}, {"added", true}},
              [&] { std::cout << "added " << *user << '\n'; });
  });
  auto* remove = cmd->add_subcommand("remove", "take a user off your contacts");
  remove->add_option("user", *user, "their user name")->required();
  remove->callback([user, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.RemoveContact(*user);
    ctx.print({{"username", *user}, {"removed", true}},
              [&] { std::cout << "removed " << *user << '\n'; });
  });
  cmd->callback([cmd, &ctx] {
    if (cmd->get_subcommands().empty())
      list_contacts(ctx);
  });
}

}  // namespace chatter::cli
