// Starting programs, the one way the project does it (the robot's espeak
// backend, chatter-notify's "Open"). No shell: arguments go to the program
// as they are, found on PATH. The child gets an empty signal mask and
// SIGCHLD at its default, whatever the parent set for itself: chatterd and
// chatter-notify block SIGINT/SIGTERM for sigwait, and chatter-notify
// ignores SIGCHLD so that the windows it starts reap themselves.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace chatter {

struct program_result {
  bool started = false;
  int exit_status = -1;      // -1 when killed or not started
  std::string error_output;  // stderr, the first 4 KiB
};

// Finds `argv[0]` on PATH, feeds `input` to its stdin, waits at most
// `timeout` (then kills it). stdout goes to /dev/null.
program_result run_program(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout);

// Starts `argv[0]` from PATH and lets it run; it inherits stdin, stdout
// and stderr. False when it could not be started. The caller reaps it (or
// ignores SIGCHLD).
bool start_program(const std::vector<std::string>& argv);

// Whether `name` is an executable on PATH.
bool on_path(const std::string& name);

}  // namespace chatter
