// Runs a program to completion with text on its stdin, for the espeak
// backend. No shell: arguments go to the program as they are.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace chatter::tux {

struct program_result {
  bool started = false;
  int exit_status = -1;      // -1 when killed or not started
  std::string error_output;  // stderr, the first 4 KiB
};

// Finds `argv[0]` on PATH, feeds `input` to its stdin, waits at most
// `timeout` (then kills it). stdout goes to /dev/null.
program_result run_program(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout);

// Whether `name` is an executable on PATH.
bool on_path(const std::string& name);

}  // namespace chatter::tux
