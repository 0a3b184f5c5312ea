// One member host of a multi-host run: its own world (private bus, data),
// a chatterd joined to a remote hub, and proxies for one account. Shared by
// the multi-host tests and the benchmark (bench/message_rows.cpp).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_proxies.hpp"
#include "world.hpp"

namespace chatter::test {

struct member_host {
  test::world world;
  std::unique_ptr<chatterd_process> daemon;
  std::unique_ptr<sdbus::IConnection> conn;
  std::unique_ptr<client::manager_client> manager;
  std::unique_ptr<client::account_client> account;

  // Starts chatterd with `args` (e.g. --hub HOST:PORT) and `env` (e.g.
  // libfaketime's) and waits for the hub. False when the hub did not answer
  // within `wait`.
  bool start(const std::vector<std::string>& args,
             std::chrono::milliseconds wait = std::chrono::seconds(10),
             const std::map<std::string, std::string>& env = {}) {
    // Proxies before the connection they live on (a restart replaces both).
    account.reset();
    manager.reset();
    conn.reset();
    daemon = world.start_daemon(args, env);
    conn = world.bus.connect();
    manager = std::make_unique<client::manager_client>(*conn);
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (!manager->HubConnected()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // Registers `user` (password "pw-<user>") at the hub and logs in.
  void join(const std::string& user) {
    manager->Register(user, "pw-" + user, {});
    manager->Login(user, "pw-" + user);
    open_account(user);
  }

  void open_account(const std::string& user) {
    account = std::make_unique<client::account_client>(*conn, client::account_path(user));
  }
};

inline std::vector<std::string> hub_args(const std::string& host, uint16_t port) {
  return {"--hub", host + ":" + std::to_string(port)};
}

}  // namespace chatter::test
