// chatter-gtk's line to chatterd: one sdbus-c++ connection whose event loop
// runs on its own thread. Method calls are made from the GTK thread (they
// are local and short); signals arrive on the bus thread and are handed to
// the GTK main loop with post().
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "client_proxies.hpp"

namespace chatter::gtk {

class bus_link {
public:
  explicit bus_link(const std::string& address);
  ~bus_link();

  sdbus::IConnection& connection() {
    return *connection_;
  }
  client::manager_client& manager() {
    return *manager_;
  }
  // The account's proxy (made on first use, kept).
  client::account_client& account(const std::string& user);

  // Runs `f` on the GTK main loop; callable from any thread.
  static void post(std::function<void()> f);

private:
  std::unique_ptr<sdbus::IConnection> connection_;
  std::unique_ptr<client::manager_client> manager_;
  std::map<std::string, std::unique_ptr<client::account_client>> accounts_;
};

}  // namespace chatter::gtk
