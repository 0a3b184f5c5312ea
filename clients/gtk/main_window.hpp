// chatter-gtk's one window: log in or register, contacts with presence and
// trust, directory search, one conversation (history paged back, delivery
// states, compose box) and the fingerprint check. Only the D-Bus API.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtkmm.h>

#include "bus_link.hpp"

namespace chatter::gtk {

struct window_options {
  std::string as;            // the account to open (else the login form)
  std::string conversation;  // the peer to open
  std::string screenshot;    // after each change of the conversation: PNG here, rows in .txt
};

class main_window : public Gtk::Window {
public:
  main_window(bus_link& bus, window_options options);

private:
  using message =
    sdbus::Struct<std::string, std::string, std::string, std::string, int64_t, std::string>;
  static constexpr uint32_t page_size = 50;

  void build_layout();
  void log_in(bool register_first);
  void logged_in(const std::string& user);
  void refresh_contacts();
  // Accept, Decline or Block the request of `user` (a pending-in contact).
  Gtk::Widget* request_row(const std::string& user, Gtk::Label& label);
  void answer_request(const std::string& user, const std::string& answer);
  void search();
  void open_conversation(const std::string& peer);
  void load_older();
  void send();
  void show_fingerprints();
  void add_row(const message& m, bool at_top);
  void state_changed(const std::string& id, const std::string& state);
  void report(const std::string& text);
  void view_changed();

  bus_link& bus_;
  window_options options_;
  std::string user_;
  std::string peer_;
  int64_t oldest_ms_ = 0;
  std::map<std::string, Gtk::Label*> states_;  // message id -> its state label
  bool capture_pending_ = false;

  Gtk::Box root_{Gtk::Orientation::VERTICAL, 6};
  Gtk::Box login_bar_{Gtk::Orientation::HORIZONTAL, 6};
  Gtk::Entry user_entry_;
  Gtk::PasswordEntry password_entry_;
  Gtk::Button login_button_{"Log in"};
  Gtk::Button register_button_{"Register"};
  Gtk::Label status_;
  Gtk::Paned panes_{Gtk::Orientation::HORIZONTAL};
  Gtk::Box side_{Gtk::Orientation::VERTICAL, 6};
  Gtk::Label contacts_title_;
  Gtk::ListBox contacts_;
  Gtk::SearchEntry search_entry_;
  Gtk::ListBox results_;
  Gtk::Box chat_{Gtk::Orientation::VERTICAL, 6};
  Gtk::Box chat_header_{Gtk::Orientation::HORIZONTAL, 6};
  Gtk::Label peer_label_;
  Gtk::Button older_button_{"Older messages"};
  Gtk::Button verify_button_{"Verify…"};
  Gtk::ScrolledWindow scroller_;
  Gtk::ListBox messages_;
  Gtk::Box compose_{Gtk::Orientation::HORIZONTAL, 6};
  Gtk::Entry compose_entry_;
  Gtk::Button send_button_{"Send"};
};

}  // namespace chatter::gtk
