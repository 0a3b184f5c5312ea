// The one way a test waits: on something it can observe, polled until it
// holds or a limit passes. Never a bare sleep (docs/testing.md).
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace chatter::test {

// Polls `done` until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace chatter::test
