// Small helpers shared by the integration tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <sdbus-c++/sdbus-c++.h>

namespace chatter::test {

// Calls `f` and returns the D-Bus error name it threw, or "" when it did not.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const sdbus::Error& e) {
    return e.getName();
  }
  return "";
}

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

// A whole file, for failure messages (a daemon's log).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

inline const std::string err(const char* name) {
  return std::string("org.chatter.Chatter1.Error.") + name;
}

} // namespace chatter::test
