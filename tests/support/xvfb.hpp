// A virtual X server of the test's own: Xvfb picks a free display and
// prints it; killed with the object.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "process.hpp"

namespace chatter::test {

class xvfb {
public:
  explicit xvfb(const std::filesystem::path& log)
    : server_(std::make_unique<child_process>(
      std::vector<std::string>{"/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24",
                               "-nolisten", "tcp"},
      std::map<std::string, std::string>{}, true, log.string())),
      display_(":" + server_->read_line()) {}
  // ":N", or ":" when Xvfb did not start.
  const std::string& display() const {
    return display_;
  }

private:
  std::unique_ptr<child_process> server_;
  std::string display_;
};

}  // namespace chatter::test
