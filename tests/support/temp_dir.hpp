// A fresh directory under the system's temporary directory, removed with
// everything in it at the end (kept when CHATTER_KEEP_TEST_DIRS is set, to
// look at a failed test's files). Its own header so that tests which need
// only files link no bus.
#pragma once

#include <filesystem>

namespace chatter::test {

class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const {
    return path_;
  }

private:
  std::filesystem::path path_;
};

}  // namespace chatter::test
