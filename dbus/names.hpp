// The daemon's names of API v1: paths (shared with clients) and errors.
#pragma once

#include <string>

#include <sdbus-c++/Error.h>

#include "core/errors.hpp"
#include "paths.hpp"

namespace chatter::dbus {

using dbus_paths::account_path;
using dbus_paths::manager_path;
using dbus_paths::service_name;
using dbus_paths::tuxdroid_path;
inline constexpr const char* error_prefix = "org.chatter.Chatter1.Error.";

sdbus::Error to_dbus_error(errc code, const std::string& sentence);
sdbus::Error to_dbus_error(const caf::error& err);

}  // namespace chatter::dbus
