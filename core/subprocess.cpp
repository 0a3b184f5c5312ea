#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace chatter {

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && access(dir.append("/").append(name).c_str(), X_OK) == 0)
      return true;
  return false;
}

namespace {

// posix_spawnp with the signal state every child starts from (header).
// `actions` may be null. Returns the pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, const posix_spawn_file_actions_t* actions) {
  if (argv.empty())
    return -1;
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, child;
  sigemptyset(&none);
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &child);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

}  // namespace

bool start_program(const std::vector<std::string>& argv) {
  return spawn(argv, nullptr) > 0;
}

program_result run_program(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout) {
  program_result result;
  // Socket pairs rather than pipes: send() with MSG_NOSIGNAL cannot raise
  // SIGPIPE in the daemon when the program quits without reading.
  int in[2], err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    return result;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, err) != 0) {
    close(in[0]);
    close(in[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  pid_t pid = spawn(argv, &actions);
  posix_spawn_file_actions_destroy(&actions);
  close(in[1]);
  close(err[1]);
  if (pid < 0) {
    close(in[0]);
    close(err[0]);
    return result;
  }
  result.started = true;
  for (size_t sent = 0; sent < input.size();) {
    auto n = send(in[0], input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    sent += static_cast<size_t>(n);
  }
  close(in[0]);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  bool exited = false;
  char buf[1024];
  while (!exited) {
    pollfd p{err[0], POLLIN, 0};
    if (poll(&p, 1, 20) > 0) {
      auto n = read(err[0], buf, sizeof buf);
      if (n > 0 && result.error_output.size() < 4096)
        result.error_output.append(buf, static_cast<size_t>(n));
    }
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!exited && std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      close(err[0]);
      return result;
    }
  }
  close(err[0]);
  if (WIFEXITED(status))
    result.exit_status = WEXITSTATUS(status);
  return result;
}

}  // namespace chatter
