#include "account_object.hpp"

#include "bridge.hpp"
#include "names.hpp"

namespace chatter::dbus {

account_object::account_object(sdbus::IConnection& connection, bridge& owner,
                               std::string user)
  : AdaptorInterfaces(connection, account_path(user)),
    bridge_(owner),
    user_(std::move(user)) {
  status_.user = user_;
  registerAdaptor();
  emitInterfacesAddedSignal({Account_adaptor::INTERFACE_NAME});
}

account_object::~account_object() {
  unregisterAdaptor();
}

void account_object::update(const account_status& status) {
  bool changed = status.authenticated != status_.authenticated
                 || status.last_reauthentication_ms
                      != status_.last_reauthentication_ms;
  status_ = status;
  if (changed)
    emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME,
                                {"Authenticated", "LastReauthentication"});
}

void account_object::reauthenticated(int64_t timestamp_ms) {
  status_.last_reauthentication_ms = timestamp_ms;
  emitReauthenticated(timestamp_ms);
  emitPropertiesChangedSignal(Account_adaptor::INTERFACE_NAME,
                              {"LastReauthentication"});
}

void account_object::revoked(const std::string& reason) {
  emitSessionRevoked(reason);
}

void account_object::Logout(sdbus::Result<>&& result) {
  auto res = std::make_shared<sdbus::Result<>>(std::move(result));
  auto* owner = &bridge_;
  auto user = user_;
  // The reply updates the cache itself: a caller reading Authenticated right
  // after Logout returns must not see the old value.
  bridge_.ask(
    bridge_.manager(),
    [owner, user, res](caf::ok_atom) {
      account_status logged_out;
      logged_out.user = user;
      logged_out.last_reauthentication_ms
        = owner->ensure_account(user).status().last_reauthentication_ms;
      owner->ensure_account(user).update(logged_out);
      res->returnResults();
    },
    [res](const caf::error& err) { res->returnError(to_dbus_error(err)); },
    logout_atom_v, user_);
}

std::string account_object::Username() {
  return user_;
}

bool account_object::Authenticated() {
  return status_.authenticated;
}

int64_t account_object::LastReauthentication() {
  return status_.last_reauthentication_ms;
}

} // namespace chatter::dbus
