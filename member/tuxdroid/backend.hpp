// The robot's backends: the Tux Droid server's HTTP API, espeak-ng on this
// desktop, or the log. A backend blocks while it works (HTTP with short
// timeouts, a speech process), so only the tuxdroid worker calls it, on its
// own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace chatter::tux {

struct backend_config {
  std::string kind = "auto";       // auto, tuxhttp, espeak, log
  std::string host = "127.0.0.1";  // the Tux Droid server (docs/tuxdroid-protocol.md)
  uint16_t port = 270;
  std::string language = "en";
  std::string voice;  // tuxhttp locutor or espeak-ng voice; empty: the language's
  int pitch = 100;
  std::string wav_dir;  // espeak: write one WAV file per utterance here instead of playing
  std::chrono::milliseconds connect_timeout{300};
  std::chrono::milliseconds io_timeout{1500};
};

inline constexpr const char* backend_kinds[] = {"auto", "tuxhttp", "espeak", "log"};

class backend {
public:
  virtual ~backend() = default;
  virtual std::string name() const = 0;
  // Each answers an empty string when done, else why it was not.
  virtual std::string speak(const std::string& text) = 0;
  virtual std::string perform(const std::string& action) = 0;
  // Whether a robot answers now (asks it); only tuxhttp has one.
  virtual bool probe() {
    return false;
  }
  // What the last request or probe found, without asking.
  virtual bool connected() const {
    return false;
  }
};

std::unique_ptr<backend> make_log_backend();
std::unique_ptr<backend> make_espeak_backend(const backend_config& config);
std::unique_ptr<backend> make_tuxhttp_backend(const backend_config& config);

// The backend `config.kind` names; for auto, tuxhttp when its server answers,
// else log (said once in the log).
std::unique_ptr<backend> make_backend(const backend_config& config);

}  // namespace chatter::tux
