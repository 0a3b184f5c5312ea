#include "fuzz_target.hpp"

#include <filesystem>
#include <fstream>

namespace chatter::fuzz {

void write_seeds_if_asked(const std::vector<std::vector<uint8_t>>& seeds) {
  const char* dir = std::getenv("CHATTER_FUZZ_WRITE_SEEDS");
  if (!dir || !*dir)
    return;
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(std::filesystem::path(dir) / ("seed-" + std::to_string(i)), std::ios::binary);
    out.write(reinterpret_cast<const char*>(seeds[i].data()),
              static_cast<std::streamsize>(seeds[i].size()));
  }
  std::printf("%zu seeds written to %s\n", seeds.size(), dir);
  std::fflush(stdout);
  // Not exit(): the target's fixture (an actor system, say) stays up.
  std::_Exit(0);
}

}  // namespace chatter::fuzz
