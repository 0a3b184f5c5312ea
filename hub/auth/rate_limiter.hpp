// Failed-login throttling: after `free_failures` failures in a row a key
// (a user name, a node) is locked for base * 2^(extra failures), capped.
// Pure logic with the clock passed in, so tests need no sleeping.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>

namespace chatter {

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  rate_limiter(unsigned free_failures, std::chrono::milliseconds base,
               std::chrono::milliseconds cap);

  // Zero when `key` may try now, else how long it must wait.
  std::chrono::milliseconds wait_time(const std::string& key, clock::time_point now) const;

  void record_failure(const std::string& key, clock::time_point now);
  void record_success(const std::string& key);

  // Drops entries whose lock has expired long ago, to bound memory.
  void forget_idle(clock::time_point now);

  size_t size() const {
    return entries_.size();
  }

private:
  struct entry {
    unsigned failures = 0;
    clock::time_point locked_until;
    clock::time_point last_failure;
  };
  unsigned free_failures_;
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace chatter
