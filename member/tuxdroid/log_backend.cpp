// The log backend, and the choice of backend.
#include <spdlog/spdlog.h>

#include "backend.hpp"

namespace chatter::tux {

namespace {

class log_backend final : public backend {
public:
  std::string name() const override {
    return "log";
  }
  std::string speak(const std::string& text) override {
    spdlog::info("tux says: \"{}\"", text);
    return {};
  }
  std::string perform(const std::string& action) override {
    spdlog::info("tux does: {}", action);
    return {};
  }
};

}  // namespace

std::unique_ptr<backend> make_log_backend() {
  return std::make_unique<log_backend>();
}

std::unique_ptr<backend> make_backend(const backend_config& config) {
  if (config.kind == "tuxhttp")
    return make_tuxhttp_backend(config);
  if (config.kind == "espeak")
    return make_espeak_backend(config);
  if (config.kind == "log")
    return make_log_backend();
  auto robot = make_tuxhttp_backend(config);
  if (robot->probe()) {
    spdlog::info("tux: a Tux Droid server answers at {}:{}; using it", config.host, config.port);
    return robot;
  }
  spdlog::info("tux: no Tux Droid server answers at {}:{}; the robot's actions go to this log "
               "(--tux-backend picks another)",
               config.host, config.port);
  return make_log_backend();
}

}  // namespace chatter::tux
