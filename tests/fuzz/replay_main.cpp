// Runs a fuzz target over files and folders of inputs, the way libFuzzer
// runs a corpus, in builds without libFuzzer: the committed seeds and every
// input that once crashed a target stay tests (ctest fuzz.replay.*).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <sys/resource.h>

#include "fuzz_target.hpp"

namespace fs = std::filesystem;

namespace {

size_t run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
#if !defined(__SANITIZE_ADDRESS__)
  // libFuzzer refuses a single allocation past its RSS limit; here a 2 GiB
  // address space does it (an input that once made a target allocate 4 GiB
  // then fails again). ASan reserves terabytes of shadow, so not there.
  rlimit limit{2ull << 30, 2ull << 30};
  setrlimit(RLIMIT_AS, &limit);
#endif
  LLVMFuzzerInitialize(&argc, &argv);
  size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    if (fs::is_directory(arg)) {
      std::vector<fs::path> files;
      for (auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file())
          files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (auto& f : files)
        inputs += run_file(f);
    } else if (fs::exists(arg)) {
      inputs += run_file(arg);
    }
  }
  std::printf("%s: %zu inputs replayed, no invariant broken\n", argv[0], inputs);
  std::fflush(stdout);
  return inputs > 0 ? 0 : 1;
}
