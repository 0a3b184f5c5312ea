// chatter-gtk: a small GTK 4 front-end for chatterd, over D-Bus only.
#include <iostream>

#include <CLI/CLI.hpp>

#include "main_window.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"chatter-gtk: a small window for Chatter: log in or register, contacts "
               "with presence and trust, directory search, a conversation with its "
               "history and delivery states, fingerprint verification."};
  app.set_version_flag("--version", std::string("chatter-gtk ") + chatter::version);
  std::string bus_address;
  chatter::gtk::window_options options;
  app.add_option("--bus-address", bus_address,
                 "D-Bus address of the session bus (default: the session bus)");
  app.add_option("--as", options.as, "open this account (logged in), else show the login form");
  app.add_option("--conversation", options.conversation, "open the conversation with PEER");
  app.add_option("--screenshot", options.screenshot,
                 "after each change of the conversation, save the window as this PNG "
                 "(and its rows, as text, in PNG.txt)");
  CLI11_PARSE(app, argc, argv);
  try {
    chatter::gtk::bus_link bus(bus_address);
    auto gtk = Gtk::Application::create(chatter::app_id, Gio::Application::Flags::NON_UNIQUE);
    // GTK sees no options of ours.
    return gtk->make_window_and_run<chatter::gtk::main_window>(1, argv, bus, options);
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-gtk: " << e.getName() << ": " << e.getMessage() << '\n';
    return 1;
  }
}
