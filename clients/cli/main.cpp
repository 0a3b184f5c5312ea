// chatterctl: Chatter from scripts and shells. A thin D-Bus client: every
// sub-command is one call (or a few reads) on org.chatter.Chatter1.
#include <iostream>

#include "commands.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  chatter::cli::context ctx;
  CLI::App app{"chatterctl: talk to chatterd over D-Bus.\n"
               "Exit status: 0 ok, 3 InvalidArgument, 4 NotFound, 5 AlreadyExists,\n"
               "6 AuthenticationFailed, 7 RateLimited, 8 NotLoggedIn, 9 UntrustedKey,\n"
               "10 HubUnreachable, 11 Timeout, 12 Internal, 13 daemon not running,\n"
               "1 any other error; the error name is printed on stderr."};
  app.set_version_flag("--version", std::string("chatterctl ") + chatter::version);
  app.add_option("--bus-address", ctx.bus_address,
                 "D-Bus address of the daemon's bus (default: the session bus)");
  app.add_flag("--json", ctx.json, "print JSON instead of text");
  app.add_option("--as", ctx.as, "the account to act for (default: the only one)");
  app.require_subcommand(1);
  app.fallthrough();  // --json and --bus-address also after the sub-command
  chatter::cli::add_register_command(app, ctx);
  chatter::cli::add_login_command(app, ctx);
  chatter::cli::add_logout_command(app, ctx);
  chatter::cli::add_accounts_command(app, ctx);
  chatter::cli::add_status_command(app, ctx);
  chatter::cli::add_send_command(app, ctx);
  chatter::cli::add_history_command(app, ctx);
  chatter::cli::add_pending_command(app, ctx);
  chatter::cli::add_ack_command(app, ctx);
  chatter::cli::add_fingerprint_command(app, ctx);
  chatter::cli::add_verify_command(app, ctx);
  chatter::cli::add_session_command(app, ctx);
  chatter::cli::add_read_command(app, ctx);
  chatter::cli::add_search_command(app, ctx);
  chatter::cli::add_contacts_command(app, ctx);
  chatter::cli::add_presence_command(app, ctx);
  chatter::cli::add_room_command(app, ctx);
  chatter::cli::add_watch_command(app, ctx);
  chatter::cli::add_tux_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sdbus::Error& e) {
    std::cerr << "chatterctl: " << e.getName() << ": " << e.getMessage() << '\n';
    return chatter::cli::exit_status_for(e.getName());
  } catch (const std::exception& e) {
    std::cerr << "chatterctl: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
