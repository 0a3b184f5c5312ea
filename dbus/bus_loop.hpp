// One thread owns the sd-bus connection: it polls the bus and runs tasks that
// other threads post. All sdbus-c++ objects are created, called and destroyed
// on this thread, so the bridge never touches sd-bus from a CAF worker
// (sd-bus itself is not thread-safe).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <sdbus-c++/IConnection.h>

namespace chatter::dbus {

class bus_loop {
public:
  explicit bus_loop(std::unique_ptr<sdbus::IConnection> connection);
  ~bus_loop();

  bus_loop(const bus_loop&) = delete;
  bus_loop& operator=(const bus_loop&) = delete;

  sdbus::IConnection& connection() {
    return *connection_;
  }

  // Runs `task` on the loop thread. Safe from any thread; dropped once the
  // loop has stopped.
  void post(std::function<void()> task);

  // Runs `task` on the loop thread and waits for it (not from the loop).
  void run_sync(std::function<void()> task);

  // Called once, on the loop thread, when the bus closes the connection:
  // the name is gone with it, so the daemon should stop. Set before start().
  void on_lost(std::function<void()> lost) {
    lost_ = std::move(lost);
  }

  void start();
  void stop();  // joins; pending tasks are run first

private:
  void run();
  void run_tasks();
  void report_lost();

  std::unique_ptr<sdbus::IConnection> connection_;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::function<void()> lost_;
  bool lost_reported_ = false;
};

}  // namespace chatter::dbus
