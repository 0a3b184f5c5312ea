#include "world.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

namespace chatter::test {

namespace fs = std::filesystem;

private_bus::private_bus(const fs::path& socket) {
  // A path socket, not the default abstract one: abstract sockets belong to
  // a network namespace, and some tests run daemons in namespaces of their own.
  std::vector<std::string> argv{"/usr/bin/dbus-daemon", "--session", "--nofork",
                                "--print-address=1"};
  if (!socket.empty())
    argv.push_back("--address=unix:path=" + socket.string());
  daemon_ = std::make_unique<child_process>(argv, std::map<std::string, std::string>{}, true);
  address_ = daemon_->read_line();
  if (address_.empty())
    throw std::runtime_error("dbus-daemon printed no address");
}

std::unique_ptr<sdbus::IConnection> private_bus::connect() const {
  return sdbus::createSessionBusConnectionWithAddress(address_);
}

chatterd_process::chatterd_process(const private_bus& bus, const fs::path& data_home,
                                   std::vector<std::string> extra_args,
                                   std::map<std::string, std::string> extra_env,
                                   std::vector<std::string> launcher)
  : bus_(bus) {
  log_ = data_home.parent_path() / "chatterd.log";
  std::vector<std::string> argv = launcher;
  argv.insert(argv.end(), {CHATTERD_PATH, "--bus-address", bus.address()});
  if (std::find(extra_args.begin(), extra_args.end(), "--log-level") == extra_args.end())
    argv.insert(argv.end(), {"--log-level", "debug"});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // Its own config home too: a developer's chatterd.conf must not leak in.
  std::map<std::string, std::string> env{
    {"XDG_DATA_HOME", data_home.string()},
    {"XDG_CONFIG_HOME", (data_home.parent_path() / "config").string()},
    {"DBUS_SESSION_BUS_ADDRESS", bus.address()}};
  for (auto& [k, v] : extra_env)
    env[k] = v;
  process_ = std::make_unique<child_process>(argv, env, false, log_.string());
}

chatterd_process::~chatterd_process() {
  if (process_->running())
    process_->stop(SIGTERM);
}

void chatterd_process::wait_ready() {
  auto conn = bus_.connect();
  auto proxy = sdbus::createProxy(*conn, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    bool owned = false;
    proxy->callMethod("NameHasOwner")
      .onInterface("org.freedesktop.DBus")
      .withArguments(std::string("org.chatter.Chatter1"))
      .storeResultsTo(owned);
    if (owned)
      return;
    if (!process_->running())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream log(log_);
  std::string text((std::istreambuf_iterator<char>(log)), {});
  throw std::runtime_error("chatterd did not take its bus name; log:\n" + text);
}

int chatterd_process::terminate() {
  return process_->stop(SIGTERM);
}

void chatterd_process::kill9() {
  process_->stop(SIGKILL);
}

uint16_t printed_hub_port(const fs::path& log, const std::string& host) {
  const std::string marker = "hub listening on " + host + ":";
  for (int attempt = 0; attempt < 250; ++attempt) {
    std::ifstream in(log);
    std::string line;
    uint16_t port = 0;
    while (std::getline(in, line))
      if (auto at = line.find(marker); at != std::string::npos)
        port = static_cast<uint16_t>(std::stoi(line.substr(at + marker.size())));
    if (port != 0)
      return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

std::unique_ptr<chatterd_process> world::start_daemon(std::vector<std::string> args,
                                                      std::map<std::string, std::string> env) {
  auto d =
    std::make_unique<chatterd_process>(bus, data_home(), std::move(args), std::move(env), launcher);
  d->wait_ready();
  return d;
}

command_result world::chatterctl(std::vector<std::string> args, const std::string& input) const {
  args.insert(args.begin(), {CHATTERCTL_PATH, "--bus-address", bus.address()});
  return run_command(args, {}, input);
}

command_result world::run(std::vector<std::string> argv) const {
  return run_command(argv, {{"DBUS_SESSION_BUS_ADDRESS", bus.address()}});
}

}  // namespace chatter::test
