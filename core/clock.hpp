// Wall-clock milliseconds since the Unix epoch: the unit of every timestamp
// Chatter shows (D-Bus `x` values, database columns).
#pragma once

#include <chrono>
#include <cstdint>

namespace chatter {

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace chatter
