#include "manager_object.hpp"

#include <cstring>

#include <botan/mem_ops.h>

#include "bridge.hpp"
#include "core/validation.hpp"
#include "errors.hpp"
#include "paths.hpp"

namespace chatter::dbus {

namespace {

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

// Register's a{sv} as the pure form parse_registration reads.
call_options options_of(const std::map<std::string, sdbus::Variant>& options) {
  call_options out;
  for (auto& [key, value] : options) {
    auto type = value.peekValueType();
    out[key] = {type, type == "s" ? value.get<std::string>() : std::string()};
  }
  return out;
}

// Register's arguments, the options read into `settings`; why not, or "".
std::string check_registration(const std::string& user, const secret& password,
                               const std::map<std::string, sdbus::Variant>& options,
                               registration_settings& settings) {
  if (auto why = check_credentials(user, password.view()); !why.empty())
    return why;
  return parse_registration(user, options_of(options), settings);
}

// The path of `user`'s account object, which the account's first event
// made before this reply came (the event sink and the replies share the
// loop's queue, in the order the actors sent them).
template <class Reply>
auto path_of(const std::string& user) {
  return [user](const Reply&) { return sdbus::ObjectPath(account_path(user)); };
}

}  // namespace

manager_object::manager_object(sdbus::IConnection& connection, bridge& owner)
  : AdaptorInterfaces(connection, manager_path), bridge_(owner),
    hub_connected_(owner.info().hub_address == "embedded") {
  registerAdaptor();
}

manager_object::~manager_object() {
  unregisterAdaptor();
}

void manager_object::Register(sdbus::Result<sdbus::ObjectPath>&& result, std::string user,
                              std::string password, std::map<std::string, sdbus::Variant> options) {
  auto pass = take_password(password, getObject().getCurrentlyProcessedMessage(), 1);
  registration_settings settings;
  if (!refused(result, check_registration(user, pass, options, settings)))
    bridge_.forward(bridge_.manager(), std::move(result), path_of<caf::ok_atom>(user),
                    register_atom_v, user, std::move(pass), settings);
}

void manager_object::Login(sdbus::Result<sdbus::ObjectPath>&& result, std::string user,
                           std::string password) {
  auto pass = take_password(password, getObject().getCurrentlyProcessedMessage(), 1);
  if (refused(result, check_credentials(user, pass.view())))
    return;
  bridge_.forward(bridge_.manager(), std::move(result), path_of<account_status>(user), login_atom_v,
                  user, std::move(pass));
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

}  // namespace chatter::dbus
