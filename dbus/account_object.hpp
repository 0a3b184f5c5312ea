// /org/chatter/Chatter1/accounts/<user>: org.chatter.Chatter1.Account.
// Properties are served from a cache the bridge keeps current from account
// events, because D-Bus property reads must answer at once.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include "chatter_account_adaptor.h"
#include "protocol.hpp"

namespace chatter::dbus {

class bridge;

class account_object final
  : public sdbus::AdaptorInterfaces<org::chatter::Chatter1::Account_adaptor,
                                    sdbus::Properties_adaptor,
                                    sdbus::ManagedObject_adaptor> {
public:
  account_object(sdbus::IConnection& connection, bridge& owner,
                 std::string user);
  ~account_object();

  const account_status& status() const {
    return status_;
  }
  void update(const account_status& status);
  void reauthenticated(int64_t timestamp_ms);
  void revoked(const std::string& reason);

private:
  void Logout(sdbus::Result<>&& result) override;
  std::string Username() override;
  bool Authenticated() override;
  int64_t LastReauthentication() override;

  bridge& bridge_;
  std::string user_;
  account_status status_;
};

} // namespace chatter::dbus
