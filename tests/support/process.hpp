// A child process the test owns: spawned with arguments and environment,
// its stdout optionally captured, killed and reaped on destruction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace chatter::test {

class child_process {
public:
  child_process(const std::vector<std::string>& argv,
                const std::map<std::string, std::string>& extra_env = {},
                bool capture_stdout = false, const std::string& log_file = {});
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const {
    return pid_;
  }
  // Reads one line of the child's stdout (capture_stdout must be set).
  std::string read_line();
  // Sends `sig` and waits for the exit; returns the wait status.
  int stop(int sig);
  bool running();

private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

// Runs a command to completion and returns its exit code and output.
struct command_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};
command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& extra_env = {},
                           const std::string& input = {});

}  // namespace chatter::test
