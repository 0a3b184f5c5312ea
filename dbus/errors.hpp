// The D-Bus errors of API v1: org.chatter.Chatter1.Error.<name>, with the
// sentence of core/errors.
#pragma once

#include <string>

#include <sdbus-c++/Error.h>

#include "core/errors.hpp"

namespace chatter::dbus {

inline constexpr const char* error_prefix = "org.chatter.Chatter1.Error.";

sdbus::Error to_dbus_error(errc code, const std::string& sentence);
sdbus::Error to_dbus_error(const caf::error& err);

}  // namespace chatter::dbus
