// A stand-in notification server on the private bus: the one desktop service
// the tests do not run for real (dunst and Plasma's need a display and show
// nothing a test can read). It implements org.freedesktop.Notifications from
// the same XML chatter-notify's proxy comes from, records every Notify, and
// can play the user: click an action, type an inline reply.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

namespace chatter::test {

struct notify_call {
  std::string app_name;
  uint32_t replaces_id = 0;
  std::string summary;
  std::string body;
  std::vector<std::string> actions;
  std::map<std::string, std::string> string_hints;
  uint32_t id = 0;  // what the server answered
};

class notification_server {
public:
  // Owns org.freedesktop.Notifications on the bus at `address`; with
  // `inline_reply`, advertises KDE's "inline-reply" capability.
  notification_server(const std::string& address, bool inline_reply);
  ~notification_server();

  std::vector<notify_call> calls() const;
  // The user clicks `action` on notification `id`, or types a reply.
  void invoke(uint32_t id, const std::string& action);
  void reply(uint32_t id, const std::string& text);

private:
  class adaptor;
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<adaptor> object_;
};

}  // namespace chatter::test
