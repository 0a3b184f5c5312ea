#include "bus_link.hpp"

#include <glibmm/main.h>

namespace chatter::gtk {

bus_link::bus_link(const std::string& address)
  : connection_(address.empty() ? sdbus::createSessionBusConnection()
                                : sdbus::createSessionBusConnectionWithAddress(address)) {
  manager_ = std::make_unique<client::manager_client>(*connection_);
  connection_->enterEventLoopAsync();
}

bus_link::~bus_link() {
  connection_->leaveEventLoop();
  accounts_.clear();
  manager_.reset();
}

client::account_client& bus_link::account(const std::string& user) {
  auto& slot = accounts_[user];
  if (!slot)
    slot = std::make_unique<client::account_client>(*connection_, client::account_path(user));
  return *slot;
}

void bus_link::post(std::function<void()> f) {
  Glib::MainContext::get_default()->invoke([f = std::move(f)] {
    f();
    return false;
  });
}

}  // namespace chatter::gtk
