// /org/chatter/Chatter1/TuxDroid: org.chatter.Chatter1.TuxDroid. Properties
// are cached here from the robot's state events, so reading one never waits
// on the actor (nor on the robot).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include "chatter_tuxdroid_adaptor.h"
#include "core/interfaces.hpp"

namespace chatter::dbus {

class bridge;

class tuxdroid_object final
  : public sdbus::AdaptorInterfaces<org::chatter::Chatter1::TuxDroid_adaptor,
                                    sdbus::Properties_adaptor> {
public:
  tuxdroid_object(sdbus::IConnection& connection, bridge& owner, tuxdroid_actor robot);
  ~tuxdroid_object();

  // Events of the robot (loop thread).
  void performed(const std::string& action, const std::string& detail);
  void state_changed(const std::string& backend, bool connected, bool on_arrival, bool on_message);

private:
  void Speak(sdbus::Result<>&& result, std::string text) override;
  void Perform(sdbus::Result<>&& result, std::string action) override;
  std::string Backend() override;
  bool Connected() override;
  bool ReactOnArrival() override;
  void ReactOnArrival(const bool& value) override;
  bool ReactOnMessage() override;
  void ReactOnMessage(const bool& value) override;

  void send_reactions();

  bridge& bridge_;
  tuxdroid_actor robot_;
  std::string backend_ = "auto";
  bool connected_ = false;
  bool on_arrival_ = true;
  bool on_message_ = false;
};

}  // namespace chatter::dbus
