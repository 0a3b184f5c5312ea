// chatter-notify: desktop notifications for Chatter (see notifier.hpp). Runs
// in the user's session, e.g. from its autostart entry, until SIGINT/SIGTERM.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "notifier.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"chatter-notify: desktop notifications for Chatter.\n"
               "Raises a notification for each new message and each arriving "
               "interlocutor of chatterd's accounts (one per conversation, replaced, "
               "none while an account is busy); \"Open\" starts chatter-gtk on the "
               "conversation; inline replies where the notification server offers them."};
  app.set_version_flag("--version", std::string("chatter-notify ") + chatter::version);
  std::string bus_address;
  chatter::notify::notifier_options options;
  app.add_option("--bus-address", bus_address,
                 "D-Bus address of the session bus (default: the session bus)");
  app
    .add_option("--open-command", options.open_command,
                "what \"Open\" runs, before --as USER --conversation PEER")
    ->capture_default_str();
  app
    .add_option("--expire", options.expire_timeout_ms,
                "notification timeout in ms (-1: the server's default, 0: never)")
    ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGCHLD, SIG_IGN);  // chatter-gtk windows we started reap themselves
  try {
    auto connection = bus_address.empty()
      ? sdbus::createSessionBusConnection()
      : sdbus::createSessionBusConnectionWithAddress(bus_address);
    chatter::notify::notifier notifier(*connection, options);
    notifier.attach();
    connection->enterEventLoopAsync();
    int sig = 0;
    sigwait(&signals, &sig);
    connection->leaveEventLoop();
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-notify: " << e.getName() << ": " << e.getMessage() << '\n';
    return 1;
  }
  return 0;
}
