// The base of the integration tests that talk to one real chatterd: its
// world (private bus, temp data), the daemon, one client connection, and a
// proxy per account, made on first use.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "world.hpp"

namespace chatter::test {

class daemon_test : public testing::Test {
protected:
  // Starts (or starts again) the daemon, with fresh proxies; `args` stay for
  // restarts.
  void start(std::vector<std::string> args) {
    args_ = std::move(args);
    start();
  }
  void start() {
    // Proxies first, then the connection they use.
    accounts_.clear();
    manager_.reset();
    conn_.reset();
    daemon_ = world_.start_daemon(args_);
    conn_ = world_.bus.connect();
    manager_ = std::make_unique<client::manager_client>(*conn_);
  }

  // kill -9 and start again on the same files.
  void restart() {
    daemon_->kill9();
    start();
  }

  client::account_client& account(const std::string& user) {
    auto& slot = accounts_[user];
    if (!slot)
      slot = std::make_unique<client::account_client>(*conn_, client::account_path(user));
    return *slot;
  }

  // Registers `user` (password "pw-<user>") with these Register options, and
  // logs in.
  void join(const std::string& user, const std::map<std::string, sdbus::Variant>& options = {}) {
    manager_->Register(user, "pw-" + user, options);
    manager_->Login(user, "pw-" + user);
  }

  // `a` asks `b` to be a contact and `b` accepts: presence flows both ways.
  void befriend(const std::string& a, const std::string& b) {
    account(a).RequestContact(b, "");
    account(b).AcceptContact(a);
  }

  world world_;
  std::vector<std::string> args_;
  std::unique_ptr<chatterd_process> daemon_;
  std::unique_ptr<sdbus::IConnection> conn_;
  std::unique_ptr<client::manager_client> manager_;
  std::map<std::string, std::unique_ptr<client::account_client>> accounts_;
};

}  // namespace chatter::test
