// The tuxhttp backend: GET /0/<resource>/<service>?... on the Tux Droid
// server, with short timeouts. Once the robot stops answering, actions are
// dropped at once (not retried) until a probe finds it again, so a dead
// robot costs one timeout, not one per action.
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "actions.hpp"
#include "backend.hpp"

namespace chatter::tux {

namespace {

std::string default_locutor(const std::string& language) {
  // Voices the Tux Droid's Acapela engine shipped with.
  return language == "fr" ? "Bruno" : "Ryan";
}

class tuxhttp_backend final : public backend {
public:
  explicit tuxhttp_backend(const backend_config& config)
    : client_(config.host, config.port), where_(config.host + ":" + std::to_string(config.port)),
      locutor_(config.voice.empty() ? default_locutor(config.language) : config.voice),
      pitch_(config.pitch) {
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    auto usec = [](std::chrono::milliseconds ms) {
      return static_cast<time_t>(duration_cast<microseconds>(ms).count());
    };
    client_.set_connection_timeout(0, usec(config.connect_timeout));
    client_.set_read_timeout(0, usec(config.io_timeout));
    client_.set_write_timeout(0, usec(config.io_timeout));
    // Targets are percent-encoded by http_command::target().
    client_.set_url_encode(false);
    client_.set_keep_alive(false);
  }

  std::string name() const override {
    return "tuxhttp";
  }

  std::string speak(const std::string& text) override {
    return send(speak_command(text, locutor_, pitch_));
  }

  std::string perform(const std::string& action) override {
    auto commands = http_commands(action);
    if (commands.empty())
      return "unknown action '" + action + "'";
    for (auto& command : commands)
      if (auto why = send(command); !why.empty())
        return why;
    return {};
  }

  bool connected() const override {
    return online_;
  }

  bool probe() override {
    auto res = client_.Get(radio_status_command().target().c_str());
    bool radio_on = res && res->status == 200 && reply_succeeded(res->body)
      && (reply_value(res->body) == "True" || reply_value(res->body) == "ON");
    if (radio_on != online_)
      spdlog::info("tux: the robot at {} is {}", where_,
                   radio_on ? "connected"
                     : res  ? "not on the radio"
                            : "not answering");
    online_ = radio_on;
    return online_;
  }

private:
  std::string send(const http_command& command) {
    if (!online_)
      return "the robot at " + where_ + " is offline";
    auto target = command.target();
    auto res = client_.Get(target.c_str());
    if (!res) {
      online_ = false;
      spdlog::warn("tux: the robot at {} stopped answering ({})", where_,
                   httplib::to_string(res.error()));
      return "the robot at " + where_ + " did not answer";
    }
    if (res->status != 200 || !reply_succeeded(res->body))
      return "the robot refused " + command.resource + "/" + command.service + " (HTTP "
        + std::to_string(res->status) + ")";
    return {};
  }

  httplib::Client client_;
  std::string where_;
  std::string locutor_;
  int pitch_;
  bool online_ = true;  // until a request says otherwise
};

}  // namespace

std::unique_ptr<backend> make_tuxhttp_backend(const backend_config& config) {
  return std::make_unique<tuxhttp_backend>(config);
}

}  // namespace chatter::tux
