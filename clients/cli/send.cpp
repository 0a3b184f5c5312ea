// chatterctl [--as USER] send TO TEXT|-: Account.SendMessage; prints the id.
// With "-" the text is stdin, so a message can come from a pipe.
// chatterctl send-many: Account.SendMessages, one TO<TAB>TEXT line of stdin
// per message; prints the ids in the lines' order.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <vector>

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

struct line_message {
  size_t line;  // 1-based, in stdin
  std::string to, text;
};

// TO<TAB>TEXT lines (the text may hold more tabs); blank lines are skipped.
// All of them are read and checked before anything is sent.
std::vector<line_message> read_lines() {
  std::vector<line_message> out;
  std::string line;
  for (size_t n = 1; std::getline(std::cin, line); ++n) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty())
      continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos)
      throw usage_error("line " + std::to_string(n)
                        + ": no tab between the recipient and the text; nothing was sent");
    out.push_back({n, line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// The daemon's "entry I: ..." of a call holding `chunk`, as "line N: ...".
sdbus::Error with_line(const sdbus::Error& e, const std::vector<line_message>& chunk,
                       size_t sent_before) {
  std::string message = e.getMessage();
  size_t index = 0, used = 0;
  if (message.rfind("entry ", 0) == 0) {
    try {
      index = std::stoul(message.substr(6), &used);
    } catch (const std::exception&) {
      used = 0;
    }
  }
  if (used > 0 && index < chunk.size())
    message = "line " + std::to_string(chunk[index].line) + message.substr(6 + used);
  if (sent_before > 0)
    message += " (the " + std::to_string(sent_before) + " messages before these were sent)";
  return sdbus::Error(e.getName(), message);
}

}  // namespace

void setup_send_many(CLI::App* cmd, context& ctx) {
  auto batch = std::make_shared<size_t>(1000);
  cmd->footer("Each line of stdin is a recipient (a user or #room), a tab, and the text\n"
              "(UTF-8, up to 64 KiB, no newline). All lines are read first: one without\n"
              "a tab sends nothing. They go in calls of --batch messages (SendMessages);\n"
              "the daemon refuses a call whole when one of its lines is bad, naming the\n"
              "line. The ids are printed in the lines' order, one a line.\n"
              "  printf 'bob\\tLunch?\\ncarol\\tLunch?\\n' | chatterctl send-many");
  cmd->add_option("--batch", *batch, "messages per call, 1-1000 (default 1000)")
    ->check(CLI::Range(1, 1000));
  cmd->callback([batch, &ctx] {
    auto lines = read_lines();
    client::account_client account(ctx.bus(), ctx.account_path());
    std::vector<std::string> ids;
    for (size_t start = 0; start < lines.size(); start += *batch) {
      std::vector<line_message> chunk(lines.begin() + start,
                                      lines.begin() + std::min(lines.size(), start + *batch));
      std::vector<sdbus::Struct<std::string, std::string>> entries;
      for (auto& m : chunk)
        entries.emplace_back(m.to, m.text);
      try {
        auto got = account.SendMessages(entries);
        ids.insert(ids.end(), got.begin(), got.end());
      } catch (const sdbus::Error& e) {
        throw with_line(e, chunk, start);
      }
    }
    auto json = nlohmann::json::array();
    for (size_t i = 0; i < ids.size(); ++i)
      json.push_back({{"id", ids[i]}, {"to", lines[i].to}});
    ctx.print(json, [&] {
      for (auto& id : ids)
        std::cout << id << '\n';
    });
  });
}

void setup_send(CLI::App* cmd, context& ctx) {
  struct args {
    std::string to;
    std::string text;
  };
  auto a = std::make_shared<args>();
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

}  // namespace chatter::cli
