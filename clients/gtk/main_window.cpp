#include "main_window.hpp"

#include <ctime>
#include <fstream>

#include <gtk/gtk.h>

#include "printable.hpp"
#include "screenshot.hpp"

namespace chatter::gtk {

using display::printable;  // every label with another user's words goes through it

namespace {

// The name screen readers (and AT-SPI tests) find a widget by.
void name_for_accessibility(Gtk::Widget& widget, const char* name) {
  gtk_accessible_update_property(GTK_ACCESSIBLE(widget.gobj()), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                 -1);
}

std::string clock_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[8];
  std::strftime(buf, sizeof buf, "%H:%M", &local);
  return buf;
}

// Where a contact stands, when it is not an accepted contact.
const char* consent_badge(const std::string& state) {
  if (state == "pending-out")
    return " · asked";
  if (state == "pending-in")
    return " · asks to be your contact";
  if (state == "declined")
    return " · declined";
  if (state == "blocked")
    return " · blocked";
  return "";
}

const char* trust_badge(const std::string& trust) {
  if (trust == "verified")
    return " ✔ verified";
  if (trust == "changed")
    return " ⚠ key changed";
  if (trust == "tofu")
    return " (unverified)";
  return "";
}

}  // namespace

main_window::main_window(bus_link& bus, window_options options)
  : bus_(bus), options_(std::move(options)) {
  set_title("Chatter");
  set_default_size(820, 560);
  build_layout();
  if (!options_.as.empty()) {
    try {
      if (bus_.account(options_.as).Authenticated()) {
        logged_in(options_.as);
        if (!options_.conversation.empty())
          open_conversation(options_.conversation);
      } else {
        user_entry_.set_text(options_.as);
        status_.set_text(options_.as + " is logged out: type the password");
      }
    } catch (const sdbus::Error& e) {
      status_.set_text(e.getMessage());
    }
  }
}

void main_window::build_layout() {
  set_child(root_);
  root_.set_margin(8);
  user_entry_.set_placeholder_text("user name");
  password_entry_.set_show_peek_icon(true);
  login_bar_.append(user_entry_);
  login_bar_.append(password_entry_);
  login_bar_.append(login_button_);
  login_bar_.append(register_button_);
  login_bar_.append(status_);
  root_.append(login_bar_);
  root_.append(panes_);
  panes_.set_vexpand(true);

  contacts_title_.set_markup("<b>Contacts</b>");
  contacts_title_.set_xalign(0);
  // gtkmm 4.8 routes SearchEntry::set_placeholder_text to GtkEntry, which a
  // GtkSearchEntry is not; the property is there.
  g_object_set(search_entry_.gobj(), "placeholder-text", "Search the directory", nullptr);
  side_.append(contacts_title_);
  side_.append(contacts_);
  side_.append(search_entry_);
  side_.append(results_);
  side_.set_size_request(240, -1);
  panes_.set_start_child(side_);

  peer_label_.set_markup("<b>No conversation</b>");
  peer_label_.set_hexpand(true);
  peer_label_.set_xalign(0);
  chat_header_.append(peer_label_);
  chat_header_.append(older_button_);
  chat_header_.append(verify_button_);
  scroller_.set_child(messages_);
  scroller_.set_vexpand(true);
  compose_entry_.set_hexpand(true);
  compose_entry_.set_placeholder_text("Write a message");
  compose_.append(compose_entry_);
  compose_.append(send_button_);
  chat_.append(chat_header_);
  chat_.append(scroller_);
  chat_.append(compose_);
  panes_.set_end_child(chat_);

  name_for_accessibility(contacts_, "Contacts");
  name_for_accessibility(results_, "Directory results");
  name_for_accessibility(messages_, "Messages");
  name_for_accessibility(compose_entry_, "Message to send");
  name_for_accessibility(user_entry_, "User name");
  name_for_accessibility(password_entry_, "Password");

  login_button_.signal_clicked().connect([this] { log_in(false); });
  register_button_.signal_clicked().connect([this] { log_in(true); });
  search_entry_.signal_search_changed().connect([this] { search(); });
  older_button_.signal_clicked().connect([this] { load_older(); });
  verify_button_.signal_clicked().connect([this] { show_fingerprints(); });
  send_button_.signal_clicked().connect([this] { send(); });
  compose_entry_.signal_activate().connect([this] { send(); });
  contacts_.signal_row_activated().connect(
    [this](Gtk::ListBoxRow* row) { open_conversation(row->get_name()); });
  for (auto* w : std::initializer_list<Gtk::Widget*>{&compose_, &older_button_, &verify_button_})
    w->set_sensitive(false);
}

