// Small helpers shared by the integration tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <SQLiteCpp/Database.h>
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

// How many envelopes `user`'s outbox (the account file under `data_home`)
// still holds: no hub has confirmed them yet, so they go again at the
// account's next retry. -1 while the file cannot be read.
inline int unconfirmed_envelopes(const std::filesystem::path& data_home, const std::string& user) {
  try {
    SQLite::Database db((data_home / "chatter" / "accounts" / user / "account.db").string(),
                        SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM outbox").getInt();
  } catch (const std::exception&) {
    return -1;
  }
}

inline const std::string err(const char* name) {
  return std::string("org.chatter.Chatter1.Error.") + name;
}

}  // namespace chatter::test
