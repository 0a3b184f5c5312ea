#include "errors.hpp"

namespace chatter::dbus {

sdbus::Error to_dbus_error(errc code, const std::string& sentence) {
  return sdbus::Error(std::string(error_prefix) + error_name(code), sentence);
}

sdbus::Error to_dbus_error(const caf::error& err) {
  auto d = describe(err);
  return sdbus::Error(std::string(error_prefix) + d.name, d.sentence);
}

}  // namespace chatter::dbus