void main_window::report(const std::string& text) {
  status_.set_text(text);
}

void main_window::log_in(bool register_first) {
  auto user = user_entry_.get_text();
  auto password = password_entry_.get_text();
  try {
    if (register_first)
      bus_.manager().Register(user, password, {});
    bus_.manager().Login(user, password);
    password_entry_.set_text("");
    logged_in(user);
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
}

void main_window::logged_in(const std::string& user) {
  user_ = user;
  user_entry_.set_text(user);
  for (auto* w : std::initializer_list<Gtk::Widget*>{&user_entry_, &password_entry_, &login_button_,
                                                     &register_button_})
    w->set_visible(false);
  report("logged in as " + user);
  auto& account = bus_.account(user);
  // Signals come on the bus thread; the widgets change on this one.
  account.on_message_received = [this](const std::string& id, const std::string& from,
                                       const std::string& text, int64_t ts) {
    bus_link::post([=] {
      if (from == peer_)
        add_row(message(id, from, user_, text, ts, "received"), false);
      else
        report("new message from " + printable(from));
    });
  };
  account.on_message_state_changed = [this](const std::string& id, const std::string&,
                                            const std::string& state) {
    bus_link::post([=] { state_changed(id, state); });
  };
  account.on_presence_changed = [this](const std::string&, const std::string&, const std::string&) {
    bus_link::post([this] { refresh_contacts(); });
  };
  account.on_contact_state_changed = [this](const std::string&, const std::string&) {
    bus_link::post([this] { refresh_contacts(); });
  };
  // A degraded or failed account says why, in the status line, until it
  // works again.
  account.on_state_changed = [this](const std::string& state) {
    bus_link::post([=] { report(state == "ok" ? "logged in as " + user_ : user_ + ": " + state); });
  };
  if (auto state = account.State(); state != "ok")
    report(user + ": " + state);
  refresh_contacts();
}

void main_window::refresh_contacts() {
  while (auto* row = contacts_.get_row_at_index(0))
    contacts_.remove(*row);
  try {
    for (auto& c : bus_.account(user_).ListContacts()) {
      auto* label =
        Gtk::make_managed<Gtk::Label>(printable(c.get<1>()) + " — " + printable(c.get<2>())
                                      + trust_badge(c.get<3>()) + consent_badge(c.get<5>()));
      label->set_xalign(0);
      auto* row = Gtk::make_managed<Gtk::ListBoxRow>();
      if (c.get<5>() == "pending-in")
        row->set_child(*request_row(c.get<0>(), *label));
      else
        row->set_child(*label);
      row->set_name(c.get<0>());
      contacts_.append(*row);
    }
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
}

Gtk::Widget* main_window::request_row(const std::string& user, Gtk::Label& label) {
  auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 6);
  label.set_hexpand(true);
  box->append(label);
  for (auto answer : {"Accept", "Decline", "Block"}) {
    auto* button = Gtk::make_managed<Gtk::Button>(answer);
    button->signal_clicked().connect([this, user, answer] { answer_request(user, answer); });
    box->append(*button);
  }
  return box;
}

void main_window::answer_request(const std::string& user, const std::string& answer) {
  try {
    auto& account = bus_.account(user_);
    if (answer == "Accept")
      account.AcceptContact(user);
    else if (answer == "Decline")
      account.DeclineContact(user);
    else
      account.BlockUser(user);
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
  // Later: the list is rebuilt without the row whose button is being clicked.
  bus_link::post([this] { refresh_contacts(); });
}

void main_window::search() {
  while (auto* row = results_.get_row_at_index(0))
    results_.remove(*row);
  auto query = search_entry_.get_text();
  if (query.empty() || user_.empty())
    return;
  try {
    for (auto& found : bus_.account(user_).SearchDirectory(query, 10)) {
      auto user = found.get<0>();
      auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 6);
      auto* label =
        Gtk::make_managed<Gtk::Label>(printable(found.get<1>()) + " (" + printable(user) + ")");
      label->set_hexpand(true);
      label->set_xalign(0);
      auto* add = Gtk::make_managed<Gtk::Button>("Add");
      add->signal_clicked().connect([this, user] {
        try {
          bus_.account(user_).AddContact(user);
          refresh_contacts();
        } catch (const sdbus::Error& e) {
          report(e.getMessage());
        }
      });
      box->append(*label);
      box->append(*add);
      results_.append(*box);
    }
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
}

void main_window::open_conversation(const std::string& peer) {
  peer_ = peer;
  oldest_ms_ = 0;
  states_.clear();
  while (auto* row = messages_.get_row_at_index(0))
    messages_.remove(*row);
  peer_label_.set_markup("<b>" + Glib::Markup::escape_text(printable(peer)) + "</b>");
  for (auto* w : std::initializer_list<Gtk::Widget*>{&compose_, &older_button_, &verify_button_})
    w->set_sensitive(true);
  load_older();
  try {
    bus_.account(user_).MarkRead(peer);
  } catch (const sdbus::Error&) {
  }
}

void main_window::load_older() {
  try {
    auto page = bus_.account(user_).GetHistory(peer_, oldest_ms_, page_size);
    // Oldest first: prepend from the newest down so the order holds.
    for (auto m = page.rbegin(); m != page.rend(); ++m)
      add_row(*m, true);
    if (!page.empty())
      oldest_ms_ = page.front().get<4>();
    older_button_.set_sensitive(page.size() == page_size);
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
}

void main_window::add_row(const message& m, bool at_top) {
  auto* box = Gtk::make_managed<Gtk::Box>(Gtk::Orientation::HORIZONTAL, 8);
  auto* when = Gtk::make_managed<Gtk::Label>(clock_time(m.get<4>()));
  when->add_css_class("dim-label");
  auto* text = Gtk::make_managed<Gtk::Label>();
  text->set_markup("<b>" + Glib::Markup::escape_text(printable(m.get<1>())) + "</b>  "
                   + Glib::Markup::escape_text(printable(m.get<3>())));
  text->set_hexpand(true);
  text->set_xalign(0);
  text->set_wrap(true);
  text->set_selectable(true);
  auto* state = Gtk::make_managed<Gtk::Label>(m.get<1>() == user_ ? m.get<5>() : "");
  state->add_css_class("dim-label");
  box->append(*when);
  box->append(*text);
  box->append(*state);
  if (at_top)
    messages_.prepend(*box);
  else
    messages_.append(*box);
  states_[m.get<0>()] = state;
  view_changed();
}

void main_window::state_changed(const std::string& id, const std::string& state) {
  auto i = states_.find(id);
  if (i != states_.end()) {
    i->second->set_text(state);
    view_changed();
  }
}

void main_window::send() {
  auto text = compose_entry_.get_text();
  if (text.empty())
    return;
  try {
    auto id = bus_.account(user_).SendMessage(peer_, text);
    compose_entry_.set_text("");
    add_row(message(id, user_, peer_, text, g_get_real_time() / 1000, "queued"), false);
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
  }
}

void main_window::show_fingerprints() {
  std::string mine, theirs;
  try {
    mine = bus_.account(user_).GetFingerprint(user_);
    theirs = bus_.account(user_).GetFingerprint(peer_);
  } catch (const sdbus::Error& e) {
    report(e.getMessage());
    return;
  }
  auto* dialog = new Gtk::MessageDialog(*this, "Compare fingerprints", false,
                                        Gtk::MessageType::QUESTION, Gtk::ButtonsType::NONE, true);
  dialog->set_secondary_text("Yours: " + mine + "\n" + printable(peer_) + "'s: " + theirs
                             + "\n\nRead them to each other (in person or by phone). "
                               "Mark verified only if they match.");
  dialog->add_button("Not now", Gtk::ResponseType::CANCEL);
  dialog->add_button("They match", Gtk::ResponseType::ACCEPT);
  dialog->signal_response().connect([this, dialog, theirs](int response) {
    if (response == Gtk::ResponseType::ACCEPT) {
      try {
        bus_.account(user_).VerifyContact(peer_, theirs);
        refresh_contacts();
        report(peer_ + " verified");
      } catch (const sdbus::Error& e) {
        report(e.getMessage());
      }
    }
    delete dialog;
  });
  dialog->show();
}

void main_window::view_changed() {
  if (options_.screenshot.empty() || capture_pending_)
    return;
  // After GTK has drawn the change: a short delay batches a burst of rows.
  capture_pending_ = true;
  Glib::signal_timeout().connect_once(
    [this] {
      capture_pending_ = false;
      std::vector<std::string> rows;
      for (int i = 0; auto* row = messages_.get_row_at_index(i); ++i) {
        std::string line;
        for (auto* child = row->get_child()->get_first_child(); child;
             child = child->get_next_sibling())
          if (auto* label = dynamic_cast<Gtk::Label*>(child))
            line += (line.empty() ? "" : " | ") + label->get_text();
        rows.push_back(line);
      }
      if (!save_png(*this, options_.screenshot))
        return view_changed();  // not drawn yet: try again shortly
      std::ofstream out(options_.screenshot + ".txt", std::ios::trunc);
      for (auto& r : rows)
        out << r << '\n';
    },
    300);
}

}  // namespace chatter::gtk
