#include "startup.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "store/database.hpp"

namespace chatter {

namespace {

// Anyone could rename chatterd's files away or put their own in their place.
void refuse_open_folder(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw std::runtime_error("cannot look at the data folder " + dir + ": " + std::strerror(errno));
  if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
    throw std::runtime_error("the data folder " + dir
                             + " is writable by every user and has no sticky bit, so anyone "
                               "could replace chatterd's files in it; run chmod o-w (or "
                               "chmod +t) on it, or choose another --data-dir");
}

std::string pid_in(const std::string& lock_file) {
  std::ifstream in(lock_file);
  std::string pid;
  in >> pid;
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

data_dir_lock::data_dir_lock(const std::string& dir) {
  store::create_private_directories(dir);
  refuse_open_folder(dir);
  auto path = dir + "/chatterd.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0)
    throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    auto why = errno == EWOULDBLOCK
      ? "another chatterd (PID " + pid_in(path) + ") is running on the data folder " + dir
        + "; stop it first, or give this one another --data-dir"
      : "cannot lock " + path + ": " + std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error(why);
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0
      || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    spdlog::warn("could not write the PID into {}: {}", path, std::strerror(errno));
}

data_dir_lock::~data_dir_lock() {
  // The PID goes first: a reader between the two sees no stale one.
  if (::ftruncate(fd_, 0) != 0)
    spdlog::debug("could not clear the lock file's PID: {}", std::strerror(errno));
  ::close(fd_);
}

signal_watch::signal_watch() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  thread_ = std::thread([this] { watch(); });
}

signal_watch::~signal_watch() {
  // The watcher sleeps in sigwait; a signal of our own wakes it, and it
  // returns since started() was called or we are leaving anyway.
  bool waiting = false;
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    waiting = signal_ == 0;
  }
  if (waiting)
    pthread_kill(thread_.native_handle(), SIGTERM);
  thread_.join();
}

void signal_watch::watch() {
  int sig = 0;
  sigwait(&signals_, &sig);
  std::lock_guard lock(mutex_);
  if (!started_) {
    spdlog::info("chatterd: {} received while starting; exiting", strsignal(sig));
    // Ended by the signal, as a program that never handled it would be.
    sigset_t just_this;
    sigemptyset(&just_this);
    sigaddset(&just_this, sig);
    std::signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &just_this, nullptr);
    raise(sig);
    std::_Exit(128 + sig);
  }
  signal_ = sig;
  arrived_.notify_all();
}

void signal_watch::started() {
  std::lock_guard lock(mutex_);
  started_ = true;
}

int signal_watch::wait() {
  std::unique_lock lock(mutex_);
  arrived_.wait(lock, [this] { return signal_ != 0; });
  return signal_;
}

shutdown_steps::~shutdown_steps() {
  run_now();
}

void shutdown_steps::run_now() {
  while (!steps_.empty()) {
    auto step = std::move(steps_.back());
    steps_.pop_back();
    step();
  }
}

void configure_scheduler(caf::actor_system_config& cfg, const std::string& policy) {
  if (policy == "sharing") {
    cfg.set("scheduler.policy", caf::atom("sharing"));
    return;
  }
  cfg.set("scheduler.policy", caf::atom("stealing"));
  cfg.set("work-stealing.aggressive-poll-attempts", size_t{100});
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
}

}  // namespace chatter
