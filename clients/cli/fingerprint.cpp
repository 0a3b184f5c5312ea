// chatterctl [--as USER] fingerprint WHO / verify WHO FINGERPRINT.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

void add_fingerprint_command(CLI::App& app, context& ctx) {
  auto who = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("fingerprint", "the fingerprint of a user's identity key");
  cmd->add_option("user", *who, "whose (your own account's name for yours)")->required();
  cmd->callback([who, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto fp = account.GetFingerprint(*who);
    ctx.print({{"user", *who}, {"fingerprint", fp}}, [&] { std::cout << fp << '\n'; });
  });
}

void add_verify_command(CLI::App& app, context& ctx) {
  struct args {
    std::string user;
    std::string fingerprint;
  };
  auto a = std::make_shared<args>();
  auto* cmd = app.add_subcommand("verify", "mark a contact's key trusted after comparing it");
  cmd->add_option("user", a->user, "the contact")->required();
  cmd->add_option("fingerprint", a->fingerprint, "the fingerprint you compared")->required();
  cmd->callback([a, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    account.VerifyContact(a->user, a->fingerprint);
    ctx.print({{"user", a->user}, {"verified", true}},
              [&] { std::cout << "verified " << a->user << '\n'; });
  });
}

} // namespace chatter::cli
