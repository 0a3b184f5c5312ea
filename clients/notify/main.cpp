// chatter-notify: desktop notifications for Chatter (see notifier.hpp). Runs
// in the user's session, e.g. from its autostart entry, until SIGINT/SIGTERM.
#include <csignal>

#include "desktop_app.hpp"
#include "notifier.hpp"

// Whatever escapes (a CLI11 or allocation failure) ends it with a line, not
// std::terminate.
int main(int argc, char** argv) try {
  chatter::client::desktop_app app{
    "chatter-notify",
    "desktop notifications for Chatter.\n"
    "Raises a notification for each new message and each arriving interlocutor of "
    "chatterd's accounts (one per conversation, replaced, none while an account is busy); "
    "\"Open\" starts chatter-gtk on the conversation; inline replies where the "
    "notification server offers them."};
  chatter::notify::notifier_options options;
  app.cli
    .add_option("--open-command", options.open_command,
                "what \"Open\" runs, before --as USER --conversation PEER")
    ->capture_default_str();
  app.cli
    .add_option("--expire", options.expire_timeout_ms,
                "notification timeout in ms (-1: the server's default, 0: never)")
    ->capture_default_str();
  CLI11_PARSE(app.cli, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGCHLD, SIG_IGN);  // chatter-gtk windows we started reap themselves
  return app.run([&] {
    auto connection = app.bus_address.empty()
      ? sdbus::createSessionBusConnection()
      : sdbus::createSessionBusConnectionWithAddress(app.bus_address);
    chatter::notify::notifier notifier(*connection, options);
    notifier.attach();
    connection->enterEventLoopAsync();
    int sig = 0;
    sigwait(&signals, &sig);
    connection->leaveEventLoop();
    return 0;
  });
} catch (const std::exception& e) {
  std::cerr << "chatter-notify: " << e.what() << '\n';
  return 1;
} catch (...) {
  return 1;
}
