// What each fuzz target provides, and a helper for their invariants. The
// same sources build two ways: with clang's libFuzzer (scripts/fuzz, the
// fuzz build) and, in every normal build, with replay_main.cpp, which runs
// the committed corpus and regression inputs through them as a test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace chatter::fuzz {

// A broken invariant: say which, then abort so the fuzzer keeps the input.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void require(bool ok, const char* what) {
  if (!ok)
    broken(what);
}

// With CHATTER_FUZZ_WRITE_SEEDS=DIR set, LLVMFuzzerInitialize writes the
// target's seed inputs there (files named seed-N) and exits.
void write_seeds_if_asked(const std::vector<std::vector<uint8_t>>& seeds);

}  // namespace chatter::fuzz
