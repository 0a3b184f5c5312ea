// Small helpers shared by the integration tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "eventually.hpp"

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

// A whole file, for failure messages (a daemon's log).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

inline const std::string err(const char* name) {
  return std::string("org.chatter.Chatter1.Error.") + name;
}

} // namespace chatter::test
