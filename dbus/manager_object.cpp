#include "manager_object.hpp"

#include "account_object.hpp"
#include "bridge.hpp"
#include "common/validation.hpp"
#include "crypto/suites.hpp"
#include "names.hpp"

namespace chatter::dbus {

namespace {

// Empty when the call's user and password are acceptable.
std::string check_credentials(const std::string& user,
                              const std::string& password) {
  if (auto why = check_username(user); !why.empty())
    return why;
  return check_password(password);
}

} // namespace

manager_object::manager_object(sdbus::IConnection& connection, bridge& owner)
  : AdaptorInterfaces(connection, manager_path),
    bridge_(owner),
    hub_connected_(owner.info().hub_address == "embedded") {
  registerAdaptor();
}

manager_object::~manager_object() {
  unregisterAdaptor();
}

void manager_object::Register(sdbus::Result<sdbus::ObjectPath>&& result,
                              std::string user, std::string password,
                              std::map<std::string, sdbus::Variant> options) {
  if (auto why = check_credentials(user, password); !why.empty())
    return result.returnError(to_dbus_error(errc::invalid_argument, why));
  std::string display_name = user;
  std::string suite = crypto::default_suite;
  for (auto& [key, value] : options) {
    if (key != "display_name" && key != "suite")
      return result.returnError(to_dbus_error(
        errc::invalid_argument,
        "unknown option '" + key + "'; known options: display_name (s), suite (s)"));
    if (value.peekValueType() != "s")
      return result.returnError(
        to_dbus_error(errc::invalid_argument, "option " + key + " must be a string (s)"));
    if (key == "display_name") {
      display_name = value.get<std::string>();
      if (auto why = check_display_name(display_name); !why.empty())
        return result.returnError(to_dbus_error(errc::invalid_argument, why));
    } else {
      suite = value.get<std::string>();
      if (!crypto::parse_suite(suite)) {
        std::string known;
        for (auto& name : crypto::suite_names())
          known += (known.empty() ? "" : ", ") + name;
        return result.returnError(to_dbus_error(
          errc::invalid_argument, "unknown suite '" + suite + "'; known: " + known));
      }
    }
  }
  auto res = std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result));
  auto* owner = &bridge_;
  owner->ask(
    owner->manager(),
    [owner, res, user](caf::ok_atom) {
      owner->ensure_account(user);
      res->returnResults(sdbus::ObjectPath(account_path(user)));
    },
    [res](const caf::error& err) { res->returnError(to_dbus_error(err)); },
    register_atom_v, user, password, display_name, suite);
}

void manager_object::Login(sdbus::Result<sdbus::ObjectPath>&& result,
                           std::string user, std::string password) {
  if (auto why = check_credentials(user, password); !why.empty())
    return result.returnError(to_dbus_error(errc::invalid_argument, why));
  auto res = std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result));
  auto* owner = &bridge_;
  owner->ask(
    owner->manager(),
    [owner, res, user](const account_status& status) {
      owner->ensure_account(user).update(status);
      res->returnResults(sdbus::ObjectPath(account_path(user)));
    },
    [res](const caf::error& err) { res->returnError(to_dbus_error(err)); },
    login_atom_v, user, password);
}

std::vector<sdbus::ObjectPath> manager_object::ListAccounts() {
  std::vector<sdbus::ObjectPath> paths;
  for (auto& user : bridge_.account_names())
    paths.emplace_back(account_path(user));
  return paths;
}

std::string manager_object::Version() {
  return bridge_.info().version;
}

std::string manager_object::HubAddress() {
  return bridge_.info().hub_address;
}

bool manager_object::HubConnected() {
  return hub_connected_;
}

void manager_object::hub_connected(bool connected) {
  if (connected == hub_connected_)
    return;
  hub_connected_ = connected;
  emitPropertiesChangedSignal(Manager_adaptor::INTERFACE_NAME, {"HubConnected"});
}

} // namespace chatter::dbus
