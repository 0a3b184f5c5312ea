// /org/chatter/Chatter1: org.chatter.Chatter1.Manager and the ObjectManager.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include "chatter_manager_adaptor.h"

namespace chatter::dbus {

class bridge;

class manager_object final
  : public sdbus::AdaptorInterfaces<org::chatter::Chatter1::Manager_adaptor,
                                    sdbus::ObjectManager_adaptor, sdbus::Properties_adaptor> {
public:
  manager_object(sdbus::IConnection& connection, bridge& owner);
  ~manager_object();

  // The link to the hub came up or went down (loop thread).
  void hub_connected(bool connected);

private:
  void Register(sdbus::Result<sdbus::ObjectPath>&& result, std::string user, std::string password,
                std::map<std::string, sdbus::Variant> options) override;
  void Login(sdbus::Result<sdbus::ObjectPath>&& result, std::string user,
             std::string password) override;
  std::vector<sdbus::ObjectPath> ListAccounts() override;
  std::string Version() override;
  std::string HubAddress() override;
  bool HubConnected() override;

  bridge& bridge_;
  bool hub_connected_;
};

}  // namespace chatter::dbus
