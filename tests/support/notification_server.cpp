#include "notification_server.hpp"

#include "freedesktop_notifications_adaptor.h"

namespace chatter::test {

class notification_server::adaptor final
  : public sdbus::AdaptorInterfaces<org::freedesktop::Notifications_adaptor> {
public:
  adaptor(sdbus::IConnection& connection, bool inline_reply)
    : AdaptorInterfaces(connection, "/org/freedesktop/Notifications"), inline_reply_(inline_reply) {
    registerAdaptor();
  }
  ~adaptor() {
    unregisterAdaptor();
  }

  std::vector<notify_call> calls() const {
    std::lock_guard<std::mutex> g(m_);
    return calls_;
  }

private:
  std::vector<std::string> GetCapabilities() override {
    std::vector<std::string> caps{"actions", "body", "body-markup"};
    if (inline_reply_)
      caps.push_back("inline-reply");
    return caps;
  }

  uint32_t Notify(const std::string& app_name, const uint32_t& replaces_id, const std::string&,
                  const std::string& summary, const std::string& body,
                  const std::vector<std::string>& actions,
                  const std::map<std::string, sdbus::Variant>& hints, const int32_t&) override {
    std::lock_guard<std::mutex> g(m_);
    notify_call call{app_name, replaces_id, summary, body, actions, {}, 0};
    for (auto& [key, value] : hints)
      if (value.peekValueType() == "s")
        call.string_hints[key] = value.get<std::string>();
    // The spec: a known replaces_id keeps its id, else a new one.
    call.id = replaces_id != 0 && replaces_id < next_id_ ? replaces_id : next_id_++;
    calls_.push_back(call);
    return call.id;
  }

  void CloseNotification(const uint32_t& id) override {
    emitNotificationClosed(id, 3);
  }

  std::tuple<std::string, std::string, std::string, std::string> GetServerInformation() override {
    return {"chatter-test-notifications", "chatter", "1", "1.2"};
  }

  bool inline_reply_;
  mutable std::mutex m_;
  std::vector<notify_call> calls_;
  uint32_t next_id_ = 1;

  friend class notification_server;
};

notification_server::notification_server(const std::string& address, bool inline_reply)
  : connection_(sdbus::createSessionBusConnectionWithAddress(address)) {
  object_ = std::make_unique<adaptor>(*connection_, inline_reply);
  connection_->requestName("org.freedesktop.Notifications");
  connection_->enterEventLoopAsync();
}

notification_server::~notification_server() {
  connection_->leaveEventLoop();
  object_.reset();
}

std::vector<notify_call> notification_server::calls() const {
  return object_->calls();
}

void notification_server::invoke(uint32_t id, const std::string& action) {
  object_->emitActionInvoked(id, action);
}

void notification_server::reply(uint32_t id, const std::string& text) {
  object_->emitNotificationReplied(id, text);
}

}  // namespace chatter::test
