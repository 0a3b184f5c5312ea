#include "paths.hpp"

#include <cstdlib>
#include <stdexcept>

#include <systemd/sd-bus.h>

namespace chatter::dbus_paths {

std::string account_path(const std::string& user) {
  char* path = nullptr;
  if (sd_bus_path_encode(accounts_path, user.c_str(), &path) < 0)
    throw std::invalid_argument("cannot make an object path for '" + user + "'");
  std::string result(path);
  std::free(path);
  return result;
}

}  // namespace chatter::dbus_paths
