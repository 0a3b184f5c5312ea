// The world an integration test runs in: a private dbus-daemon, a temporary
// data directory, and real chatterd processes on that bus. Each test gets its
// own, torn down at the end, so tests never see each other.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "process.hpp"
#include "temp_dir.hpp"

namespace chatter::test {

class private_bus {
public:
  // Listens on `socket` (a path) when given, else where dbus-daemon likes.
  explicit private_bus(const std::filesystem::path& socket = {});
  const std::string& address() const {
    return address_;
  }
  // A new client connection to this bus.
  std::unique_ptr<sdbus::IConnection> connect() const;

private:
  std::unique_ptr<child_process> daemon_;
  std::string address_;
};

class chatterd_process {
public:
  chatterd_process(const private_bus& bus, const std::filesystem::path& data_home,
                   std::vector<std::string> extra_args = {},
                   std::map<std::string, std::string> extra_env = {},
                   std::vector<std::string> launcher = {});
  ~chatterd_process();

  // Waits until org.chatter.Chatter1 is owned (or fails the test).
  void wait_ready();
  int terminate();  // SIGTERM, returns the wait status
  void kill9();
  const std::filesystem::path& log_file() const {
    return log_;
  }
  pid_t pid() const {
    return process_->pid();
  }

private:
  const private_bus& bus_;
  std::unique_ptr<child_process> process_;
  std::filesystem::path log_;
};

// The port a hub daemon printed on its log ("chatterd: hub listening on
// HOST:PORT"), the last one (a restarted daemon appends); 0 when none came
// within a few seconds.
uint16_t printed_hub_port(const std::filesystem::path& log, const std::string& host = "127.0.0.1");

class world {
public:
  temp_dir dir;
  private_bus bus{dir.path() / "bus.socket"};
  // Prepended to every daemon's command line (e.g. ip netns exec NS).
  std::vector<std::string> launcher;

  std::filesystem::path data_home() const {
    return dir.path() / "data";
  }
  std::filesystem::path hub_database() const {
    return data_home() / "chatter" / "hub" / "hub.db";
  }
  // Starts a daemon on this world's bus and data and waits for it.
  std::unique_ptr<chatterd_process> start_daemon(std::vector<std::string> args = {},
                                                 std::map<std::string, std::string> env = {});
  // Runs chatterctl against this world's bus.
  command_result chatterctl(std::vector<std::string> args, const std::string& input = {}) const;
  // Runs any command with DBUS_SESSION_BUS_ADDRESS set to this world's bus.
  command_result run(std::vector<std::string> argv) const;
};

}  // namespace chatter::test
