#include "temp_dir.hpp"

#include <cstdlib>
#include <random>
#include <string>

namespace chatter::test {

namespace fs = std::filesystem;

temp_dir::temp_dir() {
  auto base = fs::temp_directory_path();
  std::random_device rd;
  for (;;) {
    path_ = base / ("chatter-test-" + std::to_string(rd()));
    if (fs::create_directory(path_))
      break;
  }
}

temp_dir::~temp_dir() {
  std::error_code ec;
  if (!std::getenv("CHATTER_KEEP_TEST_DIRS"))
    fs::remove_all(path_, ec);
}

}  // namespace chatter::test
