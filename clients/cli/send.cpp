// chatterctl [--as USER] send TO TEXT|-: Account.SendMessage; prints the id.
// With "-" the text is stdin, so a message can come from a pipe.
#include <iostream>
#include <iterator>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

namespace {

// All of stdin, less one final newline (what `echo` and editors add).
std::string read_stdin() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), {});
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  if (!text.empty() && text.back() == '\r')
    text.pop_back();
  return text;
}

} // namespace

void add_send_command(CLI::App& app, context& ctx) {
  struct args {
    std::string to;
    std::string text;
  };
  auto a = std::make_shared<args>();
  auto* cmd = app.add_subcommand("send", "send an end-to-end encrypted message");
  cmd->add_option("to", a->to, "recipient's user name, or #room")->required();
  cmd->add_option("text", a->text, "the message (UTF-8, up to 64 KiB); - reads it from stdin")
    ->required();
  cmd->callback([a, &ctx] {
    if (a->text == "-")
      a->text = read_stdin();
    client::account_client account(ctx.bus(), ctx.account_path());
    auto id = account.SendMessage(a->to, a->text);
    ctx.print({{"id", id}, {"to", a->to}}, [&] { std::cout << id << '\n'; });
  });
}

} // namespace chatter::cli
