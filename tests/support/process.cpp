#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace chatter::test {

namespace {

std::vector<std::string> make_env(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : extra)
    env[k] = v;
  std::vector<std::string> out;
  for (auto& [k, v] : env)
    out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& extra_env,
                             bool capture_stdout, const std::string& log_file) {
  auto args = argv;
  auto env = make_env(extra_env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  int out_pipe[2] = {-1, -1};
  if (capture_stdout && pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test that crashes must not leave its bus or daemon behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (capture_stdout)
      dup2(out_pipe[1], STDOUT_FILENO);
    if (!log_file.empty()) {
      int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        if (!capture_stdout)
          dup2(fd, STDOUT_FILENO);
      }
    }
    execve(c_args[0], c_args.data(), c_env.data());
    _exit(127);
  }
  if (capture_stdout) {
    close(out_pipe[1]);
    stdout_fd_ = out_pipe[0];
  }
}

child_process::~child_process() {
  if (running())
    stop(SIGKILL);
  if (stdout_fd_ >= 0)
    close(stdout_fd_);
}

std::string child_process::read_line() {
  std::string line;
  char c;
  while (read(stdout_fd_, &c, 1) == 1 && c != '\n')
    line += c;
  return line;
}

bool child_process::running() {
  if (pid_ <= 0)
    return false;
  int status;
  auto r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return r == 0;
}

int child_process::stop(int sig) {
  if (pid_ <= 0)
    return -1;
  kill(pid_, sig);
  int status = 0;
  // Bounded: a daemon that ignores SIGTERM for 10 s gets SIGKILL.
  for (int i = 0; i < 1000; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

command_result run_command(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& extra_env,
                           const std::string& input) {
  auto args = argv;
  auto env = make_env(extra_env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe))
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    // PATH lookup: tools like gdbus are named, not given as paths.
    execvpe(c_args[0], c_args.data(), c_env.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!input.empty()) [[maybe_unused]]
    auto n = write(in_pipe[1], input.data(), input.size());
  close(in_pipe[1]);
  command_result result;
  // stderr is small for our tools; read it after stdout closes.
  result.out = read_all(out_pipe[0]);
  result.err = read_all(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace chatter::test
