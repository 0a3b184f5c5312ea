// chatterctl [--as USER] fingerprint WHO / verify WHO FINGERPRINT.
#include <algorithm>
#include <cctype>
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

namespace {

// A fingerprint as the daemon writes it (12 groups of 5 digits, one space
// between), from one read aloud or pasted: with or without spaces, split
// over lines. Anything that is not 60 digits then goes as typed, for the
// daemon to refuse.
std::string normalized_fingerprint(const std::string& typed) {
  std::string digits;
  for (char c : typed)
    if (!std::isspace(static_cast<unsigned char>(c)))
      digits += c;
  bool all_digits = std::all_of(digits.begin(), digits.end(),
                                [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (digits.size() != 60 || !all_digits)
    return typed;
  std::string grouped;
  for (size_t i = 0; i < digits.size(); i += 5)
    grouped += (i ? " " : "") + digits.substr(i, 5);
  return grouped;
}

}  // namespace

void setup_fingerprint(CLI::App* cmd, context& ctx) {
  auto who = std::make_shared<std::string>();
  cmd->add_option("user", *who, "whose (your own account's name for yours)")->required();
  cmd->callback([who, &ctx] {
    client::account_client account(ctx.bus(), ctx.account_path());
    auto fp = account.GetFingerprint(*who);
    ctx.print({{"user", *who}, {"fingerprint", fp}}, [&] { std::cout << fp << '\n'; });
  });
}

void setup_verify(CLI::App* cmd, context& ctx) {
  struct args {
    std::string user;
    std::vector<std::string> fingerprint;  // one word, or the groups unquoted
  };
  auto a = std::make_shared<args>();
  cmd->add_option("user", a->user, "the contact")->required();
  cmd
    ->add_option("fingerprint", a->fingerprint,
                 "the fingerprint you compared: 60 digits, with or without spaces, quoted "
                 "or not")
    ->required();
  cmd->callback([a, &ctx] {
    std::string typed;
    for (auto& word : a->fingerprint)
      typed += (typed.empty() ? "" : " ") + word;
    client::account_client account(ctx.bus(), ctx.account_path());
    account.VerifyContact(a->user, normalized_fingerprint(typed));
    ctx.print({{"user", a->user}, {"verified", true}},
              [&] { std::cout << "verified " << a->user << '\n'; });
  });
}

}  // namespace chatter::cli
