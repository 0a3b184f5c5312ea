#include "bus_loop.hpp"

#include <cerrno>
#include <cstring>
#include <future>
#include <limits>
#include <stdexcept>

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

namespace chatter::dbus {

namespace {

uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

// poll() timeout in ms for sd-bus's absolute deadline: UINT64_MAX means
// none, and 0 (or a past time) means there is work to do right away.
int poll_timeout(uint64_t deadline_usec) {
  if (deadline_usec == std::numeric_limits<uint64_t>::max())
    return -1;
  auto now = monotonic_usec();
  if (deadline_usec <= now)
    return 0;
  auto ms = (deadline_usec - now + 999) / 1000;
  return ms > 60000 ? 60000 : static_cast<int>(ms);
}

}  // namespace

bus_loop::bus_loop(std::unique_ptr<sdbus::IConnection> connection)
  : connection_(std::move(connection)) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
}

bus_loop::~bus_loop() {
  stop();
  // Objects living on the connection must be gone before it is closed; the
  // owner destroys them (via run_sync) before the loop.
  connection_.reset();
  close(wake_fd_);
}

void bus_loop::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_ && !thread_.joinable())
      return;
    tasks_.push_back(std::move(task));
  }
  uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof(one));
}

void bus_loop::run_sync(std::function<void()> task) {
  if (!thread_.joinable()) {
    task();
    return;
  }
  std::promise<void> done;
  auto future = done.get_future();
  post([&] {
    task();
    done.set_value();
  });
  future.wait();
}

void bus_loop::start() {
  thread_ = std::thread([this] { run(); });
}

void bus_loop::stop() {
  if (!thread_.joinable())
    return;
  stopping_ = true;
  uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof(one));
  thread_.join();
  run_tasks();
}

void bus_loop::run_tasks() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    batch.swap(tasks_);
  }
  for (auto& task : batch) {
    try {
      task();
    } catch (const std::exception& ex) {
      spdlog::error("D-Bus task failed: {}", ex.what());
    }
  }
}

void bus_loop::run() {
  while (!stopping_) {
    sdbus::IConnection::PollData data{};
    if (!lost_reported_) {
      try {
        data = connection_->getEventLoopPollData();
      } catch (const std::exception& ex) {
        // A bus that reset the connection has no poll data: it is gone.
        spdlog::error("D-Bus loop: {}", ex.what());
        report_lost();
      }
    }
    // Once the bus is gone only the tasks are served (the owner's shutdown
    // runs some here), without spinning on a closed socket.
    int bus_fd = lost_reported_ ? -1 : data.fd;
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {bus_fd, data.events, 0}};
    int r = poll(fds, 2, lost_reported_ ? -1 : poll_timeout(data.timeout_usec));
    if (r < 0 && errno != EINTR) {
      spdlog::error("D-Bus loop: poll: {}", std::strerror(errno));
      break;
    }
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      [[maybe_unused]] auto n = read(wake_fd_, &count, sizeof(count));
    }
    run_tasks();
    if (lost_reported_)
      continue;
    bool hung_up = (fds[1].revents & (POLLHUP | POLLERR)) != 0;
    try {
      while (connection_->processPendingRequest()) {
      }
    } catch (const sdbus::Error& ex) {
      // A reset connection may show no HUP yet: the read found it.
      hung_up = hung_up || ex.getName() == "org.freedesktop.DBus.Error.Disconnected";
      if (!hung_up)
        spdlog::error("D-Bus loop: {}", ex.what());
    } catch (const std::exception& ex) {
      if (!hung_up)
        spdlog::error("D-Bus loop: {}", ex.what());
    }
    // What the bus sent before it hung up has been read above.
    if (hung_up)
      report_lost();
  }
}

void bus_loop::report_lost() {
  if (lost_reported_)
    return;
  lost_reported_ = true;
  spdlog::critical("lost the connection to the D-Bus bus, and with it the name; stopping");
  if (lost_)
    lost_();
}

}  // namespace chatter::dbus
