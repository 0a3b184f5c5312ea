#include "rate_limiter.hpp"

#include <algorithm>

namespace chatter {

rate_limiter::rate_limiter(unsigned free_failures, std::chrono::milliseconds base,
                           std::chrono::milliseconds cap)
  : free_failures_(free_failures), base_(base), cap_(cap) {}

std::chrono::milliseconds rate_limiter::wait_time(const std::string& key,
                                                  clock::time_point now) const {
  auto i = entries_.find(key);
  if (i == entries_.end() || i->second.locked_until <= now)
    return std::chrono::milliseconds{0};
  return std::chrono::ceil<std::chrono::milliseconds>(i->second.locked_until - now);
}

void rate_limiter::record_failure(const std::string& key, clock::time_point now) {
  auto& e = entries_[key];
  ++e.failures;
  e.last_failure = now;
  if (e.failures < free_failures_)
    return;
  auto doublings = std::min(e.failures - free_failures_, 20u);
  auto lock = std::min<std::chrono::milliseconds>(cap_, base_ * (int64_t{1} << doublings));
  e.locked_until = now + lock;
}

void rate_limiter::record_success(const std::string& key) {
  entries_.erase(key);
}

void rate_limiter::forget_idle(clock::time_point now) {
  for (auto i = entries_.begin(); i != entries_.end();) {
    if (i->second.locked_until <= now && now - i->second.last_failure > cap_)
      i = entries_.erase(i);
    else
      ++i;
  }
}

}  // namespace chatter
