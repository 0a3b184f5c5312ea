// The espeak backend: speech through espeak-ng on this desktop (played, or
// written to WAV files with --tux-espeak-wav-dir), motions to the log. The
// text goes on espeak-ng's stdin, never on its command line, so no text can
// pass for an option.
#include <filesystem>

#include <spdlog/spdlog.h>

#include "backend.hpp"
#include "core/subprocess.hpp"

namespace chatter::tux {

namespace {

constexpr auto speech_timeout = std::chrono::seconds(30);

class espeak_backend final : public backend {
public:
  explicit espeak_backend(const backend_config& config)
    : voice_(config.voice.empty() ? config.language : config.voice), wav_dir_(config.wav_dir) {
    if (!on_path("espeak-ng"))
      spdlog::warn("tux: espeak-ng is not installed (Debian package espeak-ng); "
                   "speech goes to the log");
    if (!wav_dir_.empty())
      std::filesystem::create_directories(wav_dir_);
  }

  std::string name() const override {
    return "espeak";
  }

  std::string speak(const std::string& text) override {
    std::vector<std::string> argv{"espeak-ng", "-v", voice_, "--stdin"};
    std::string wav;
    if (!wav_dir_.empty()) {
      wav =
        (std::filesystem::path(wav_dir_) / ("tux-" + std::to_string(++spoken_) + ".wav")).string();
      argv.insert(argv.end(), {"-w", wav});
    }
    auto run = run_program(argv, text + "\n", speech_timeout);
    if (!run.started) {
      spdlog::info("tux says: \"{}\" (espeak-ng could not start)", text);
      return "espeak-ng could not start";
    }
    // espeak-ng exits 0 even when it cannot open an audio device; its
    // stderr tells.
    if (run.exit_status != 0 || run.error_output.find("rror") != std::string::npos) {
      if (!warned_)
        spdlog::warn("tux: espeak-ng cannot play sound here ({}); --tux-espeak-wav-dir DIR "
                     "writes WAV files instead",
                     last_line(run.error_output));
      warned_ = true;
      return "espeak-ng could not play it";
    }
    spdlog::info("tux says: \"{}\" (espeak-ng{})", text, wav.empty() ? "" : ", into " + wav);
    return {};
  }

  std::string perform(const std::string& action) override {
    spdlog::info("tux does: {}", action);
    return {};
  }

private:
  static std::string last_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    auto nl = text.rfind('\n');
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }

  std::string voice_;
  std::string wav_dir_;
  uint64_t spoken_ = 0;
  bool warned_ = false;
};

}  // namespace

std::unique_ptr<backend> make_espeak_backend(const backend_config& config) {
  return std::make_unique<espeak_backend>(config);
}

}  // namespace chatter::tux
