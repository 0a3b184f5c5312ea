// chatter-notify's work: watches every account of the daemon and raises a
// desktop notification (org.freedesktop.Notifications) for each new message
// and each arriving interlocutor. One notification per conversation, replaced
// rather than stacked; nothing while the account's presence is busy; "Open"
// starts chatter-gtk on the conversation, and where the server offers inline
// replies (KDE) a reply typed in the notification is sent. Someone who is not
// a contact (a contact request, a message request) gets one quiet
// notification per stranger, with Accept and Block. Follows the daemon
// across restarts. Everything runs on the bus connection's event loop thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "client_proxies.hpp"
#include "freedesktop_notifications_proxy.h"

namespace chatter::notify {

struct notifier_options {
  // Run for "Open"/"Reply": argv, then --as USER --conversation PEER.
  std::vector<std::string> open_command{"chatter-gtk"};
  int expire_timeout_ms = -1;  // the server's default
};

class notifications_client;
class objects_client;

class notifier {
public:
  notifier(sdbus::IConnection& connection, notifier_options options);
  ~notifier();

  // (Re)reads the daemon's accounts and follows their signals; quietly does
  // nothing while the daemon is away.
  void attach();

  // Called by the proxies (loop thread).
  void account_added(const std::string& path);
  void daemon_owner_changed(bool present);
  void action_invoked(uint32_t id, const std::string& action);
  void replied(uint32_t id, const std::string& text);

private:
  struct conversation {
    std::string user;  // our account
    std::string peer;  // a user, or #room
  };
  struct watched_account;

  void watch(const std::string& path);
  void message(watched_account& account, const std::string& from, const std::string& text,
               const std::string& room);
  void arrival(watched_account& account, const std::string& who, const std::string& display);
  // Someone who is not a contact asked or wrote: one quiet notification
  // per stranger, with Accept and Block.
  void request(watched_account& account, const std::string& from, const std::string& words);
  void show(const conversation& about, const std::string& summary, const std::string& body,
            const std::string& category);
  void open(const conversation& about);
  bool inline_reply();

  sdbus::IConnection& connection_;
  notifier_options options_;
  std::unique_ptr<notifications_client> server_;
  std::unique_ptr<objects_client> objects_;
  std::unique_ptr<sdbus::IProxy> bus_;
  std::map<std::string, std::unique_ptr<watched_account>> accounts_;  // by path
  std::map<std::pair<std::string, std::string>, uint32_t> shown_;     // conversation -> id
  std::map<uint32_t, conversation> by_id_;
};

// Markup-safe text: the spec lets servers read <b>, <i>, <a> in bodies.
std::string escape_markup(const std::string& text);

}  // namespace chatter::notify
