// chatterctl tux speak TEXT | do ACTION | status | react [--arrival on|off]
// [--message on|off]: the org.chatter.Chatter1.TuxDroid object.
#include <iostream>

#include "client_proxies.hpp"
#include "commands.hpp"

namespace chatter::cli {

namespace {

void print_status(context& ctx) {
  client::tuxdroid_client robot(ctx.bus());
  nlohmann::json out{{"backend", robot.Backend()},
                     {"connected", robot.Connected()},
                     {"react_on_arrival", robot.ReactOnArrival()},
                     {"react_on_message", robot.ReactOnMessage()}};
  ctx.print(out, [&] {
    auto on = [](bool b) { return b ? "on" : "off"; };
    std::cout << "backend " << out["backend"].get<std::string>() << ", robot "
              << (out["connected"].get<bool>() ? "connected" : "not connected")
              << "; greets arrivals: " << on(out["react_on_arrival"].get<bool>())
              << ", reads messages: " << on(out["react_on_message"].get<bool>()) << '\n';
  });
}

}  // namespace

void setup_tux(CLI::App* cmd, context& ctx) {
  cmd->require_subcommand(1);
  auto text = std::make_shared<std::string>();
  auto* speak = cmd->add_subcommand("speak", "say TEXT (queued; answers at once)");
  speak->add_option("text", *text, "what to say")->required();
  speak->callback([text, &ctx] {
    client::tuxdroid_client(ctx.bus()).Speak(*text);
    ctx.print({{"queued", "speak"}}, [] { std::cout << "queued: speak\n"; });
  });
  auto action = std::make_shared<std::string>();
  auto* perform = cmd->add_subcommand("do",
                                      "perform ACTION (wave, blink, flap, spin-left, ...; "
                                      "an unknown one lists them all)");
  perform->add_option("action", *action, "the action")->required();
  perform->callback([action, &ctx] {
    client::tuxdroid_client(ctx.bus()).Perform(*action);
    ctx.print({{"queued", *action}}, [&] { std::cout << "queued: " << *action << '\n'; });
  });
  auto* status = cmd->add_subcommand("status", "backend, robot link, reactions");
  status->callback([&ctx] { print_status(ctx); });
  auto arrival = std::make_shared<std::string>();
  auto message = std::make_shared<std::string>();
  auto* react = cmd->add_subcommand("react", "turn the reactions on or off, then show them");
  react->add_option("--arrival", *arrival, "greet each new interlocutor: on or off")
    ->check(CLI::IsMember({"on", "off"}));
  react->add_option("--message", *message, "read out each incoming message: on or off")
    ->check(CLI::IsMember({"on", "off"}));
  react->callback([arrival, message, &ctx] {
    {
      client::tuxdroid_client robot(ctx.bus());
      if (!arrival->empty())
        robot.ReactOnArrival(*arrival == "on");
      if (!message->empty())
        robot.ReactOnMessage(*message == "on");
    }
    print_status(ctx);
  });
}

}  // namespace chatter::cli
