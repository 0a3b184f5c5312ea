#include "tuxdroid_object.hpp"

#include <spdlog/spdlog.h>

#include "bridge.hpp"
#include "core/validation.hpp"
#include "errors.hpp"
#include "paths.hpp"

namespace chatter::dbus {

namespace {

constexpr auto ok = no_results<caf::ok_atom>;

}  // namespace

tuxdroid_object::tuxdroid_object(sdbus::IConnection& connection, bridge& owner,
                                 tuxdroid_actor robot)
  : AdaptorInterfaces(connection, tuxdroid_path), bridge_(owner), robot_(std::move(robot)) {
  registerAdaptor();
}

tuxdroid_object::~tuxdroid_object() {
  unregisterAdaptor();
}

void tuxdroid_object::Speak(sdbus::Result<>&& result, std::string text) {
  if (refused(result, check_speech(text)))
    return;
  bridge_.forward(robot_, std::move(result), ok, speak_atom_v, text);
}

// The robot knows its actions, and names them when it refuses one.
void tuxdroid_object::Perform(sdbus::Result<>&& result, std::string action) {
  bridge_.forward(robot_, std::move(result), ok, perform_atom_v, action);
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

void tuxdroid_object::state_changed(const std::string& backend, bool connected, bool on_arrival,
                                    bool on_message) {
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

}  // namespace chatter::dbus
