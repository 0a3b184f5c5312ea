// chatter-gtk: a small GTK 4 front-end for chatterd, over D-Bus only.
#include "desktop_app.hpp"
#include "main_window.hpp"

// Whatever escapes (a CLI11 or allocation failure) ends it with a line, not
// std::terminate.
int main(int argc, char** argv) try {
  chatter::client::desktop_app app{
    "chatter-gtk",
    "a small window for Chatter: log in or register, contacts with presence "
    "and trust, directory search, a conversation with its history and delivery "
    "states, fingerprint verification."};
  chatter::gtk::window_options options;
  app.cli.add_option("--as", options.as, "open this account (logged in), else show the login form");
  app.cli.add_option("--conversation", options.conversation, "open the conversation with PEER");
  app.cli.add_option("--screenshot", options.screenshot,
                     "after each change of the conversation, save the window as this PNG "
                     "(and its rows, as text, in PNG.txt)");
  CLI11_PARSE(app.cli, argc, argv);
  return app.run([&] {
    chatter::gtk::bus_link bus(app.bus_address);
    auto gtk = Gtk::Application::create(chatter::app_id, Gio::Application::Flags::NON_UNIQUE);
    // GTK sees no options of ours.
    return gtk->make_window_and_run<chatter::gtk::main_window>(1, argv, bus, options);
  });
} catch (const std::exception& e) {
  std::cerr << "chatter-gtk: " << e.what() << '\n';
  return 1;
} catch (...) {
  return 1;
}
