// A token bucket per caller node: a node may make `burst` requests at once
// and `per_second` on average. The hub keys it by the CAF node a request
// comes from, so a flooding host is refused (RateLimited) while every other
// host is served as before. Pure logic: the clock is passed in.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace chatter {

class node_rate_limit {
public:
  using clock = std::chrono::steady_clock;

  node_rate_limit(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  // Takes one token for `node`; false when it has none left.
  bool allow(const std::string& node, clock::time_point now = clock::now()) {
    return allow_n(node, 1, now);
  }

  // Takes `n` tokens at once (a batch costs what its items would alone);
  // false, taking none, when fewer are left.
  bool allow_n(const std::string& node, size_t n, clock::time_point now = clock::now()) {
    auto [i, fresh] = buckets_.try_emplace(node, bucket{burst_, now});
    auto& b = i->second;
    if (!fresh) {
      std::chrono::duration<double> elapsed = now - b.last;
      b.tokens = std::min(burst_, b.tokens + elapsed.count() * rate_);
      b.last = now;
    }
    auto cost = static_cast<double>(n);
    if (b.tokens < cost)
      return false;
    b.tokens -= cost;
    if (buckets_.size() > 100000)  // forget idle nodes rather than grow forever
      buckets_.erase(buckets_.begin());
    return true;
  }

private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  double rate_;
  double burst_;
  std::map<std::string, bucket> buckets_;
};

}  // namespace chatter
