// What lets chatterd start and stop cleanly whatever happens on the way: the
// data folder checked and locked, signals that work from the first moment,
// and everything spawned told to exit on every way out of run().
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <csignal>

#include <caf/actor_system_config.hpp>

namespace chatter {

// Creates the data folder 0700 when missing (an existing one keeps its
// mode), refuses one that anybody may write into without the sticky bit,
// and holds an exclusive flock on `chatterd.lock` inside it, which holds our
// PID. Throws std::runtime_error with a sentence for a person.
class data_dir_lock {
public:
  explicit data_dir_lock(const std::string& dir);
  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

private:
  int fd_ = -1;
};

// SIGINT and SIGTERM, blocked in every thread and taken by one thread of
// their own. Before started(), a signal ends the process at once: nothing
// has been acknowledged yet, and SQLite survives an exit at any point. After
// it, wait() returns the signal for an orderly shutdown.
class signal_watch {
public:
  signal_watch();  // call before any other thread starts
  ~signal_watch();
  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

  void started();
  int wait();

private:
  void watch();

  sigset_t signals_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  bool started_ = false;
  int signal_ = 0;
  std::thread thread_;
};

// Steps that stop what was spawned, run last-first when this goes (on any
// way out of the scope, an exception included): ~actor_system otherwise
// waits forever for detached actors nobody told to exit.
class shutdown_steps {
public:
  shutdown_steps() = default;
  ~shutdown_steps();
  shutdown_steps(const shutdown_steps&) = delete;
  shutdown_steps& operator=(const shutdown_steps&) = delete;

  void add(std::function<void()> step) {
    steps_.push_back(std::move(step));
  }
  void run_now();

private:
  std::vector<std::function<void()>> steps_;
};

// CAF 0.17's default work-stealing workers, once idle, poll 100 times, then
// 500 more with a 50 us sleep between, before they block: that is 90-130
// context switches per message on a lightly loaded daemon, and 40-50 % of
// its CPU. Work-sharing workers block on one queue's condition variable at
// once. "stealing" keeps CAF's policy with its polling cut to a short spin.
void configure_scheduler(caf::actor_system_config& cfg, const std::string& policy);

}  // namespace chatter
