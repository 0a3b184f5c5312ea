#include "manager_object.hpp"

#include <cstring>

#include <botan/mem_ops.h>

#include "account_object.hpp"
#include "bridge.hpp"
#include "core/validation.hpp"
#include "core/crypto/suites.hpp"
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

// sd-bus keeps the call's body, the password in it, until it frees the
// message, and frees it unwiped: wipe the argument there once it is read.
void wipe_string_argument(const sdbus::Message* call, int index) {
  if (!call)
    return;
  // The object sdbus-c++ hands us is the call's MethodCall; a copy shares
  // the sd_bus_message.
  sdbus::MethodCall reader = *static_cast<const sdbus::MethodCall*>(call);
  reader.rewind(true);
  char* arg = nullptr;
  for (int i = 0; i <= index; ++i)
    reader >> arg;
  if (arg)
    Botan::secure_scrub_memory(arg, std::strlen(arg));
}

// The password from here on: a secret, and no other copy left.
secret take_password(std::string& password, const sdbus::Message* call, int index) {
  secret out(password);
  Botan::secure_scrub_memory(password.data(), password.size());
  password.clear();
  wipe_string_argument(call, index);
  return out;
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
  auto why_not = check_credentials(user, password);
  auto pass = take_password(password, getObject().getCurrentlyProcessedMessage(), 1);
  if (!why_not.empty())
    return result.returnError(to_dbus_error(errc::invalid_argument, why_not));
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
    register_atom_v, user, std::move(pass), display_name, suite);
}

void manager_object::Login(sdbus::Result<sdbus::ObjectPath>&& result,
                           std::string user, std::string password) {
  auto why_not = check_credentials(user, password);
  auto pass = take_password(password, getObject().getCurrentlyProcessedMessage(), 1);
  if (!why_not.empty())
    return result.returnError(to_dbus_error(errc::invalid_argument, why_not));
  auto res = std::make_shared<sdbus::Result<sdbus::ObjectPath>>(std::move(result));
  auto* owner = &bridge_;
  owner->ask(
    owner->manager(),
    [owner, res, user](const account_status& status) {
      owner->ensure_account(user).update(status);
      res->returnResults(sdbus::ObjectPath(account_path(user)));
    },
    [res](const caf::error& err) { res->returnError(to_dbus_error(err)); },
    login_atom_v, user, std::move(pass));
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
