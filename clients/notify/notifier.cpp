#include "notifier.hpp"

#include <iostream>
#include <set>

#include "core/subprocess.hpp"
#include "version.hpp"

namespace chatter::notify {

class notifications_client final
  : public sdbus::ProxyInterfaces<org::freedesktop::Notifications_proxy> {
public:
  notifications_client(sdbus::IConnection& connection, notifier& owner)
    : ProxyInterfaces(connection, "org.freedesktop.Notifications",
                      "/org/freedesktop/Notifications"),
      owner_(owner) {
    registerProxy();
  }
  ~notifications_client() {
    unregisterProxy();
  }

private:
  void onNotificationClosed(const uint32_t&, const uint32_t&) override {}
  void onActionInvoked(const uint32_t& id, const std::string& action) override {
    owner_.action_invoked(id, action);
  }
  void onNotificationReplied(const uint32_t& id, const std::string& text) override {
    owner_.replied(id, text);
  }
  notifier& owner_;
};

class objects_client final : public sdbus::ProxyInterfaces<sdbus::ObjectManager_proxy> {
public:
  objects_client(sdbus::IConnection& connection, notifier& owner)
    : ProxyInterfaces(connection, client::service_name, client::manager_path), owner_(owner) {
    registerProxy();
  }
  ~objects_client() {
    unregisterProxy();
  }

private:
  void onInterfacesAdded(
    const sdbus::ObjectPath& path,
    const std::map<std::string, std::map<std::string, sdbus::Variant>>& interfaces) override {
    if (interfaces.count("org.chatter.Chatter1.Account"))
      owner_.account_added(path);
  }
  void onInterfacesRemoved(const sdbus::ObjectPath&, const std::vector<std::string>&) override {}
  notifier& owner_;
};

struct notifier::watched_account {
  std::string user;
  std::string presence;
  std::string room;             // of the MessageReceived being handled
  bool request = false;         // the same: from someone who is not a contact
  std::set<std::string> asked;  // strangers already shown once
  std::unique_ptr<client::account_client> proxy;
};

std::string escape_markup(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    default: out += c;
    }
  }
  return out;
}

