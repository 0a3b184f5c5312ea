#include "tuxdroid_object.hpp"

#include <spdlog/spdlog.h>

#include "bridge.hpp"
#include "names.hpp"
#include "member/tuxdroid/actions.hpp"

namespace chatter::dbus {

namespace {

// Longer texts are refused rather than silently cut: the caller gets told.
constexpr size_t max_speak_bytes = 1000;

} // namespace

tuxdroid_object::tuxdroid_object(sdbus::IConnection& connection, bridge& owner,
                                 tuxdroid_actor robot)
  : AdaptorInterfaces(connection, tuxdroid_path), bridge_(owner), robot_(std::move(robot)) {
  registerAdaptor();
}

tuxdroid_object::~tuxdroid_object() {
  unregisterAdaptor();
}

void tuxdroid_object::Speak(sdbus::Result<>&& result, std::string text) {
  if (text.empty())
    return result.returnError(to_dbus_error(errc::invalid_argument, "nothing to say: the text is empty"));
  if (text.size() > max_speak_bytes)
    return result.returnError(to_dbus_error(
      errc::invalid_argument,
      "the text has " + std::to_string(text.size()) + " bytes; the robot says at most "
        + std::to_string(max_speak_bytes)));
  auto res = share(std::move(result));
  bridge_.ask(robot_, [res](caf::ok_atom) { res->returnResults(); }, answer_error(res),
              speak_atom_v, text);
}

void tuxdroid_object::Perform(sdbus::Result<>&& result, std::string action) {
  if (!tux::is_action(action))
    return result.returnError(to_dbus_error(
      errc::invalid_argument,
      "unknown action '" + action + "'; valid actions: " + tux::action_list()));
  auto res = share(std::move(result));
  bridge_.ask(robot_, [res](caf::ok_atom) { res->returnResults(); }, answer_error(res),
              perform_atom_v, action);
}

std::string tuxdroid_object::Backend() {
  return backend_;
}

bool tuxdroid_object::Connected() {
  return connected_;
}

bool tuxdroid_object::ReactOnArrival() {
  return on_arrival_;
}

void tuxdroid_object::ReactOnArrival(const bool& value) {
  if (value == on_arrival_)
    return;
  on_arrival_ = value;
  send_reactions();
  emitPropertiesChangedSignal(TuxDroid_adaptor::INTERFACE_NAME, {"ReactOnArrival"});
}

bool tuxdroid_object::ReactOnMessage() {
  return on_message_;
}

void tuxdroid_object::ReactOnMessage(const bool& value) {
  if (value == on_message_)
    return;
  on_message_ = value;
  send_reactions();
  emitPropertiesChangedSignal(TuxDroid_adaptor::INTERFACE_NAME, {"ReactOnMessage"});
}

void tuxdroid_object::send_reactions() {
  // A property write has no reply to wait for; the actor's own state event
  // confirms it.
  caf::anon_send(robot_, react_atom_v, on_arrival_, on_message_);
}

void tuxdroid_object::performed(const std::string& action, const std::string& detail) {
  emitActionPerformed(action, detail);
}

void tuxdroid_object::state_changed(const std::string& backend, bool connected,
                                    bool on_arrival, bool on_message) {
  std::vector<std::string> changed;
  auto update = [&](auto& field, const auto& value, const char* name) {
    if (field != value) {
      field = value;
      changed.emplace_back(name);
    }
  };
  update(backend_, backend, "Backend");
  update(connected_, connected, "Connected");
  update(on_arrival_, on_arrival, "ReactOnArrival");
  update(on_message_, on_message, "ReactOnMessage");
  if (!changed.empty())
    emitPropertiesChangedSignal(TuxDroid_adaptor::INTERFACE_NAME, changed);
}

} // namespace chatter::dbus
