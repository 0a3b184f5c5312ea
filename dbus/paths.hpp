// Object paths of API v1, shared by the daemon and its clients.
#pragma once

#include <string>

namespace chatter::dbus_paths {

inline constexpr const char* service_name = "org.chatter.Chatter1";
inline constexpr const char* manager_path = "/org/chatter/Chatter1";
inline constexpr const char* accounts_path = "/org/chatter/Chatter1/accounts";
inline constexpr const char* tuxdroid_path = "/org/chatter/Chatter1/TuxDroid";

// accounts_path + "/" + user, escaped as sd_bus_path_encode does ('.' and
// '-' are not allowed in object paths: "a.b" becomes "a_2eb").
std::string account_path(const std::string& user);

}  // namespace chatter::dbus_paths

namespace chatter::dbus {

using dbus_paths::account_path;
using dbus_paths::manager_path;
using dbus_paths::service_name;
using dbus_paths::tuxdroid_path;

}  // namespace chatter::dbus