notifier::notifier(sdbus::IConnection& connection, notifier_options options)
  : connection_(connection), options_(std::move(options)) {
  server_ = std::make_unique<notifications_client>(connection_, *this);
  objects_ = std::make_unique<objects_client>(connection_, *this);
  bus_ = sdbus::createProxy(connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  bus_->uponSignal("NameOwnerChanged")
    .onInterface("org.freedesktop.DBus")
    .call([this](const std::string& name, const std::string&, const std::string& owner) {
      if (name == client::service_name)
        daemon_owner_changed(!owner.empty());
    });
  bus_->finishRegistration();
}

notifier::~notifier() = default;

void notifier::attach() {
  accounts_.clear();
  try {
    client::manager_client manager(connection_);
    for (auto& path : manager.ListAccounts())
      watch(path);
    // On stdout, flushed: scripts and tests wait for this line.
    std::cout << "chatter-notify: following " << accounts_.size() << " account(s)" << std::endl;
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-notify: chatterd is not running (" << e.getName()
              << "); waiting for it\n";
  }
}

void notifier::account_added(const std::string& path) {
  if (!accounts_.count(path))
    watch(path);
}

void notifier::daemon_owner_changed(bool present) {
  if (present) {
    std::cerr << "chatter-notify: chatterd (re)started\n";
    attach();
  } else {
    std::cerr << "chatter-notify: chatterd went away\n";
    accounts_.clear();
  }
}

void notifier::watch(const std::string& path) {
  auto account = std::make_unique<watched_account>();
  auto* a = account.get();
  a->proxy = std::make_unique<client::account_client>(connection_, path);
  a->user = a->proxy->Username();
  a->presence = a->proxy->Presence();
  // The proxy hands a MessageReceived's extras (the room) first, then the
  // message, on this same thread.
  a->proxy->on_message_extras = [a](const std::string&,
                                    const std::map<std::string, sdbus::Variant>& extras) {
    auto room = extras.find("room");
    a->room = room == extras.end() ? std::string() : room->second.get<std::string>();
    auto request = extras.find("request");
    a->request = request != extras.end() && request->second.get<bool>();
  };
  a->proxy->on_message_received = [this, a](const std::string&, const std::string& from,
                                            const std::string& text, int64_t) {
    if (a->request)
      request(*a, from, "wrote to you");
    else
      message(*a, from, text, a->room);
  };
  a->proxy->on_contact_requested = [this, a](const std::string& from, const std::string& words) {
    request(*a, from, words.empty() ? std::string("asks to be your contact") : words);
  };
  a->proxy->on_interlocutor_arrived =
    [this, a](const std::string& who, const std::string& display) { arrival(*a, who, display); };
  a->proxy->on_properties_changed = [a](const std::map<std::string, sdbus::Variant>& changed) {
    if (auto p = changed.find("Presence"); p != changed.end())
      a->presence = p->second.get<std::string>();
  };
  accounts_[path] = std::move(account);
}

void notifier::message(watched_account& account, const std::string& from, const std::string& text,
                       const std::string& room) {
  if (account.presence == "busy")
    return;
  auto peer = room.empty() ? from : "#" + room;
  auto summary = room.empty() ? from : from + " (#" + room + ")";
  show({account.user, peer}, summary, text, "im.received");
}

void notifier::arrival(watched_account& account, const std::string& who,
                       const std::string& display) {
  if (account.presence == "busy")
    return;
  show({account.user, who}, display + " is here", who + " is online for " + account.user,
       "presence.online");
}

void notifier::request(watched_account& account, const std::string& from,
                       const std::string& words) {
  if (account.presence == "busy" || !account.asked.insert(from).second)
    return;
  show({account.user, from}, "Message request from " + from, words, "im.request");
}

bool notifier::inline_reply() {
  try {
    for (auto& cap : server_->GetCapabilities())
      if (cap == "inline-reply")
        return true;
  } catch (const sdbus::Error&) {
  }
  return false;
}

void notifier::show(const conversation& about, const std::string& summary, const std::string& body,
                    const std::string& category) {
  auto key = std::make_pair(about.user, about.peer);
  uint32_t replaces = shown_.count(key) ? shown_[key] : 0;
  std::vector<std::string> actions{"default", "Open"};
  std::map<std::string, sdbus::Variant> hints{
    {"category", sdbus::Variant(category)},
    {"desktop-entry", sdbus::Variant(std::string(chatter::app_id))},
    {"urgency", sdbus::Variant(static_cast<uint8_t>(category == "im.request" ? 0 : 1))}};
  if (category == "im.request")
    actions.insert(actions.end(), {"accept", "Accept", "block", "Block"});
  if (category == "im.received") {
    if (inline_reply()) {
      actions.insert(actions.end(), {"inline-reply", "Reply"});
      hints["x-kde-reply-placeholder-text"] = sdbus::Variant("Reply to " + about.peer);
    } else {
      actions.insert(actions.end(), {"reply", "Reply"});
    }
  }
  try {
    auto id = server_->Notify("Chatter", replaces, "chatter", summary, escape_markup(body), actions,
                              hints, options_.expire_timeout_ms);
    if (replaces && replaces != id)
      by_id_.erase(replaces);
    shown_[key] = id;
    by_id_[id] = about;
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-notify: no notification server (" << e.getName() << ")\n";
  }
}

void notifier::action_invoked(uint32_t id, const std::string& action) {
  auto i = by_id_.find(id);
  if (i == by_id_.end())
    return;
  if (action == "default" || action == "reply")
    open(i->second);
  if (action != "accept" && action != "block")
    return;
  try {
    client::account_client account(connection_, client::account_path(i->second.user));
    if (action == "accept")
      account.AcceptContact(i->second.peer);
    else
      account.BlockUser(i->second.peer);
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-notify: " << action << " " << i->second.peer << ": " << e.getName()
              << ": " << e.getMessage() << '\n';
  }
}

void notifier::replied(uint32_t id, const std::string& text) {
  auto i = by_id_.find(id);
  if (i == by_id_.end() || text.empty())
    return;
  try {
    client::account_client account(connection_, client::account_path(i->second.user));
    account.SendMessage(i->second.peer, text);
  } catch (const sdbus::Error& e) {
    std::cerr << "chatter-notify: the reply to " << i->second.peer
              << " was not sent: " << e.getName() << ": " << e.getMessage() << '\n';
  }
}

void notifier::open(const conversation& about) {
  auto argv = options_.open_command;
  argv.insert(argv.end(), {"--as", about.user, "--conversation", about.peer});
  if (!start_program(argv))
    std::cerr << "chatter-notify: cannot start " << argv[0] << '\n';
}

}  // namespace chatter::notify
