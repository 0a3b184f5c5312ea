// A stand-in for the Tux Droid HTTP server (docs/tuxdroid-protocol.md, layer 1): the
// one fake in the tests, because the robot is a USB radio device. It speaks
// the real wire protocol on loopback (GET /0/<resource>/<service>?<params>,
// XML answers with <result>), refuses what the real server does not know,
// and records every request target as it came.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace chatter::test {

class fake_tux_server {
public:
  fake_tux_server();
  ~fake_tux_server();

  uint16_t port() const {
    return port_;
  }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(port_);
  }

  // Every request target but the status polls, in order.
  std::vector<std::string> commands() const;
  // Only the status polls.
  size_t status_requests() const;
  // Targets the server refused (unknown resource or service, missing text).
  std::vector<std::string> refused() const;
  void clear();

  // Each answer waits this long first: a slow robot.
  void set_delay(std::chrono::milliseconds delay);
  // radio_state: whether the robot is on the dongle's radio.
  void set_radio(bool on);
  // Closes the port: a dead robot.
  void stop();

  // The tts/speak targets among `commands`.
  static std::vector<std::string> speeches(const std::vector<std::string>& commands);

  // Polls until `done(commands())` holds or `limit` passes.
  bool wait_for(const std::function<bool(const std::vector<std::string>&)>& done,
                std::chrono::milliseconds limit) const;

private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  mutable std::mutex m_;
  std::vector<std::string> commands_;
  std::vector<std::string> refused_;
  size_t status_requests_ = 0;
  std::chrono::milliseconds delay_{0};
  bool radio_ = true;
};

}  // namespace chatter::test
